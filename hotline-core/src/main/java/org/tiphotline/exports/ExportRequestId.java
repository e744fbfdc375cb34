package org.tiphotline.exports;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

public record ExportRequestId(@JsonValue UUID value) {

    public static ExportRequestId random() {
        return new ExportRequestId(UUID.randomUUID());
    }

    /** A request id from a path; an unreadable one is a request nobody can have. */
    public static ExportRequestId parse(String text) {
        try {
            return new ExportRequestId(UUID.fromString(text));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ExportRequestNotFound();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
