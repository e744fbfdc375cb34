package org.tiphotline.intake;

import java.util.Map;

/** One or more form fields hold values the form does not accept; messages never repeat the value itself. */
public class InvalidField extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> problems;

    public InvalidField(String field, String problem) {
        this(Map.of(field, problem));
    }

    public InvalidField(Map<String, String> problems) {
        super("invalid fields: " + problems.keySet());
        this.problems = Map.copyOf(problems);
    }

    /** Field name → what is wrong with it. */
    public Map<String, String> problems() {
        return problems;
    }
}
