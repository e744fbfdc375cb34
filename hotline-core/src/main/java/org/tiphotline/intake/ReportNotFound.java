package org.tiphotline.intake;

/** No report with that id is visible to the person asking: it does not exist, or it is not theirs to see. */
public class ReportNotFound extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReportNotFound(Object id) {
        super("no report " + id);
    }
}
