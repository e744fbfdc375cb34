package org.tiphotline.console.online;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The online form's refusals in the reporter's language. The checks (shared with every other form) say what is
 * wrong in English; each English message is matched to a message key, and the key's text in the form's language
 * comes from the page's own translations ({@code i18n/report.json}, section {@code e}), so one file holds every
 * word of the form and {@code OnlineFormTranslationsTest} sees a language that lacks one. Numbers and names in a
 * message ({0}, {1}) are carried over. A message no rule knows stays English rather than being lost.
 */
@Component
class OnlineMessages {

    private record Rule(Pattern english, String key) {}

    /** The messages FormField and OnlineForm give for the online form's fields; the order matters (first match). */
    static final List<Rule> RULES = List.of(
            rule("choose one of the listed options|choose only listed options|expected a list of options",
                    "chooseListed"),
            rule("date must be between 1900 and today", "dateRange"),
            rule("date must be written as YYYY-MM-DD", "dateFormat"),
            rule("must be a whole number", "wholeNumber"),
            rule("must be between (-?\\d+) and (-?\\d+)", "between"),
            rule("must be true or false", "yesNo"),
            rule("must be a two-letter ISO country code", "country"),
            rule("must be a phone number.*", "phone"),
            rule("must be at most (\\d+) characters", "tooLong"),
            rule("contains control characters", "controlCharacters"),
            rule("must be plain text.*", "markup"),
            rule("must be text", "text"),
            rule("the online form has no such field", "noSuchField"),
            rule("choose one of \\[.*\\]", "language"),
            rule("describe the situation or choose at least one type of trafficking", "describe"),
            rule("an anonymous report cannot also agree to be contacted", "anonymousAndContact"),
            rule("an anonymous report cannot carry contact details", "anonymousDetails"),
            rule("contact details are kept only when you agree to be contacted", "detailsWithoutConsent"),
            rule("give at least a name or a phone number so the task force can reach you", "contactNeeded"),
            rule("only when the situation was already reported", "onlyIfReportedBefore"),
            rule("a national was born in (.+)", "nationalBornHere"),
            rule("a foreigner was born outside (.+)", "foreignerBornAbroad"));

    private final Map<String, JsonNode> texts = new LinkedHashMap<>();

    OnlineMessages() {
        try (InputStream in = new ClassPathResource(OnlineFormApi.TEXTS).getInputStream()) {
            JsonNode all = JsonMapper.builder().build().readTree(in);
            for (String language : all.propertyNames()) {
                texts.put(language, all.get(language).path("e"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the online form's texts are missing: " + OnlineFormApi.TEXTS, e);
        }
    }

    /** Field → message, each in {@code language} where the form has it (English otherwise). */
    Map<String, String> in(String language, Map<String, String> problems) {
        JsonNode own = texts.getOrDefault(language, texts.get("en"));
        Map<String, String> localised = new LinkedHashMap<>();
        problems.forEach((field, message) -> localised.put(field, one(own, message)));
        return localised;
    }

    private static String one(JsonNode own, String english) {
        for (Rule rule : RULES) {
            Matcher m = rule.english().matcher(english);
            if (m.matches()) {
                JsonNode text = own == null ? null : own.get(rule.key());
                if (text == null || !text.isString()) {
                    return english;
                }
                String out = text.asString();
                for (int i = 1; i <= m.groupCount(); i++) {
                    out = out.replace("{" + (i - 1) + "}", m.group(i));
                }
                return out;
            }
        }
        return english;
    }

    private static Rule rule(String english, String key) {
        return new Rule(Pattern.compile(english), key);
    }
}
