package org.tiphotline.console.web;

import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Text an endpoint declares as a {@code String} (a note, a reason, a user name, a code) is refused while the JSON
 * is read when it holds a control character other than tab and line breaks: PostgreSQL cannot store a NUL at all
 * (a 500 after half the work), and the others are never typed, only injected. One rule for every endpoint, so a
 * new one cannot forget it. Form answers ({@code Object} values) are left to their form, whose own rule says the
 * same and names the form's field.
 */
@Component
class PlainText extends SimpleModule {

    private static final long serialVersionUID = 1L;

    PlainText() {
        super("plain-text");
        addDeserializer(String.class, new Checked(null));
    }

    /** The first character no text may hold, or -1. */
    static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                return c;
            }
        }
        return -1;
    }

    /**
     * Checks only where it is bound to a declared text property (or a list of texts); without one (a string
     * inside an untyped value, a whole body that is a string) it reads as Jackson's own.
     */
    static final class Checked extends ValueDeserializer<String> {

        private final BeanProperty property;
        private final boolean item;

        Checked(BeanProperty property) {
            this.property = property;
            this.item = property != null && !property.getType().hasRawClass(String.class);
        }

        @Override
        public ValueDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            if (property == null) {
                return this;
            }
            JavaType type = property.getType();
            boolean text = type.hasRawClass(String.class) || type.getContentType() != null
                    && type.getContentType().hasRawClass(String.class);
            return text ? new Checked(property) : new Checked(null);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            String value = StringDeserializer.instance.deserialize(p, ctxt);
            if (property != null && value != null) {
                int c = firstControl(value);
                if (c >= 0) {
                    throw new BadText(p, String.format("contains a control character (U+%04X); text may hold "
                            + "line breaks and tabs, no other control characters", c));
                }
            }
            return value;
        }

        /**
         * A missing text is null, as the endpoint decides; but an item of a list of texts that is null is no
         * text at all ({@code "languages": [null]} reached the code as a null element: a 500).
         */
        @Override
        public Object getNullValue(DeserializationContext ctxt) {
            if (item) {
                throw new BadText(ctxt.getParser(), "holds null where a text is expected");
            }
            return null;
        }
    }

    /** Never carries the text itself: it may be personal data. */
    static final class BadText extends MismatchedInputException {

        private static final long serialVersionUID = 1L;

        private final String problem;

        BadText(JsonParser p, String problem) {
            super(p, "text refused", String.class);
            this.problem = problem;
        }

        /** Where in the body, as a client names it: {@code reason}, {@code cases[0]}, {@code answers.place}. */
        String field() {
            StringBuilder name = new StringBuilder();
            for (JacksonException.Reference ref : getPath()) {
                if (ref.getPropertyName() != null) {
                    name.append(name.isEmpty() ? "" : ".").append(ref.getPropertyName());
                } else if (ref.getIndex() >= 0) {
                    name.append('[').append(ref.getIndex()).append(']');
                }
            }
            return name.isEmpty() ? "text" : name.toString();
        }

        String problem() {
            return problem;
        }
    }
}
