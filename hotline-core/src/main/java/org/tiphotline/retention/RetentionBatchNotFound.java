package org.tiphotline.retention;

/** No retention batch with that id. */
public class RetentionBatchNotFound extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RetentionBatchNotFound() {
        super("no such retention batch");
    }
}
