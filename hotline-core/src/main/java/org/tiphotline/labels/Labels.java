package org.tiphotline.labels;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The words for codes ({@code FEMALE}, {@code ESCALATION_STEP}) from {@code labels/labels.properties}, so that a
 * code is never what a person reads and a wording changes in one place. A code nobody labelled still reads as a
 * sentence ("Escalation step"), never as the raw code: a missing label must not put an enum on a screen.
 */
public final class Labels {

    private static final Map<String, String> ENGLISH = load("labels/labels.properties", Locale.ENGLISH);
    private static final Map<String, Map<String, String>> TRANSLATED = new java.util.concurrent.ConcurrentHashMap<>();

    private Labels() {
    }

    /** Every label, keyed {@code code.X} or {@code kind.X}: what the browser's {@code App.label} reads. */
    public static Map<String, String> all() {
        return ENGLISH;
    }

    /**
     * The labels in {@code language} (ISO 639, "es"): {@code labels/labels_<language>.properties} over the English
     * ones, so an untranslated code still has English words rather than none. Unknown languages get English.
     */
    public static Map<String, String> all(String language) {
        if (language == null || !language.matches("[a-z]{2,3}") || language.equals("en")) {
            return ENGLISH;
        }
        return TRANSLATED.computeIfAbsent(language, lang -> {
            String resource = "labels/labels_" + lang + ".properties";
            if (Labels.class.getClassLoader().getResource(resource) == null) {
                return ENGLISH;
            }
            Map<String, String> merged = new TreeMap<>(ENGLISH);
            merged.putAll(load(resource, Locale.of(lang)));
            return Collections.unmodifiableMap(merged);
        });
    }

    /** The words for {@code code} where it is a {@code kind} (presence, outcome…); {@code kind} may be null. */
    public static String of(String kind, String code) {
        if (code == null) {
            return "";
        }
        String specific = kind == null ? null : ENGLISH.get(kind + "." + code);
        if (specific != null) {
            return specific;
        }
        String general = ENGLISH.get("code." + code);
        return general != null ? general : sentence(code);
    }

    static String sentence(String code) {
        String spaced = code.contains("_") || code.equals(code.toUpperCase(Locale.ROOT))
                ? code.replace('_', ' ') : code.replaceAll("(?<!^)([A-Z])", " $1");
        String lower = spaced.toLowerCase(Locale.ROOT).trim();
        return lower.isEmpty() ? lower : Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    private static Map<String, String> load(String resource, Locale language) {
        Properties properties = new Properties();
        try (InputStream in = Labels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> map = new TreeMap<>();
        // Countries by name, stored as the ISO code the forms check: the same list the server accepts.
        for (String iso : Locale.getISOCountries()) {
            map.put("country." + iso, Locale.of("", iso).getDisplayCountry(language));
        }
        properties.forEach((k, v) -> map.put((String) k, (String) v));
        return Collections.unmodifiableMap(map);
    }
}
