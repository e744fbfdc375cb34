package org.tiphotline.intake;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

/** Identifies a hotline report (a draft until submitted). */
public record ReportId(@JsonValue UUID value) {

    public static ReportId parse(String text) {
        return new ReportId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
