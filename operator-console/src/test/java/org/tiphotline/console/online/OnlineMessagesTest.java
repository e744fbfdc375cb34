package org.tiphotline.console.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.online.OnlineForm;

/**
 * The online form's refusals in Spanish and French: every message the real checks give for a wrong answer (made
 * here by sending wrong answers to the real {@link OnlineForm}) has its own words in every language of the page,
 * numbers carried over; none stays English.
 */
class OnlineMessagesTest {

    private final OnlineForm form = new OnlineForm(new JurisdictionSettings("Testland", "JM",
            List.of("Test Parish North")), new CallSettings(List.of("en", "es", "fr")),
            Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));
    private final OnlineMessages messages = new OnlineMessages();

    @Test
    void everyRefusalOfTheOnlineFormHasItsWordsInSpanishAndFrench() {
        List<String> english = refusals();
        assertThat(english).hasSizeGreaterThan(15);
        for (String language : List.of("es", "fr")) {
            Map<String, String> problems = new LinkedHashMap<>();
            for (int i = 0; i < english.size(); i++) {
                problems.put("f" + i, english.get(i));
            }
            Map<String, String> localised = messages.in(language, problems);
            problems.forEach((field, message) -> assertThat(localised.get(field))
                    .as("%s for \"%s\"", language, message).isNotEqualTo(message).doesNotContain("{0}"));
        }
        assertThat(messages.in("es", Map.of("victimCountry", "a national was born in Testland")))
                .containsEntry("victimCountry", "Una persona nacional nació en Testland.");
        assertThat(messages.in("fr", Map.of("description", "must be at most 4000 characters")).get("description"))
                .contains("4000");
        assertThat(messages.in("en", Map.of("x", "must be plain text: remove the HTML markup (< > &)")).get("x"))
                .contains("plain text");
        assertThat(messages.in("xx", Map.of("x", "must be true or false")).get("x")).isEqualTo("Answer yes or no.");
        assertThat(messages.in("es", Map.of("x", "a message nobody wrote a rule for")).get("x"))
                .as("unknown: kept, not lost").isEqualTo("a message nobody wrote a rule for");
    }

    /** The real English refusals: one wrong answer per kind of check, and each rule across fields. */
    private List<String> refusals() {
        List<String> found = new ArrayList<>();
        List<Map<String, Object>> wrong = List.of(
                Map.of("traffickingTypes", List.of("NOPE")),
                Map.of("traffickingTypes", "LABOUR"),
                Map.of("victimOrigin", "NOPE"),
                Map.of("incidentDate", "1800-01-01"),
                Map.of("incidentDate", "yesterday"),
                Map.of("anonymous", "yes"),
                Map.of("victimCountry", "Jamaica"),
                Map.of("contactPhone", "call me"),
                Map.of("description", "x".repeat(4001)),
                Map.of("description", "a\u0007b"),
                Map.of("description", "<b>x</b>"),
                Map.of("description", 5),
                Map.of("nothing", "x"),
                Map.of("description", "fake", "anonymous", true, "contactConsent", true),
                Map.of("description", "fake", "anonymous", true, "contactPhone", "+1 555 0100"),
                Map.of("description", "fake", "contactPhone", "+1 555 0100"),
                Map.of("description", "fake", "contactConsent", true),
                Map.of("description", "fake", "reportedOn", "2026-01-01"),
                Map.of("description", "fake", "victimOrigin", "NATIONAL", "victimCountry", "DE"),
                Map.of("description", "fake", "victimOrigin", "FOREIGNER", "victimCountry", "JM"),
                Map.of("anonymous", true));
        for (Map<String, Object> answers : wrong) {
            try {
                form.check("en", answers);
            } catch (InvalidField e) {
                found.addAll(e.problems().values());
            }
        }
        try {
            form.check("xx", Map.of("description", "fake"));
        } catch (InvalidField e) {
            found.addAll(e.problems().values());
        }
        return found.stream().distinct().toList();
    }
}
