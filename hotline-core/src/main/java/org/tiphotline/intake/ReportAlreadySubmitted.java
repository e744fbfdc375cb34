package org.tiphotline.intake;

/** A submitted report is read-only for the operator. */
public class ReportAlreadySubmitted extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReportAlreadySubmitted(ReportId id) {
        super("report " + id + " is already submitted and can no longer be changed");
    }
}
