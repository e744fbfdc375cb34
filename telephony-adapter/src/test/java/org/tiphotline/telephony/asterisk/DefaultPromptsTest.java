package org.tiphotline.telephony.asterisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.telephony.ivr.IvrScript;
import org.tiphotline.telephony.ivr.IvrSettings;
import org.yaml.snakeyaml.Yaml;

/**
 * The prompts the build ships ({@code target/asterisk-sounds}, made by {@link DefaultPrompts} before the tests)
 * cover every prompt the Asterisk IVR plays, in every language a configuration of this repository offers: the
 * application's defaults and each country profile in {@code ops/jurisdictions}.
 */
class DefaultPromptsTest {

    private static final Path SOUNDS = Path.of("target", "asterisk-sounds");
    private static final Path DEFAULTS = Path.of("..", "operator-console", "src", "main", "resources",
            "application.yml");
    private static final Path PROFILES = Path.of("..", "ops", "jurisdictions");

    @Test
    void everyConfiguredLanguageHasAPlayableDefaultForEveryPromptTheIvrPlays() throws Exception {
        Map<String, List<String>> configurations = configuredLanguages();
        assertThat(configurations).containsKeys("application.yml", "jamaica.yml", "saint-lucia.yml");
        for (Map.Entry<String, List<String>> configuration : configurations.entrySet()) {
            IvrScript script = script(configuration.getValue());
            List<AsteriskPrompts.Needed> needed = needed(script);
            // The list itself is complete: the welcome, each option and each later prompt in each language.
            assertThat(needed).hasSize(1 + configuration.getValue().size()
                    * (1 + script.promptsAfterChoice().size()));
            for (AsteriskPrompts.Needed prompt : needed) {
                Path file = SOUNDS.resolve(prompt.file() + ".wav");
                assertThat(file).as("%s: %s in %s", configuration.getKey(), prompt.prompt(), prompt.language())
                        .exists();
                assertPlayableByAsterisk(file);
            }
        }
    }

    @Test
    void aLanguageOptionSaysTheDigitItHasInEachProfile() {
        // French is the third language by default and the second in Saint Lucia: one file each.
        assertThat(files(List.of("en", "es", "fr"))).contains("en/hotline/language-fr-3")
                .doesNotContain("en/hotline/language-fr-2");
        assertThat(files(List.of("en", "fr"))).contains("en/hotline/language-fr-2", "fr/hotline/invalid")
                .doesNotContain("en/hotline/language-fr-3");
        assertThat(script(List.of("en", "fr")).text("fr", "language-fr")).isEqualTo(
                "Pour le français, appuyez sur 2.");
    }

    @Test
    void theCannotSpeakFreelyNoticeIsShippedForEveryDigitItMayHaveAndTheCallbackQuestionInEveryLanguage() {
        List<String> shipped = DefaultPrompts.all().stream().map(DefaultPrompts.Spoken::file).toList();
        for (String language : List.of("en", "es", "fr")) {
            assertThat(shipped).contains(language + "/hotline/safe-to-call-back",
                    language + "/hotline/cannot-speak-freely-0", language + "/hotline/cannot-speak-freely-9")
                    .doesNotContain(language + "/hotline/cannot-speak-freely-1", language + "/hotline/cannot-speak-freely");
        }
        assertThat(DefaultPrompts.all()).filteredOn(s -> s.file().equals("es/hotline/cannot-speak-freely-7"))
                .singleElement().extracting(DefaultPrompts.Spoken::text)
                .isEqualTo("Si no puede hablar libremente, oprima 7 en cualquier momento.");
        // With the default digit the IVR plays the 9 file, from the caller's language's directory.
        assertThat(files(List.of("en", "es", "fr"))).contains("es/hotline/cannot-speak-freely-9",
                "fr/hotline/safe-to-call-back");
    }

    @Test
    void aPromptRemovedFromTheDirectoryIsReportedMissing(@TempDir Path copy) throws IOException {
        try (Stream<Path> files = Files.walk(SOUNDS)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(SOUNDS.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        IvrScript script = script(List.of("en", "es", "fr"));
        assertThat(missing(copy, needed(script))).isEmpty();

        Files.delete(copy.resolve("es/hotline/immediate-danger.wav"));

        assertThat(missing(copy, needed(script))).containsExactly(
                new AsteriskPrompts.Needed("es", "immediate-danger", "es/hotline/immediate-danger"));
    }

    private static List<AsteriskPrompts.Needed> missing(Path sounds, List<AsteriskPrompts.Needed> needed) {
        return needed.stream().filter(n -> !Files.exists(sounds.resolve(n.file() + ".wav"))).toList();
    }

    private static List<String> files(List<String> languages) {
        return needed(script(languages)).stream().map(AsteriskPrompts.Needed::file).toList();
    }

    private static List<AsteriskPrompts.Needed> needed(IvrScript script) {
        AsteriskSettings settings = new AsteriskSettings(true, null, null, null, Map.of(),
                "PJSIP/{number}@escalation-trunk", 25, Map.of()).withIvrDefaults(script);
        return AsteriskPrompts.needed(settings, script);
    }

    private static IvrScript script(List<String> languages) {
        return new IvrScript(new IvrSettings(2, Duration.ofSeconds(5)), new CallSettings(languages));
    }

    /** 8 kHz, 16-bit, mono PCM, as Asterisk's format_wav reads it, and long enough to hold words. */
    private static void assertPlayableByAsterisk(Path file) throws IOException, UnsupportedAudioFileException {
        AudioFileFormat format = AudioSystem.getAudioFileFormat(file.toFile());
        assertThat(format.getType()).isEqualTo(AudioFileFormat.Type.WAVE);
        assertThat(format.getFormat().getSampleRate()).as(file.toString()).isEqualTo(8000f);
        assertThat(format.getFormat().getChannels()).isEqualTo(1);
        assertThat(format.getFormat().getSampleSizeInBits()).isEqualTo(16);
        assertThat(format.getFrameLength()).as("%s holds at least a second of sound", file).isGreaterThan(8000);
    }

    /** The languages each configuration of this repository offers, by file name. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> configuredLanguages() throws IOException {
        List<Path> files = new ArrayList<>(List.of(DEFAULTS));
        try (Stream<Path> profiles = Files.list(PROFILES)) {
            profiles.filter(p -> p.toString().endsWith(".yml")).sorted().forEach(files::add);
        }
        Map<String, List<String>> languages = new LinkedHashMap<>();
        for (Path file : files) {
            try (Reader reader = Files.newBufferedReader(file)) {
                for (Object document : new Yaml().loadAll(reader)) {
                    Object hotline = document instanceof Map<?, ?> map ? map.get("hotline") : null;
                    Object calls = hotline instanceof Map<?, ?> map ? map.get("calls") : null;
                    Object list = calls instanceof Map<?, ?> map ? map.get("languages") : null;
                    if (list instanceof List<?> codes) {
                        languages.put(file.getFileName().toString(), (List<String>) codes);
                    }
                }
            }
        }
        return languages;
    }
}
