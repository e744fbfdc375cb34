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
import org.tiphotline.escalation.StaffNotice;

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

    /** Two GSM segments: room for what responders need first, short enough to arrive whole on most phones. */
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
        post(target, text(packet));
    }

    @Override
    public void notice(String target, StaffNotice notice) {
        String text = "HOTLINE SUPERVISORS: " + notice.text();
        post(target, text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 1) + "…");
    }

    private void post(String target, String text) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", target);
        form.put(settings.from().startsWith("MG") ? "MessagingServiceSid" : "From", settings.from());
        form.put("Body", text);
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
        StringBuilder text = new StringBuilder(p.forSupervisors()
                ? "HOTLINE SUPERVISORS: " + p.agencyName() + " has not acknowledged an escalation (" + p.level()
                        + ", round " + p.round() + "): " + words(p.danger().name()) + "."
                : "HOTLINE " + p.level() + (p.round() > 1 ? " (reminder " + p.round() + ")" : "") + ": "
                        + words(p.danger().name()) + ".");
        AlertPacket.Situation s = p.situation();
        if (s != null && !p.forSupervisors()) {
            if (s.place() != null) {
                text.append(" Place ").append(s.place()).append('.');
            }
            if (Boolean.TRUE.equals(s.minorsInvolved())) {
                text.append(" Minors involved.");
            }
            if (s.peopleInvolved() != null) {
                text.append(" People ").append(s.peopleInvolved()).append('.');
            }
        }
        if (p.language() != null) {
            text.append(" Language ").append(p.language()).append('.');
        }
        text.append(" Ref ").append(p.callbackRoute().reference());
        if (p.callbackRoute().line() != null) {
            text.append(", call back ").append(p.callbackRoute().line());
        }
        text.append('.');
        if (p.identifyingWithheld() != null) {
            text.append(" Identifying details: in the hotline's liaison view.");
        }
        // The place is the only text of any length; a message over the limit is cut, never split in two.
        return text.length() <= MAX_LENGTH ? text.toString() : text.substring(0, MAX_LENGTH - 1) + "…";
    }

    private static String words(String code) {
        return code.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
