package org.tiphotline.calls;

/** A provider or user named a call the system never heard of. */
public class UnknownCall extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnknownCall(Object ref) {
        super("no such call: " + ref);
    }
}
