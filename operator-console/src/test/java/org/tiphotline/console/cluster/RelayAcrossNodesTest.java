package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.messaging.simp.broker.AbstractBrokerMessageHandler;
import org.springframework.messaging.simp.stomp.StompBrokerRelayMessageHandler;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RabbitMq;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes relaying their live channels to one RabbitMQ (Debian's, with its STOMP plugin): what one node decides
 * reaches the browsers connected to the other. Each node still routes with its own router here, so the call and the
 * operator's presence meet on node A, and what is shown is the message crossing to node B.
 */
class RelayAcrossNodesTest {

    private static final Map<String, Object> CALL = Map.of("callerNumber", "+1 555 0100 214", "language", "en",
            "immediateDanger", "NO", "callerType", "SOMEONE_ELSE");

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void aTabOnNodeBGetsThePresenceAndTheScreenPopDecidedOnNodeA() throws Exception {
        try (RunningHotline a = RunningHotline.start(first, relayed("first"));
                RunningHotline b = RunningHotline.secondNode(a, second, RabbitMq.get().relaySettings())) {
            assertRelayed(a);
            assertRelayed(b);
            ConsoleClient onA = ConsoleClient.login(a.base(), "operator", "operator-demo");
            ConsoleClient onB = ConsoleClient.login(b.base(), "operator", "operator-demo");
            try (LiveClient tabA = LiveClient.connect(onA); LiveClient tabB = LiveClient.connect(onB)) {
                BlockingQueue<JsonNode> presenceA = tabA.subscribe("/user/queue/presence");
                BlockingQueue<JsonNode> presenceB = tabB.subscribe("/user/queue/presence");
                BlockingQueue<JsonNode> popsA = tabA.subscribe("/user/queue/pop");
                BlockingQueue<JsonNode> popsB = tabB.subscribe("/user/queue/pop");
                awaitTabs(a, "operator", 2);
                awaitTabs(b, "operator", 2);

                tabA.send("/app/presence", Map.of("presence", "AVAILABLE"));
                await(presenceA, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
                await(presenceB, p -> p.get("presence").asString().equals("AVAILABLE"), 5);

                ConsoleClient.Response placed = onA.post("/api/sim/calls", CALL);
                assertThat(placed.status()).isEqualTo(201);
                JsonNode popOnA = await(popsA, p -> true, 10);
                JsonNode popOnB = await(popsB, p -> true, 10);
                assertThat(popOnB.get("call").asString()).isEqualTo(popOnA.get("call").asString());
                // The browser sees the name it subscribed to, not RabbitMQ's.
                assertThat(tabB.destinations()).contains("/user/queue/pop", "/user/queue/presence")
                        .noneMatch(d -> d.contains("exchange") || d.contains("-user"));
            }
        }
    }

    @Test
    void aSupervisorOnNodeBWatchesTheQueueThatNodeAKeeps() throws Exception {
        try (RunningHotline a = RunningHotline.start(first, relayed("first"));
                RunningHotline b = RunningHotline.secondNode(a, second, RabbitMq.get().relaySettings())) {
            ConsoleClient operatorOnA = ConsoleClient.login(a.base(), "operator", "operator-demo");
            ConsoleClient supervisorOnB = ConsoleClient.login(b.base(), "supervisor", "supervisor-demo");
            try (LiveClient watching = LiveClient.connect(supervisorOnB)) {
                BlockingQueue<JsonNode> queue = watching.subscribe("/topic/supervisor/queue");
                Thread.sleep(300); // the SUBSCRIBE reaches RabbitMQ before the call arrives

                // Nobody is available on node A: the call waits in node A's queue.
                assertThat(operatorOnA.post("/api/sim/calls", CALL).status()).isEqualTo(201);

                JsonNode snapshot = await(queue, q -> q.path("waiting").size() > 0, 10);
                assertThat(snapshot.toString()).doesNotContain("555 0100 214");
                assertThat(watching.destinations()).contains("/topic/supervisor/queue")
                        .noneMatch(d -> d.contains("supervisor.queue"));
            }
        }
    }

    static Map<String, String> relayed(String node) {
        Map<String, String> settings = new HashMap<>(RabbitMq.get().relaySettings());
        settings.put("hotline.cluster.node", node);
        return settings;
    }

    private static void assertRelayed(RunningHotline node) {
        Map<String, AbstractBrokerMessageHandler> brokers = node.beans(AbstractBrokerMessageHandler.class);
        assertThat(brokers.values()).singleElement().isInstanceOf(StompBrokerRelayMessageHandler.class)
                .satisfies(broker -> assertThat(broker.isBrokerAvailable()).isTrue());
    }

    /** Until the node knows this many tabs of the user, its own and the other node's (Spring's registry broadcast). */
    static void awaitTabs(RunningHotline node, String username, int tabs) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            SimpUser user = node.bean(SimpUserRegistry.class).getUser(username);
            if (user != null && user.getSessions().size() >= tabs) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the node did not learn of " + tabs + " tabs of " + username + " within 10 s");
    }
}
