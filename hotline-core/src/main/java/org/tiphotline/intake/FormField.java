package org.tiphotline.intake;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One field of a form: how it is typed, which codes it accepts, and whether it holds personal data (then it is
 * encrypted at rest and every read or change of it is audited).
 *
 * @param maxLength for text, the most characters; for whole numbers, the largest value
 * @param min for whole numbers, the smallest value
 */
public record FormField(String name, String section, String label, Kind kind, List<String> codes, boolean personal,
        int maxLength, int min) {

    /**
     * A tag, a comment or a character reference: what a browser would read as markup rather than text. Refused in
     * every form, staff's included: pages show text as text, but the registry's exports and the agencies' alerts
     * go to programs we do not control. "a < b" and "<3" stay text.
     */
    static final Pattern MARKUP = Pattern.compile("<\\s*[A-Za-z!/?]|&#?[A-Za-z0-9]{1,32};");

    public enum Kind { CODE, CODES, DATE, INTEGER, BOOLEAN, TEXT, COUNTRY, PHONE }

    public FormField {
        codes = List.copyOf(codes);
    }

    public static FormField code(String name, String section, String label, List<String> codes) {
        return new FormField(name, section, label, Kind.CODE, codes, false, 0, 0);
    }

    public static FormField codes(String name, String section, String label, List<String> codes) {
        return new FormField(name, section, label, Kind.CODES, codes, false, 0, 0);
    }

    public static FormField typed(String name, String section, String label, Kind kind) {
        return new FormField(name, section, label, kind, List.of(), false, 0, 0);
    }

    public static FormField number(String name, String section, String label, int min, int max) {
        return new FormField(name, section, label, Kind.INTEGER, List.of(), false, max, min);
    }

    public static FormField personal(String name, String section, String label, Kind kind, int maxLength) {
        return new FormField(name, section, label, kind, List.of(), true, maxLength, 0);
    }

    private static final java.util.Set<String> COUNTRIES = java.util.Set.of(java.util.Locale.getISOCountries());

    /**
     * Checks a value typed into this field and returns it in stored form (String, LocalDate, Integer, Boolean,
     * List of codes), or null when the field was cleared. Every form (hotline, registry, online, screening) checks
     * its values here, so a field of one kind accepts the same things on every form.
     */
    public Object normalise(Object raw, LocalDate today) {
        if (raw == null || (raw instanceof String s && s.isBlank()) || (raw instanceof List<?> l && l.isEmpty()
                && kind != FormField.Kind.CODES)) {
            return null;
        }
        return switch (kind) {
            case CODE -> {
                String code = text(name, raw);
                if (!codes.contains(code)) {
                    throw new InvalidField(name, "choose one of the listed options");
                }
                yield code;
            }
            case CODES -> {
                if (!(raw instanceof List<?> list)) {
                    throw new InvalidField(name, "expected a list of options");
                }
                Set<String> chosen = new LinkedHashSet<>();
                for (Object item : list) {
                    if (!(item instanceof String code) || !codes.contains(code)) {
                        throw new InvalidField(name, "choose only listed options");
                    }
                    chosen.add(code);
                }
                yield List.copyOf(chosen);
            }
            case DATE -> {
                try {
                    LocalDate date = LocalDate.parse(text(name, raw));
                    if (date.getYear() < 1900 || date.isAfter(today.plusDays(1))) {
                        throw new InvalidField(name, "date must be between 1900 and today");
                    }
                    yield date;
                } catch (DateTimeParseException e) {
                    throw new InvalidField(name, "date must be written as YYYY-MM-DD");
                }
            }
            case INTEGER -> {
                int value;
                if (raw instanceof Number n) {
                    // Exact, not intValue(): JSON numbers beyond int (long, big) wrapped to an in-range age.
                    value = wholeNumber(name, n);
                } else if (raw instanceof String s && s.strip().matches("[-+]?\\d{1,9}")) {
                    value = Integer.parseInt(s.strip());
                } else {
                    throw new InvalidField(name, "must be a whole number, written in digits");
                }
                // Said as the limit that was crossed: "-5" is a whole number, just not one this field takes.
                if (value < min) {
                    throw new InvalidField(name, "must be " + min + " or more");
                }
                if (value > maxLength) {
                    throw new InvalidField(name, "must be " + maxLength + " or less");
                }
                yield value;
            }
            case BOOLEAN -> {
                if (!(raw instanceof Boolean b)) {
                    throw new InvalidField(name, "must be true or false");
                }
                yield b;
            }
            case COUNTRY -> {
                String code = text(name, raw).toUpperCase(Locale.ROOT);
                if (!COUNTRIES.contains(code)) {
                    throw new InvalidField(name, "must be a two-letter ISO country code");
                }
                yield code;
            }
            case PHONE -> {
                String phone = text(name, raw).strip();
                if (!phone.matches("\\+?[0-9 ()./-]{3,30}")) {
                    throw new InvalidField(name, "must be a phone number (digits, spaces, + ( ) - .)");
                }
                yield phone;
            }
            case TEXT -> {
                String value = text(name, raw);
                if (value.length() > maxLength) {
                    throw new InvalidField(name, "must be at most " + maxLength + " characters");
                }
                if (value.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
                    throw new InvalidField(name, "contains control characters");
                }
                if (MARKUP.matcher(value).find()) {
                    throw new InvalidField(name, "must be plain text: remove the HTML markup (< > &)");
                }
                yield value;
            }
        };
    }

    private static int wholeNumber(String name, Number n) {
        try {
            return new java.math.BigDecimal(n.toString()).intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidField(name, "must be a whole number");
        }
    }

    private static String text(String name, Object raw) {
        if (!(raw instanceof String s)) {
            throw new InvalidField(name, "must be text");
        }
        return s;
    }
}
