package org.tiphotline.intake;

/**
 * A field was saved from a copy older than what is stored (a second tab, another save meanwhile) with another value:
 * nothing was stored, and the operator is shown both values to keep one. Carries the stored value for the operator
 * who may read it; its message never does.
 */
public class FieldChangedMeanwhile extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final transient Object current;
    private final int fieldVersion;

    public FieldChangedMeanwhile(String field, Object current, int fieldVersion) {
        super("the field was changed meanwhile (another tab or another save): choose which value to keep");
        this.field = field;
        this.current = current;
        this.fieldVersion = fieldVersion;
    }

    public String field() {
        return field;
    }

    /** The value stored now (null when the field is empty). */
    public Object current() {
        return current;
    }

    /** The field's version now: a save that starts from it replaces the stored value. */
    public int fieldVersion() {
        return fieldVersion;
    }
}
