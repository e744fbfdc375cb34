package org.tiphotline.telephony.ivr;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The IVR's words by language and prompt, from {@code ivr-texts.properties} next to this class: the one place
 * they are written, read by the build that makes Asterisk's default sound files and by Twilio's {@code <Say>}.
 */
public final class IvrTexts {

    /** Stands for the digit the language menu gives a language in the configured order. */
    public static final String DIGIT = "{digit}";
    static final String RESOURCE = "ivr-texts.properties";

    private static final IvrTexts BUILT_IN = load();

    /** language → prompt → text */
    private final Map<String, Map<String, String>> texts;

    private IvrTexts(Map<String, Map<String, String>> texts) {
        this.texts = texts;
    }

    public static IvrTexts builtIn() {
        return BUILT_IN;
    }

    /** The languages that have texts. */
    public Set<String> languages() {
        return texts.keySet();
    }

    /** The text as written (a language option prompt still holds {@link #DIGIT}), or null when there is none. */
    public String text(String language, String prompt) {
        Map<String, String> forLanguage = texts.get(language);
        return forLanguage == null ? null : forLanguage.get(prompt);
    }

    private static IvrTexts load() {
        Properties properties = new Properties();
        try (InputStream in = IvrTexts.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Map<String, String>> texts = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            int dot = key.indexOf('.');
            if (dot < 1 || dot == key.length() - 1) {
                throw new IllegalStateException(RESOURCE + ": '" + key + "' is not <language>.<prompt>");
            }
            texts.computeIfAbsent(key.substring(0, dot), l -> new TreeMap<>())
                    .put(key.substring(dot + 1), properties.getProperty(key).strip());
        }
        texts.replaceAll((language, prompts) -> Map.copyOf(prompts));
        return new IvrTexts(Map.copyOf(new TreeMap<>(texts)));
    }
}
