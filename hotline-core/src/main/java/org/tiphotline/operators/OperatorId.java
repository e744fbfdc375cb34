package org.tiphotline.operators;

import com.fasterxml.jackson.annotation.JsonValue;

/** Identifies a user of the system (an operator when taking calls). */
public record OperatorId(@JsonValue long value) {
    @Override
    public String toString() {
        return Long.toString(value);
    }
}
