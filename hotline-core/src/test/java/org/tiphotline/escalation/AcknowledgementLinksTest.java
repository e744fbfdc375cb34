package org.tiphotline.escalation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tiphotline.testing.MutableClock;

/** Links sign the escalation, its agency and the expiry; changing any of them, or waiting too long, breaks it. */
class AcknowledgementLinksTest {

    private final MutableClock clock = new MutableClock();
    private final AcknowledgementLinks links = new AcknowledgementLinks(new AcknowledgementLinks.Settings(
            "https://hotline.example.test", "test-only-link-secret-0123456789abcdef", Duration.ofHours(24)), clock);
    private final Escalation.Id id = Escalation.Id.random();

    @Test
    void aLinkIsValidUntilItExpiresAndOnlyAsSigned() {
        Map<String, String> q = query(links.link(id, "test-police").orElseThrow());
        long expires = Long.parseLong(q.get("expires"));
        assertThat(expires).isEqualTo(clock.instant().plus(Duration.ofHours(24)).getEpochSecond());
        assertThat(links.check(id, "test-police", expires, q.get("sig"))).isEqualTo(AcknowledgementLinks.Check.VALID);

        assertThat(links.check(id, "test-child-protection", expires, q.get("sig")))
                .isEqualTo(AcknowledgementLinks.Check.FORGED);
        assertThat(links.check(id, "test-police", expires + 3600, q.get("sig")))
                .isEqualTo(AcknowledgementLinks.Check.FORGED);
        assertThat(links.check(Escalation.Id.random(), "test-police", expires, q.get("sig")))
                .isEqualTo(AcknowledgementLinks.Check.FORGED);
        assertThat(links.check(id, "test-police", expires, null)).isEqualTo(AcknowledgementLinks.Check.FORGED);

        clock.advance(Duration.ofHours(24));
        assertThat(links.check(id, "test-police", expires, q.get("sig"))).isEqualTo(AcknowledgementLinks.Check.EXPIRED);
    }

    @Test
    void withoutASecretThereAreNoLinksAndNothingChecks() {
        AcknowledgementLinks none = new AcknowledgementLinks(new AcknowledgementLinks.Settings(
                "https://hotline.example.test", null, Duration.ofHours(24)), clock);
        assertThat(none.link(id, "test-police")).isEmpty();
        assertThat(none.check(id, "test-police", Long.MAX_VALUE, "anything"))
                .isEqualTo(AcknowledgementLinks.Check.FORGED);
    }

    private static Map<String, String> query(String link) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            q.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return q;
    }
}
