package org.tiphotline.intake;

import java.util.List;

/**
 * One field of a form: how it is typed, which codes it accepts, and whether it holds personal data (then it is
 * encrypted at rest and every read or change of it is audited).
 *
 * @param maxLength for text, the most characters; for whole numbers, the largest value
 * @param min for whole numbers, the smallest value
 */
public record FormField(String name, String section, String label, Kind kind, List<String> codes, boolean personal,
        int maxLength, int min) {

    public enum Kind { CODE, CODES, DATE, INTEGER, BOOLEAN, TEXT, COUNTRY, PHONE }

    public FormField {
        codes = List.copyOf(codes);
    }

    static FormField code(String name, String section, String label, List<String> codes) {
        return new FormField(name, section, label, Kind.CODE, codes, false, 0, 0);
    }

    static FormField codes(String name, String section, String label, List<String> codes) {
        return new FormField(name, section, label, Kind.CODES, codes, false, 0, 0);
    }

    static FormField typed(String name, String section, String label, Kind kind) {
        return new FormField(name, section, label, kind, List.of(), false, 0, 0);
    }

    static FormField number(String name, String section, String label, int min, int max) {
        return new FormField(name, section, label, Kind.INTEGER, List.of(), false, max, min);
    }

    static FormField personal(String name, String section, String label, Kind kind, int maxLength) {
        return new FormField(name, section, label, kind, List.of(), true, maxLength, 0);
    }
}
