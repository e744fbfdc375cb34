package org.tiphotline.intake;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

/** Identifies a hotline report (a draft until submitted). */
public record ReportId(@JsonValue UUID value) {

    public static ReportId parse(String text) {
        try {
            return new ReportId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            // Never echo the input: it is whatever someone typed into a URL.
            throw new IllegalArgumentException("report id must be a UUID");
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
