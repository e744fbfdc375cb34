package org.tiphotline.registry;

/**
 * A field was saved over a value the saver had not seen (another tab, another data manager): nothing is stored,
 * and the saver is given the value stored now and its version, to keep one of the two knowingly.
 */
public class FieldConflict extends RuntimeException {

    private final String field;
    private final transient Object current;
    private final int version;

    public FieldConflict(String field, Object current, int version) {
        super("this field was changed elsewhere since you opened it: choose which value to keep");
        this.field = field;
        this.current = current;
        this.version = version;
    }

    public String field() {
        return field;
    }

    /** The value stored now (null when empty); personal only for those who may work on the case. */
    public Object current() {
        return current;
    }

    public int version() {
        return version;
    }
}
