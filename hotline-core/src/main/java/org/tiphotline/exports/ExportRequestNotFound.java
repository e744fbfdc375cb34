package org.tiphotline.exports;

/** No such export request, or not one this user may see: both look the same from outside. */
public class ExportRequestNotFound extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExportRequestNotFound() {
        super("no such export request");
    }
}
