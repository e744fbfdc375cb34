package org.tiphotline.console.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.online.OnlineForm;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every language the hotline can be configured in (application.yml's hotline.calls.languages and every country
 * profile in ops/jurisdictions) has the online form's texts, all of them: each text the English page has, a label
 * for each field the page shows and a name for each option. A language without them would quietly not be offered
 * on the page (or, texts missing, half the page would be English).
 */
class OnlineFormTranslationsTest {

    private static final Path TEXTS = Path.of("src", "main", "resources", OnlineFormApi.TEXTS);
    /** Shown through the page's identity choice ("anonymously" / "the task force may contact me"), not as fields. */
    private static final List<String> CHOICES = List.of("anonymous", "contactConsent");

    @Test
    void everyConfiguredLanguageHasEveryTextOfTheOnlineForm() throws IOException {
        Map<String, List<String>> languages = configuredLanguages();
        assertThat(languages).containsKeys("application.yml", "jamaica.yml", "saint-lucia.yml");
        JsonNode texts = JsonMapper.builder().build().readTree(Files.readString(TEXTS));
        List<String> english = paths(texts.get("en"), "");
        assertThat(english).as("the English texts cover the form").containsAll(needed());

        List<String> missing = new ArrayList<>();
        languages.forEach((file, codes) -> {
            for (String language : codes) {
                JsonNode own = texts.get(language);
                if (own == null) {
                    missing.add(file + ": " + language + " has no texts at all");
                    continue;
                }
                for (String path : english) {
                    JsonNode text = own.at("/" + path.replace('.', '/'));
                    if (!text.isString() || text.asString().isBlank()) {
                        missing.add(file + ": " + language + " has no " + path);
                    }
                }
            }
        });
        assertThat(missing).isEmpty();
    }

    /** A label for each field the page shows, a name for each of the seed's options (places are names already). */
    private static List<String> needed() {
        OnlineForm form = new OnlineForm(new JurisdictionSettings("Testland", "JM", List.of("Test Parish North")),
                new CallSettings(List.of("en")), Clock.systemUTC());
        List<String> needed = new ArrayList<>();
        for (FormField field : form.fields()) {
            if (CHOICES.contains(field.name())) {
                continue;
            }
            needed.add("f." + field.name());
            if (!field.name().equals("place")) {
                String prefix = field.name().equals("victimOrigin") ? "o." : "c.";
                field.codes().forEach(code -> needed.add(prefix + code));
            }
        }
        needed.addAll(List.of("anonymousChoice", "contactChoice", "identity", "yes", "no", "notSure"));
        return needed;
    }

    /** File name → the languages it configures: the application's defaults and each country profile. */
    private static Map<String, List<String>> configuredLanguages() throws IOException {
        Map<String, List<String>> languages = new TreeMap<>();
        List<Path> files = new ArrayList<>(List.of(Path.of("src", "main", "resources", "application.yml")));
        try (DirectoryStream<Path> profiles = Files.newDirectoryStream(Path.of("..", "ops", "jurisdictions"),
                "*.yml")) {
            profiles.forEach(files::add);
        }
        for (Path file : files) {
            StandardEnvironment env = new StandardEnvironment();
            new YamlPropertySourceLoader().load(file.toString(), new FileSystemResource(file))
                    .forEach(env.getPropertySources()::addLast);
            Binder.get(env).bind("hotline.calls", CallSettings.class)
                    .ifBound(calls -> languages.put(file.getFileName().toString(), calls.languages()));
        }
        return languages;
    }

    private static List<String> paths(JsonNode node, String prefix) {
        List<String> paths = new ArrayList<>();
        for (String name : new TreeSet<>(node.propertyNames())) {
            JsonNode child = node.get(name);
            if (child.isObject()) {
                paths.addAll(paths(child, prefix + name + "."));
            } else {
                paths.add(prefix + name);
            }
        }
        return paths;
    }
}
