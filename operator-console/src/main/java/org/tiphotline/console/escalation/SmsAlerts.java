package org.tiphotline.console.escalation;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.AlertPacket;
import org.tiphotline.escalation.Directory;

/**
 * Alerts by SMS through Twilio's Messaging API ({@code POST /Accounts/{sid}/Messages.json}), from the hotline's
 * own number. One attempt, no automatic retry (the next round is the retry); the text fits in two SMS segments
 * and names no one.
 */
@Component
@ConditionalOnProperty(prefix = "hotline.alerts.sms", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(SmsAlerts.Settings.class)
class SmsAlerts implements AlertChannel {

    /**
     * @param from the Twilio number (or messaging service SID, MG…) the SMS comes from
     * @param apiBaseUrl the Twilio REST API; changed only by tests
     */
    @ConfigurationProperties("hotline.alerts.sms")
    record Settings(@DefaultValue("false") boolean enabled, String accountSid, String authToken, String from,
            @DefaultValue("https://api.twilio.com") String apiBaseUrl) {
        Settings {
            if (enabled && (accountSid == null || !accountSid.matches("AC[0-9a-fA-F]{32}") || authToken == null
                    || authToken.isBlank() || from == null || from.isBlank())) {
                throw new IllegalArgumentException(
                        "hotline.alerts.sms needs account-sid (AC…), auth-token and from when enabled");
            }
        }
    }

    /** Two GSM segments: long enough for the reason, short enough to arrive as one message on most phones. */
    private static final int MAX_LENGTH = 300;

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    SmsAlerts(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Directory.Channel channel() {
        return Directory.Channel.SMS;
    }

    @Override
    public void send(String target, AlertPacket packet) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", target);
        form.put(settings.from().startsWith("MG") ? "MessagingServiceSid" : "From", settings.from());
        form.put("Body", text(packet));
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.apiBaseUrl() + "/2010-04-01/Accounts/"
                        + settings.accountSid() + "/Messages.json"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (settings.accountSid() + ":" + settings.authToken()).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("Twilio Messaging answered " + status);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Twilio Messaging unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    static String text(AlertPacket p) {
        String head = "HOTLINE " + p.level() + (p.round() > 1 ? " (reminder " + p.round() + ")" : "") + ": ";
        String tail = " Ref " + p.escalation().substring(0, 8) + "." + (p.language() == null ? ""
                : " Language " + p.language() + ".")
                + (p.identifyingWithheld() == null ? "" : " Identifying details: in the hotline's liaison view.");
        int room = MAX_LENGTH - head.length() - tail.length();
        String reason = p.reason().length() > room ? p.reason().substring(0, Math.max(0, room - 1)) + "…"
                : p.reason();
        return head + reason + tail;
    }
}
