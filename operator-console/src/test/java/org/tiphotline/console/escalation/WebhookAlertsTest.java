package org.tiphotline.console.escalation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tiphotline.escalation.AlertPacket;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.escalation.StaffNotice;

/**
 * Alerts are sent at least once (a node that dies mid-send leaves the alert to the next leader): every webhook
 * alert carries an {@code Idempotency-Key} that is the same each time that alert is sent, and differs between
 * rounds and between the agency's and the supervisors' copy, so a receiver can drop a repeat and nothing else.
 */
class WebhookAlertsTest {

    private WireMockServer agency;

    @BeforeEach
    void start() {
        agency = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        agency.start();
        agency.stubFor(post(urlEqualTo("/alerts")).willReturn(aResponse().withStatus(202)));
    }

    @AfterEach
    void stop() {
        agency.stop();
    }

    @Test
    void theSameAlertSentTwiceCarriesTheSameKeyAndAnotherAlertAnother() {
        WebhookAlerts webhooks = new WebhookAlerts();
        String target = "http://127.0.0.1:" + agency.port() + "/alerts";
        String escalation = UUID.randomUUID().toString();
        webhooks.send(target, packet(escalation, 1, false));
        webhooks.send(target, packet(escalation, 1, false));
        webhooks.send(target, packet(escalation, 2, false));
        webhooks.send(target, packet(escalation, 2, true));
        webhooks.notice(target, new StaffNotice("Test notice", "Nothing personal."));

        List<String> keys = agency.findAll(postRequestedFor(urlEqualTo("/alerts"))).stream()
                .map(LoggedRequest.class::cast).map(r -> r.getHeader("Idempotency-Key")).toList();
        assertThat(keys).hasSize(5);
        assertThat(keys.get(0)).isEqualTo(keys.get(1)).contains(escalation);
        assertThat(keys.subList(1, 4)).doesNotHaveDuplicates();
        assertThat(keys.get(4)).as("a notice is not an alert of the outbox").isNull();
    }

    private static AlertPacket packet(String escalation, int round, boolean forSupervisors) {
        return new AlertPacket(escalation, "test-police", "Test Police (fake)", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, Escalation.Source.OPERATOR, Instant.parse("2026-01-01T00:00:00Z"),
                round, "en", true, null, null, null, null, null, null, forSupervisors);
    }
}
