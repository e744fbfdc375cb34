package org.tiphotline.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * The server stops with calls in progress. The simulated line, like a PBX that lost power, no longer carries
 * them after the restart: their records are closed by reconciliation, none stays "in progress" forever, and
 * what was typed about them is still there.
 */
class RestartReconciliationTest {

    @TempDir
    Path data;

    @Test
    void callsInProgressAtAStopAreReconciledAfterTheRestart() throws Exception {
        String talking;
        String waiting;
        String report;
        try (RunningHotline hotline = RunningHotline.start(data)) {
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            try (LiveClient live = LiveClient.connect(operator)) {
                BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
                BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
                live.send("/app/presence", Map.of("presence", "AVAILABLE"));
                JsonNode placed = operator.post("/api/sim/calls", Map.of("language", "en")).body();
                JsonNode pop = await(pops, p -> true, 10);
                talking = pop.get("call").asString();
                report = pop.get("report").asString();
                operator.post("/api/sim/calls/" + placed.get("providerCallId").asString() + "/answer", null);
                await(updates, u -> u.get("state").asString().equals("TALKING"), 5);
                assertThat(operator.put("/api/reports/" + report + "/fields/situation",
                        Map.of("value", "OCCURRED")).status()).isEqualTo(200);
                waiting = operator.post("/api/sim/calls", Map.of("language", "fr", "immediateDanger", "YES"))
                        .body().get("call").asString();
            }
        }
        try (RunningHotline restarted = RunningHotline.start(data)) {
            ConsoleClient supervisor = ConsoleClient.login(restarted.base(), "supervisor", "supervisor-demo");
            JsonNode wasTalking = supervisor.get("/api/calllog/" + talking).body();
            assertThat(wasTalking.get("summary").get("state").asString()).isEqualTo("ENDED");
            assertThat(wasTalking.get("summary").get("outcome").asString()).isEqualTo("COMPLETED");
            assertThat(wasTalking.get("timeline").toString()).contains("reconciled");
            JsonNode wasWaiting = supervisor.get("/api/calllog/" + waiting).body();
            assertThat(wasWaiting.get("summary").get("outcome").asString()).isEqualTo("LOST");
            assertThat(wasWaiting.get("ivrPath").get("IMMEDIATE_DANGER").asString()).isEqualTo("YES");
            assertThat(supervisor.get("/api/live/queue").body().get("waiting")).isEmpty();

            ConsoleClient operator = ConsoleClient.login(restarted.base(), "operator", "operator-demo");
            assertThat(operator.get("/api/reports/" + report).body().get("report").get("values").get("situation")
                    .asString()).isEqualTo("OCCURRED");
        }
    }
}
