package org.tiphotline.registry;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

public record CaseId(@JsonValue UUID value) {

    public static CaseId random() {
        return new CaseId(UUID.randomUUID());
    }

    /** A case id from a path; an unreadable one is a case nobody can have. */
    public static CaseId parse(String text) {
        try {
            return new CaseId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw new CaseNotFound();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
