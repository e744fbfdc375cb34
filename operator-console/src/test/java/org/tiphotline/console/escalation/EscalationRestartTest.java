package org.tiphotline.console.escalation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.console.testing.TestDirectory;
import org.tiphotline.escalation.AlertRounds;
import org.tiphotline.operators.Operators;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The "a restart in the middle of an open escalation keeps its timer and re-alerts on time", end to end:
 * the whole application is stopped after the first alert and started again on the same data, with one clock the
 * test moves across both runs, and what counts is what the agency's system receives.
 *
 * <p>Why this fails if the deadline lived only in memory: the second run would have nothing to go on but its own
 * start. Dropping the timer, it would never alert again (round 2 is awaited, bounded, and would not come);
 * re-arming it from the start-up time, round 2 would come a whole period late (the clock is moved only one
 * second past the original deadline, so again it would not come); alerting every open escalation at start-up to
 * be safe, something would reach the agency in the quiet window before the deadline, which is checked empty.
 * The clock starts in the past, so a deadline taken from the system clock instead would fire in the first run.
 */
class EscalationRestartTest {

    private static final Duration ACKNOWLEDGE_WITHIN = Duration.ofMinutes(5);
    private static final Duration REALERT_EVERY = Duration.ofMinutes(5);
    private static final Duration TICK = Duration.ofMillis(100);
    /** Long enough for the overdue check to have run several times over, short against any deadline. */
    private static final Duration A_FEW_TICKS = TICK.multipliedBy(10);

    private static final String FIRST = "/alerts/first";
    private static final String SECOND = "/alerts/second";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path data;

    private WireMockServer policeSystem;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final TestClock clock = new TestClock();

    @BeforeEach
    void policeSystem() {
        policeSystem = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        policeSystem.start();
        policeSystem.stubFor(post(urlEqualTo(FIRST)).willReturn(aResponse().withStatus(202)));
        policeSystem.stubFor(post(urlEqualTo(SECOND)).willReturn(aResponse().withStatus(202)));
        String base = "http://127.0.0.1:" + policeSystem.port();
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", null,
                "WEBHOOK " + base + FIRST, "WEBHOOK " + base + SECOND);
        // Explicit, not the defaults: the clock moves below are measured against these.
        settings.put("hotline.escalation.acknowledge-within", ACKNOWLEDGE_WITHIN.toSeconds() + "s");
        settings.put("hotline.escalation.realert-every", REALERT_EVERY.toSeconds() + "s");
        settings.put("hotline.escalation.tick", TICK.toMillis() + "ms");
    }

    @AfterEach
    void stopPoliceSystem() {
        policeSystem.stop();
    }

    @Test
    void aRestartMidEscalationKeepsItsDeadlineAndTheNextChannelIsAlertedOnTime() throws Exception {
        String id;
        Instant raisedAt = clock.instant();
        try (RunningHotline hotline = RunningHotline.start(data, settings, clock)) {
            hotline.bean(Operators.class).createLiaison("police1", "Police Liaison (fake)",
                    hotline.bean(PasswordEncoder.class).encode("police1-test"), "test-police");
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            // No to immediate danger: a yes would raise an IVR escalation of its own and muddle the counts.
            String call = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"))
                    .get("call").asString();
            ConsoleClient.Response raised = operator.post("/api/calls/" + call + "/escalations", Map.of(
                    "agency", "test-police", "level", "IMMEDIATE", "danger", "CONFINEMENT", "mode", "ALERT",
                    "reason", "caller locked in a work site (fake)"));
            assertThat(raised.status()).isEqualTo(201);
            id = raised.body().get("id").asString();

            JsonNode first = awaitAlert(FIRST, id, 1);
            assertThat(Instant.parse(first.get("raisedAt").asString()))
                    .as("the application reads the test's clock, so the deadline is the test's to reach")
                    .isEqualTo(raisedAt);
            // The outbox sends at least once: a stop between the post and marking it sent would rightly send
            // round 1 again after the restart. This test is about the timer, so the stop comes after the mark.
            awaitTrue(() -> hotline.bean(AlertRounds.class).unsentAlerts(10).isEmpty(), "round 1 marked sent");
            assertThat(alerts(SECOND)).isEmpty();
        }

        // The server was down for most of the acknowledgement period and comes back just before its end.
        clock.set(raisedAt.plus(ACKNOWLEDGE_WITHIN).minusSeconds(1));
        try (RunningHotline hotline = RunningHotline.start(data, settings, clock)) {
            ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
            Thread.sleep(A_FEW_TICKS.toMillis());
            assertThat(alerts(FIRST)).as("round 1 only, not sent again").hasSize(1);
            assertThat(alerts(SECOND)).as("one second before the deadline").isEmpty();
            JsonNode seen = escalation(supervisor, id);
            assertThat(seen.get("status").asString()).isEqualTo("OPEN");
            assertThat(seen.get("alertRound").asInt()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(2));
            JsonNode second = awaitAlert(SECOND, id, 2);
            assertThat(second.get("agency").asString()).isEqualTo("test-police");
            assertThat(second.get("level").asString()).isEqualTo("IMMEDIATE");
            assertThat(second.get("danger").asString()).isEqualTo("CONFINEMENT");
            assertThat(second.get("round").asInt()).isEqualTo(2);
            assertThat(alerts(FIRST)).as("round 2 goes through the next channel").hasSize(1);
            assertThat(escalation(supervisor, id).get("alertRound").asInt()).isEqualTo(2);

            ConsoleClient police = ConsoleClient.login(hotline.base(), "police1", "police1-test");
            ConsoleClient.Response ack = police.post("/api/liaison/escalations/" + id + "/acknowledge", null);
            assertThat(ack.status()).isEqualTo(200);
            assertThat(ack.body().get("status").asString()).isEqualTo("ACKNOWLEDGED");

            // Past the next re-alert: had the acknowledgement not stopped the timer, round 3 would be due now
            // (the round is counted on the row before anything is sent, so it shows even if sending lagged).
            clock.advance(REALERT_EVERY.plusSeconds(1));
            Thread.sleep(A_FEW_TICKS.toMillis());
            JsonNode after = escalation(supervisor, id);
            assertThat(after.get("status").asString()).isEqualTo("ACKNOWLEDGED");
            assertThat(after.get("alertRound").asInt()).as("no round 3").isEqualTo(2);
            assertThat(alerts(FIRST)).hasSize(1);
            assertThat(alerts(SECOND)).hasSize(1);
        }
    }

    /** The escalation as the supervisors' list shows it (open and acknowledged ones, not closed). */
    private static JsonNode escalation(ConsoleClient supervisor, String id) {
        ConsoleClient.Response list = supervisor.get("/api/escalations");
        assertThat(list.status()).isEqualTo(200);
        for (JsonNode e : list.body()) {
            if (e.get("id").asString().equals(id)) {
                return e;
            }
        }
        throw new AssertionError("escalation " + id + " is not on the supervisors' list: " + list.body());
    }

    private List<JsonNode> alerts(String path) {
        return policeSystem.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .map(r -> JSON.readTree(r.getBodyAsString())).toList();
    }

    /** Polls, bounded, for this escalation's alert of this round at this webhook path. */
    private JsonNode awaitAlert(String path, String escalation, int round) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (JsonNode packet : alerts(path)) {
                if (packet.get("escalation").asString().equals(escalation) && packet.get("round").asInt() == round) {
                    return packet;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no round " + round + " of " + escalation + " reached " + path + "; got "
                + alerts(path));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within 10 s: " + what);
    }
}
