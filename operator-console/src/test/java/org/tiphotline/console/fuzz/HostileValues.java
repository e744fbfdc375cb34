package org.tiphotline.console.fuzz;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import tools.jackson.databind.JsonNode;

/**
 * What a hostile or careless client sends: JSON values of every type, numbers at the edges, huge strings, control
 * characters, unicode oddities, injection strings, malformed dates, unknown names, and valid values for a field so
 * that accepted writes (and so stored records) are part of every run too.
 */
final class HostileValues {

    private HostileValues() {
    }

    static final List<String> NASTY = List.of("'; DROP TABLE hotline_report; --", "' OR '1'='1", "\" OR \"\"=\"",
            "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "${jndi:ldap://127.0.0.1/x}", "%s%s%n%x",
            "{{7*7}}", "#{7*7}", "../../../../etc/passwd", "..%2F..%2F", "\\", "\"", "'", "`", "\u0000", "\u0000abc",
            "abc\u0000", "\u202Eevil", "\uFEFFbom", "zero\u200Bwidth", "𝕳𝖊𝖑𝖑𝖔", "👩‍👩‍👧‍👦", "Ünïcödé", "日本語",
            "مرحبا", "\r\n\r\nHTTP/1.1 200 OK", "\t", " ", "\u00A0", "\u2028", "null", "undefined", "NaN",
            "Infinity", "-0", "true", "[]", "{}", "0x1F", "1e999", "٣", "１２", "$where", "{\"$gt\": \"\"}",
            "COPY x FROM PROGRAM 'id'", "E'\\x00'", "\\u0000", "%00", "%0d%0a", "a".repeat(61), "\u0007bell",
            "\u001b[31mred", "\u007f", "\uFFFF", "\uFFFE");

    static final List<String> BAD_DATES = List.of("2024-02-30", "2023-02-29", "0000-01-01", "-0001-01-01",
            "+999999999-12-31", "2024-13-01", "2024-00-10", "1899-12-31", "1900-01-01", "9999-12-31", "2024-1-1",
            " 2024-01-01", "2024-01-01 ", "2024-01-01T00:00:00Z", "2024/01/01", "01/02/2024", "20240101",
            "2024-W01-1", "2024-001", "yesterday", "2100-01-01", LocalDate.now().plusDays(2).toString(),
            LocalDate.now().toString(), LocalDate.now().plusDays(1).toString());

    static final List<String> COUNTRIES = List.of("JM", "jm", " JM", "LC", "ZZ", "XK", "UK", "EU", "AA", "J",
            "JAM", "388", "Ja", "ǰm");

    static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40)),
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().all().ofMaxLength(30).filter(HostileValues::wellFormed)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(NASTY)),
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1)
                        .ofMaxLength(5).map(c -> "text" + c + "text")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(BAD_DATES)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(COUNTRIES)),
                net.jqwik.api.Tuple.of(1, huge()));
    }

    /** Around the form's text limits and the body limit (64 KiB): just under, just over, far over. */
    static Arbitrary<String> huge() {
        return Combinators.combine(Arbitraries.of(99, 100, 101, 200, 201, 300, 301, 500, 501, 1000, 1001, 2000,
                2001, 4000, 4001, 20_000, 70_000), Arbitraries.of("a", "é", "😀", "<", "'", " ", "\n"))
                .as((n, s) -> s.repeat(s.length() == 2 ? n / 2 : n));
    }

    static Arbitrary<Object> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.of(0, -1, 1, 17, 18, 119, 120, 121, 999, 1000, 1200, 1201, 1_000_000, 1_000_001,
                        Integer.MAX_VALUE, Integer.MIN_VALUE, Short.MAX_VALUE + 1, 65_536 + 18).map(i -> (Object) i),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 4_294_967_296L + 18, 4_294_967_296L,
                        -4_294_967_296L + 5).map(l -> (Object) l),
                Arbitraries.of(new BigInteger("18446744073709551634"), new BigInteger("1" + "0".repeat(40)))
                        .map(b -> (Object) b),
                Arbitraries.of(0.5, 17.999, 18.0, -0.0, 1e308, -1e308, 4.9e-324, 120.0000001, 4.294967314E9,
                        Double.MAX_VALUE).map(d -> (Object) d),
                Arbitraries.of(new BigDecimal("1e400"), new BigDecimal("18.000000000000000000001"))
                        .map(b -> (Object) b),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l));
    }

    /** Any JSON value: scalars of every type, and arrays and objects of them a few levels deep. */
    static Arbitrary<Object> json(int depth) {
        List<Arbitrary<Object>> scalars = List.of(Arbitraries.just(null), Arbitraries.of(true, false).map(b -> b),
                numbers(), strings().map(s -> s));
        Arbitrary<Object> scalar = Arbitraries.oneOf(scalars);
        if (depth <= 0) {
            return scalar;
        }
        Arbitrary<Object> list = json(depth - 1).list().ofMaxSize(5).map(l -> l);
        Arbitrary<Object> object = Arbitraries.maps(names(), json(depth - 1)).ofMaxSize(4).map(m -> m);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(2, list),
                net.jqwik.api.Tuple.of(1, object));
    }

    static Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12), strings(),
                Arbitraries.of("value", "__proto__", "constructor", "@class", "$type", "id", "version"));
    }

    /** A value the field accepts (or should): codes, in-range numbers and dates, short clean text. */
    static Arbitrary<Object> valid(JsonNode field) {
        String kind = field.get("kind").asString();
        List<String> codes = new ArrayList<>();
        field.get("codes").forEach(c -> codes.add(c.asString()));
        int max = field.get("maxLength").asInt();
        int min = field.get("min").asInt();
        return switch (kind) {
            case "CODE" -> codes.isEmpty() ? Arbitraries.just(null) : Arbitraries.of(codes).map(c -> c);
            case "CODES" -> Arbitraries.subsetOf(codes).map(s -> (Object) new ArrayList<>(s));
            case "DATE" -> Arbitraries.integers().between(0, 365 * 40)
                    .map(d -> (Object) LocalDate.now().minusDays(d).toString());
            case "INTEGER" -> Arbitraries.integers().between(min, max).map(i -> (Object) i);
            case "BOOLEAN" -> Arbitraries.of(true, false).map(b -> b);
            case "COUNTRY" -> Arbitraries.of("JM", "LC", "US", "GB", "ht", "CU").map(c -> c);
            case "PHONE" -> Arbitraries.of("+1 555 0100 142", "(555) 0100-7", "555.0100").map(p -> p);
            default -> Arbitraries.strings().all().ofMaxLength(Math.min(max, 80))
                    .filter(s -> wellFormed(s) && s.chars().noneMatch(c -> c < 0x20)).map(s -> s);
        };
    }

    /** Mostly hostile, often valid, so that both refusals and stored records come out of each run. */
    static Arbitrary<Object> valueFor(JsonNode field) {
        return valueFor(field, 4, 6);
    }

    /** Numbers at the edges go to number fields more often: that is where wrapping and rounding would hide. */
    static Arbitrary<Object> valueFor(JsonNode field, int validWeight, int hostileWeight) {
        boolean number = field.get("kind").asString().equals("INTEGER");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(validWeight, valid(field)),
                net.jqwik.api.Tuple.of(hostileWeight, json(2)),
                net.jqwik.api.Tuple.of(number ? hostileWeight : 0, numbers()));
    }

    /** A form's answers: some of its fields, sometimes with names it does not have. */
    static Arbitrary<Map<String, Object>> answers(List<JsonNode> fields) {
        // Mostly valid answers, so that whole submissions are often accepted and stored, not only refused.
        Arbitrary<Map<String, Object>> known = Arbitraries.of(fields).flatMap(f -> valueFor(f, 17, 3)
                .map(v -> new java.util.AbstractMap.SimpleEntry<>(f.get("name").asString(), v))).list().ofMaxSize(8).map(entries -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    entries.forEach(e -> m.put(e.getKey(), e.getValue()));
                    return m;
                });
        return Combinators.combine(known, Arbitraries.maps(names(), json(1)).ofMaxSize(2),
                Arbitraries.integers().between(0, 9)).as((k, unknown, dice) -> {
                    if (dice == 0) {
                        k.putAll(unknown);
                    }
                    return k;
                });
    }

    /** JSON bodies that are not what the endpoint expects, or not JSON at all. */
    static Arbitrary<byte[]> malformedBodies() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "{", "}", "[", "null", "[]", "\"value\"", "42", "{\"value\":", "{\"value\" 1}",
                        "{'value': 1}", "{\"value\": 1e999999999}", "{\"value\": -1e999999999}",
                        "{\"value\": 123456789012345678901234567890}", "{\"value\": NaN}", "{\"value\": [[[[[[[[[[[[]]]]]]]]]]]]}",
                        "{\"value\": 1, \"value\": 2}", "{\"value\": \"\\ud800\"}", "{\"value\": \"\\u0000\"}",
                        "{\"value\": 0x10}", "{\"value\": 01}", "{\"value\": .5}", "{\"value\": +1}",
                        "[" + "[".repeat(3000) + "]".repeat(3000) + "]", "{\"a\":".repeat(2000) + "1"
                                + "}".repeat(2000))
                        .map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.of(new byte[] {'{', '"', 'v', 'a', 'l', 'u', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'},
                        new byte[] {'"', (byte) 0xFF, (byte) 0xFE, '"'}, new byte[] {(byte) 0xEF, (byte) 0xBB,
                                (byte) 0xBF, '{', '}'}));
    }

    /** No unpaired surrogates: a JSON writer cannot send those, the raw-body fuzzing covers bad encodings. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
