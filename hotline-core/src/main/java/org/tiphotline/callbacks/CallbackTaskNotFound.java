package org.tiphotline.callbacks;

import java.util.UUID;

/** No callback task has this id. */
public class CallbackTaskNotFound extends RuntimeException {

    public CallbackTaskNotFound(UUID id) {
        super("no callback task " + id);
    }
}
