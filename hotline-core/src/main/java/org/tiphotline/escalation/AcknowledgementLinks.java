package org.tiphotline.escalation;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;

/**
 * Signed, expiring links an alert carries so a responder can acknowledge without signing in: the link names
 * the escalation and its agency and is valid until its expiry, and only with the hotline's signature
 * (HMAC-SHA256 with {@code hotline.escalation.links.secret}). Without a secret and a public address no link is
 * made, and alerts say to acknowledge in the liaison view.
 */
@Component
@EnableConfigurationProperties(AcknowledgementLinks.Settings.class)
public class AcknowledgementLinks {

    /**
     * @param publicBaseUrl the console's address as responders reach it, e.g. {@code https://hotline.example.org}
     * @param secret at least 32 characters, from the secret store
     * @param validFor how long a link works
     */
    @ConfigurationProperties("hotline.escalation.links")
    public record Settings(String publicBaseUrl, String secret, @DefaultValue("24h") Duration validFor) {
        public Settings {
            if (secret != null && !secret.isBlank() && secret.length() < 32) {
                throw new IllegalArgumentException("hotline.escalation.links.secret must be 32 characters or more");
            }
        }
    }

    /** What a checked link says. */
    public enum Check { VALID, EXPIRED, FORGED }

    private final Settings settings;
    private final Clock clock;

    public AcknowledgementLinks(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The link for this escalation, or empty when links are not configured. */
    public Optional<String> link(Escalation.Id id, String agency) {
        if (!enabled()) {
            return Optional.empty();
        }
        long expires = clock.instant().plus(settings.validFor()).getEpochSecond();
        return Optional.of(settings.publicBaseUrl() + "/ack/" + id + "?agency=" + agency + "&expires=" + expires
                + "&sig=" + sign(id, agency, expires));
    }

    public Check check(Escalation.Id id, String agency, long expires, String signature) {
        if (!enabled() || signature == null || agency == null) {
            return Check.FORGED;
        }
        boolean genuine = MessageDigest.isEqual(sign(id, agency, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
        if (!genuine) {
            return Check.FORGED;
        }
        return Instant.ofEpochSecond(expires).isAfter(clock.instant()) ? Check.VALID : Check.EXPIRED;
    }

    private boolean enabled() {
        return settings.secret() != null && !settings.secret().isBlank() && settings.publicBaseUrl() != null
                && !settings.publicBaseUrl().isBlank();
    }

    private String sign(Escalation.Id id, String agency, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal(("ack|" + id + "|" + agency + "|" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
