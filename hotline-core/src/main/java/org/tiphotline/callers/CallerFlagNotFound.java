package org.tiphotline.callers;

import java.util.UUID;

/** No flag has this id (or it is not the asker's to see). */
public class CallerFlagNotFound extends RuntimeException {

    public CallerFlagNotFound(UUID id) {
        super("no caller flag " + id);
    }
}
