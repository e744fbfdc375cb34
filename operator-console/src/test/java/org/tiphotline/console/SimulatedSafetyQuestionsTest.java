package org.tiphotline.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;

/**
 * The simulated line's test calls carry the IVR's safety answers like a real line: in the IVR's order, on the
 * screen pop and in the call log; a callback answer for a withheld number is refused, since the IVR never asks it.
 */
class SimulatedSafetyQuestionsTest {

    @TempDir
    Path data;

    @Test
    void theCallbackAnswerAndTheCannotSpeakFreelyKeyReachThePopAndTheCallLogAndWithheldNumbersAreNotAsked()
            throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data)) {
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            try (LiveClient live = LiveClient.connect(operator)) {
                BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
                JsonNode pop = SimCalls.ringing(live, operator, Map.of("callerNumber", "+1 555 0100 173",
                        "language", "en", "immediateDanger", "NO", "safeToCallBack", "YES", "cannotSpeakFreely", true,
                        "callerType", "AFFECTED_PERSON"));
                assertThat(pop.get("safeToCallBack").asBoolean()).isTrue();
                assertThat(pop.get("quietMode").asBoolean()).isTrue();
                assertThat(pop.get("ivrPath").propertyNames()).containsExactly("LANGUAGE", "CANNOT_SPEAK_FREELY",
                        "IMMEDIATE_DANGER", "SAFE_TO_CALL_BACK", "CALLER_TYPE");
                // A console reloaded while it rings gets the same answers back.
                JsonNode current = operator.get("/api/console/call").body().get("current");
                assertThat(current.get("safeToCallBack").asBoolean()).isTrue();
                assertThat(current.get("quietMode").asBoolean()).isTrue();
                operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/answer", null);
                await(updates, u -> u.get("state").asString().equals("TALKING"), 5);
            }

            ConsoleClient.Response refused = operator.post("/api/sim/calls", Map.of("callerNumber", "",
                    "language", "en", "immediateDanger", "NO", "safeToCallBack", "YES", "stayInIvr", true));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().toString()).contains("does not ask it when the caller's number is withheld");
            ConsoleClient.Response wrong = operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 174",
                    "safeToCallBack", "MAYBE", "stayInIvr", true));
            assertThat(wrong.status()).isEqualTo(400);
            assertThat(wrong.body().toString()).contains("safeToCallBack").contains("must be YES or NO");

            ConsoleClient.Response withheld = operator.post("/api/sim/calls", Map.of("callerNumber", "",
                    "language", "en", "immediateDanger", "NO", "callerType", "SOMEONE_ELSE", "stayInIvr", true));
            assertThat(withheld.status()).isEqualTo(201);
            ConsoleClient.Response unsafe = operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 175",
                    "language", "es", "immediateDanger", "NO", "safeToCallBack", "NO", "stayInIvr", true));
            assertThat(unsafe.status()).isEqualTo(201);

            ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
            List<String> seen = new ArrayList<>();
            for (JsonNode row : supervisor.get("/api/calllog?limit=10").body().get("rows")) {
                JsonNode safe = row.path("safeToCallBack");
                seen.add(row.get("callerMask").asString() + " safe=" + (safe.isBoolean() ? safe.asBoolean() : "not asked")
                        + " quiet=" + row.get("quietMode").asBoolean());
            }
            assertThat(seen).as("two refused calls stored nothing").containsExactlyInAnyOrder(
                    "•••• 73 safe=true quiet=true", "withheld safe=not asked quiet=false",
                    "•••• 75 safe=false quiet=false");
        }
    }
}
