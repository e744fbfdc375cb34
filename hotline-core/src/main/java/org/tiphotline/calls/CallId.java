package org.tiphotline.calls;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

/** Our identifier of a call, independent of the provider that carried it. */
public record CallId(@JsonValue UUID value) {

    public static CallId random() {
        return new CallId(UUID.randomUUID());
    }

    public static CallId parse(String text) {
        return new CallId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
