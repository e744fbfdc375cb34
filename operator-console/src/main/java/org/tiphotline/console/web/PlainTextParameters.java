package org.tiphotline.console.web;

import java.beans.PropertyEditorSupport;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * The rule of {@link PlainText} for query parameters and path variables: a control character other than tab and
 * line breaks is refused before any handler sees it (a NUL in the user search's {@code text} was a 500). The
 * refusal is a 400 naming the parameter ({@link ApiErrors}).
 */
@ControllerAdvice
class PlainTextParameters {

    static final String PROBLEM = "contains a control character";

    @InitBinder
    void plainText(WebDataBinder binder) {
        binder.registerCustomEditor(String.class, new PropertyEditorSupport() {
            @Override
            public void setAsText(String text) {
                int c = text == null ? -1 : PlainText.firstControl(text);
                if (c >= 0) {
                    throw new IllegalArgumentException(String.format(PROBLEM + " (U+%04X)", c));
                }
                setValue(text);
            }
        });
    }
}
