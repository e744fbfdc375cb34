package org.tiphotline.console.escalation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.stereotype.Component;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.AlertPacket;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.StaffNotice;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts an agency's system by posting the alert packet as JSON to its webhook. One attempt with a short
 * deadline: an agency that does not answer gets the next round through its next channel.
 */
@Component
class WebhookAlerts implements AlertChannel {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Override
    public Directory.Channel channel() {
        return Directory.Channel.WEBHOOK;
    }

    /**
     * Over HTTPS, or to a relay on this very machine (loopback: the agency's own connector, or a test): the only
     * ways the packet's identifying details are not readable on the wire.
     */
    @Override
    public boolean carriesIdentifying(String target) {
        URI uri = URI.create(target);
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            return true;
        }
        String host = uri.getHost();
        return host != null && (host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1")
                || host.equalsIgnoreCase("localhost"));
    }

    /**
     * With an {@code Idempotency-Key} header that is the same however often this alert is sent: alerts are sent at
     * least once (a node that dies mid-send leaves it to the next, docs/reliability.md), so a receiver that keeps
     * the keys it has seen can drop the repeat. One alert per escalation, round and kind of recipient.
     */
    @Override
    public void send(String target, AlertPacket packet) {
        post(target, JSON.writeValueAsString(packet), idempotencyKey(packet));
    }

    static String idempotencyKey(AlertPacket packet) {
        return "alert-" + packet.escalation() + "-round-" + packet.round()
                + (packet.forSupervisors() ? "-supervisors" : "-agency");
    }

    /** The notice as JSON ({@code {"notice": subject, "text": text}}), distinct from an alert packet. */
    @Override
    public void notice(String target, StaffNotice notice) {
        post(target, JSON.writeValueAsString(java.util.Map.of("notice", notice.subject(), "text", notice.text())),
                null);
    }

    private void post(String target, String json, String idempotencyKey) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("webhook answered " + status);
            }
        } catch (IOException e) {
            throw new IllegalStateException("webhook unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
