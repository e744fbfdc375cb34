package org.tiphotline.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;

/**
 * An operator with the console open in two tabs (or a tab and a reopened one) gets the ring, the presence and the
 * call's updates in both: a tab that silently stops ringing is a missed call. Spring's one message to a user with
 * several sessions failed after the first session ("Expected mutable SimpMessageHeaderAccessor").
 */
class TwoTabsLiveTest {

    @TempDir
    Path data;

    @Test
    void bothTabsOfAnOperatorGetThePresenceThePopAndTheCallUpdates() throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data)) {
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            try (LiveClient first = LiveClient.connect(operator); LiveClient second = LiveClient.connect(operator)) {
                BlockingQueue<JsonNode> presence1 = first.subscribe("/user/queue/presence");
                BlockingQueue<JsonNode> presence2 = second.subscribe("/user/queue/presence");
                BlockingQueue<JsonNode> pops1 = first.subscribe("/user/queue/pop");
                BlockingQueue<JsonNode> pops2 = second.subscribe("/user/queue/pop");
                BlockingQueue<JsonNode> calls1 = first.subscribe("/user/queue/call");
                BlockingQueue<JsonNode> calls2 = second.subscribe("/user/queue/call");
                Thread.sleep(300); // both SUBSCRIBE frames reach the broker before anything is sent

                first.send("/app/presence", Map.of("presence", "AVAILABLE"));
                await(presence1, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
                await(presence2, p -> p.get("presence").asString().equals("AVAILABLE"), 5);

                ConsoleClient.Response placed = operator.post("/api/sim/calls", Map.of("callerNumber",
                        "+1 555 0100 212", "language", "en", "immediateDanger", "NO", "callerType", "SOMEONE_ELSE"));
                assertThat(placed.status()).isEqualTo(201);
                JsonNode pop1 = await(pops1, p -> true, 10);
                JsonNode pop2 = await(pops2, p -> true, 10);
                assertThat(pop2.get("call").asString()).isEqualTo(pop1.get("call").asString());

                String call = pop1.get("call").asString();
                operator.post("/api/sim/calls/" + placed.body().get("providerCallId").asString() + "/answer",
                        Map.of());
                await(calls1, u -> u.get("call").asString().equals(call) && "TALKING".equals(
                        u.path("state").asString()), 10);
                await(calls2, u -> u.get("call").asString().equals(call) && "TALKING".equals(
                        u.path("state").asString()), 10);
            }
        }
    }
}
