package org.tiphotline.console.web;

import java.io.IOException;

/** A request body over the limit: refused before anything is parsed or stored. */
public class PayloadTooLarge extends IOException {

    private static final long serialVersionUID = 1L;

    PayloadTooLarge(long limit) {
        super("request body is larger than " + limit + " bytes");
    }
}
