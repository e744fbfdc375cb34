package org.tiphotline.intake;

import java.util.Map;

/** The form refused a value, and what was typed is kept with the draft (shown back with the reason on a reload). */
public class RefusedValueKept extends InvalidField {

    private static final long serialVersionUID = 1L;

    public RefusedValueKept(Map<String, String> problems) {
        super(problems);
    }
}
