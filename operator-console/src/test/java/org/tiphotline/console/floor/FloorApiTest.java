package org.tiphotline.console.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestClock;
import tools.jackson.databind.JsonNode;

/**
 * The floor over the running application: calls on the simulated line move the figures on the supervisors' live
 * topic without a request, and {@code GET /api/floor} answers in the shape FloorApi documents.
 */
class FloorApiTest {

    @TempDir
    Path data;

    /** 09:03 in Kingston (the default jurisdiction's zone): the quarter 09:00–09:15. */
    private final TestClock clock = new TestClock(Instant.parse("2026-12-07T14:03:00Z"));
    private RunningHotline hotline;

    @BeforeEach
    void start() {
        hotline = RunningHotline.start(data, Map.of(), clock);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    private static JsonNode quarter(JsonNode update) {
        return update.get("intervals").get(0).get("figures");
    }

    @Test
    void callsMoveTheLiveFiguresAndTheApiAnswersInItsDocumentedShape() throws Exception {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient watching = LiveClient.connect(supervisor); LiveClient seat = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> floor = watching.subscribe(FloorAccess.TOPIC);
            BlockingQueue<JsonNode> pops = seat.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> presence = seat.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> calls = seat.subscribe("/user/queue/call");
            seat.send("/app/presence", Map.of("presence", "AVAILABLE"));
            await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);

            // One call answered at once (speed 0 s) ...
            operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 181", "language", "en",
                    "immediateDanger", "NO"));
            JsonNode pop = await(pops, p -> true, 10);
            operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/answer", null);
            await(calls, u -> u.get("state").asString().equals("TALKING"), 5);
            // ... one that waits while the operator talks and whose caller gives up after 30 s.
            String waiting = operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 182",
                    "language", "en", "immediateDanger", "NO")).body().get("providerCallId").asString();
            // Waiting while the only operator talks (the first call, ringing, was also a waiting call).
            JsonNode queued = await(floor, m -> m.get("now").get("waiting").asInt() == 1
                    && m.get("now").get("operators").toString().contains("ON_CALL"), 10);
            assertThat(queued.get("now").get("longestWaitSeconds").asLong()).isZero();
            clock.advance(Duration.ofSeconds(30));
            operator.post("/api/sim/calls/" + waiting + "/caller-hangup", null);

            // The call record and the routing tables change in two transactions: a publish between them is
            // followed by the next one (routing's change is an event too).
            JsonNode update = await(floor, m -> quarter(m).get("abandonedInQueue").asInt() == 1
                    && m.get("now").get("waiting").asInt() == 0, 10);
            JsonNode figures = quarter(update);
            assertThat(figures.get("offered").asInt()).isEqualTo(2);
            assertThat(figures.get("answered").asInt()).isEqualTo(1);
            assertThat(figures.get("shortAbandons").asInt()).isZero();
            assertThat(figures.get("serviceLevelFirst").get("counted").asInt()).isEqualTo(2);
            assertThat(figures.get("serviceLevelFirst").get("percent").asDouble()).isEqualTo(50.0);
            assertThat(figures.get("averageSpeedOfAnswerMs").asLong()).isZero();
            assertThat(update.get("intervals")).hasSize(4);
            assertThat(update.get("intervals").get(0).get("kind").asString()).isEqualTo("QUARTER");
            assertThat(update.get("intervals").get(0).get("label").asString()).isEqualTo("2026-12-07 09:00–09:15");
            // Nothing about callers: not a digit of their numbers.
            assertThat(update.toString()).doesNotContain("555").doesNotContain("0100");

            JsonNode body = supervisor.get("/api/floor?interval=hour").body();
            assertThat(body.get("interval").get("kind").asString()).isEqualTo("HOUR");
            assertThat(body.get("interval").get("figures").get("offered").asInt()).isEqualTo(2);
            assertThat(body.get("interval").get("figures").get("abandonedInQueue").asInt()).isEqualTo(1);
            JsonNode seated = body.get("now").get("operators").get(0);
            assertThat(seated.get("name").asString()).isNotBlank();
            assertThat(seated.get("presence").asString()).isEqualTo("ON_CALL");
            assertThat(seated.has("since")).isTrue();
            assertThat(body.get("now").has("longestWaitSeconds")).isTrue();
        }
    }

    @Test
    void anUnknownIntervalIsRefusedInWordsAndOperatorsSeeNoFloor() throws Exception {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        var refused = supervisor.get("/api/floor?interval=WEEK");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("message").asString())
                .isEqualTo("interval must be one of [QUARTER, HOUR, SHIFT, DAY]");
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(operator.get("/api/floor").status()).isEqualTo(403);
    }
}
