package org.tiphotline.calls;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

/** Our identifier of a call, independent of the provider that carried it. */
public record CallId(@JsonValue UUID value) {

    public static CallId random() {
        return new CallId(UUID.randomUUID());
    }

    public static CallId parse(String text) {
        try {
            return new CallId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            // Never echo the input: it is whatever someone typed into a URL.
            throw new IllegalArgumentException("call id must be a UUID");
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
