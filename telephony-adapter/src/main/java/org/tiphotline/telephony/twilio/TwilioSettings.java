package org.tiphotline.telephony.twilio;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the hotline runs on a Twilio number. The auth token and API key secret are secrets and come from the
 * environment in production; nothing here is personal data.
 *
 * @param publicBaseUrl the scheme, host and port Twilio calls, as configured on the number (behind a reverse
 *     proxy, the proxy's public address): every webhook's signature is checked against it
 * @param apiBaseUrl the Twilio REST API; changed only by tests (WireMock)
 * @param operatorPhones operator username → a phone number to ring instead of their browser
 * @param prompts per language, prompt name → an audio URL to play; a prompt not listed is spoken with
 *     {@code <Say>} from the built-in texts ({@link TwilioIvr})
 * @param holdMusicUrl audio played while a caller waits; none: silence between hold messages
 * @param maxWait after this long in the queue a caller is taken to the fallback line
 * @param fallbackNumber the human line a caller reaches when the application cannot take the call
 * @param apiKeySid an API key of the account (SK…) and its secret: they sign the browser phones' access tokens
 * @param tokenTtl how long a browser phone's access token lasts; the console renews it before it expires
 * @param otherBaseUrls other addresses Twilio may call this node at, besides {@code publicBaseUrl}: with two nodes,
 *     the number's fallback URL points at the other node's own address (ops/twilio.md), and Twilio signs the URL
 *     it called. Webhooks signed for one of these are accepted; the application's own URLs always use
 *     {@code publicBaseUrl}
 */
@ConfigurationProperties("hotline.telephony.twilio")
public record TwilioSettings(
        @DefaultValue("false") boolean enabled,
        String accountSid,
        String authToken,
        String publicBaseUrl,
        @DefaultValue("https://api.twilio.com") String apiBaseUrl,
        @DefaultValue("25") int ringSeconds,
        @DefaultValue("15m") Duration maxWait,
        String holdMusicUrl,
        String fallbackNumber,
        @DefaultValue("3s") Duration connectTimeout,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue({}) Map<String, String> operatorPhones,
        String apiKeySid,
        String apiKeySecret,
        @DefaultValue("10m") Duration tokenTtl,
        @DefaultValue({}) Map<String, Map<String, String>> prompts,
        @DefaultValue({}) java.util.List<String> otherBaseUrls) {

    public TwilioSettings {
        operatorPhones = Map.copyOf(operatorPhones);
        prompts = Map.copyOf(prompts);
        otherBaseUrls = java.util.List.copyOf(otherBaseUrls);
        if (enabled) {
            require(accountSid != null && accountSid.matches("AC[0-9a-fA-F]{32}"),
                    "account-sid must be the account's SID (AC followed by 32 hex digits)");
            require(authToken != null && authToken.length() >= 16, "auth-token must be set");
            require(publicBaseUrl != null && isHttpUrl(publicBaseUrl) && !publicBaseUrl.endsWith("/"),
                    "public-base-url must be the http(s) address Twilio calls, without a trailing slash");
            require(isHttpUrl(apiBaseUrl), "api-base-url must be an http(s) URL");
            require(otherBaseUrls.stream().allMatch(url -> isHttpUrl(url) && !url.endsWith("/")),
                    "other-base-urls must be http(s) addresses Twilio calls, without a trailing slash");
            require(ringSeconds >= 5 && ringSeconds <= 120, "ring-seconds must be 5-120");
            require(apiKeySid == null || apiKeySid.isBlank() || apiKeySid.matches("SK[0-9a-fA-F]{32}"),
                    "api-key-sid must be an API key SID (SK followed by 32 hex digits)");
            require(apiKeySid == null || apiKeySid.isBlank() || apiKeySecret != null && apiKeySecret.length() >= 32,
                    "api-key-secret must be set (32 characters or more) with api-key-sid");
            require(tokenTtl.toSeconds() >= 60 && tokenTtl.toHours() <= 24, "token-ttl must be 1 minute to 24 hours");
            require(fallbackNumber == null || fallbackNumber.isBlank() || fallbackNumber.matches("\\+?[0-9]{2,20}"),
                    "fallback-number must be 2-20 digits, optionally after +");
        }
    }

    /** The prompt's audio URL in a language, or null to speak the built-in text. */
    public String promptUrl(String language, String prompt) {
        Map<String, String> forLanguage = language == null ? null : prompts.get(language);
        return forLanguage == null ? null : forLanguage.get(prompt);
    }

    /** Whether operators can answer in the browser: an API key to sign their tokens is configured. */
    public boolean browserPhone() {
        return apiKeySid != null && !apiKeySid.isBlank();
    }

    public boolean hasFallbackNumber() {
        return fallbackNumber != null && !fallbackNumber.isBlank();
    }

    private static boolean isHttpUrl(String url) {
        try {
            String scheme = URI.create(url).getScheme();
            return scheme != null && (scheme.toLowerCase(Locale.ROOT).equals("https")
                    || scheme.toLowerCase(Locale.ROOT).equals("http")) && URI.create(url).getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("hotline.telephony.twilio." + problem);
        }
    }
}
