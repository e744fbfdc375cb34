package org.tiphotline.registry;

/** No such case, or not one this user may open: both look the same from outside. */
public class CaseNotFound extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CaseNotFound() {
        super("no such case");
    }

    /** Something of a case that is not there (a document), told the same way. */
    public CaseNotFound(String what) {
        super(what);
    }
}
