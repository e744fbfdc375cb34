package org.tiphotline.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.Router;
import tools.jackson.databind.JsonNode;

/**
 * An operator whose console closes its link is set away; a node that stops (a rolling upgrade) closes every link
 * itself, and that sets nobody away: the consoles reconnect to the other node and the operators are still there.
 */
class NodeStoppingKeepsPresenceTest {

    @TempDir
    Path data;

    @Test
    void aClosedConsoleSetsItsOperatorAwayButTheNodeStoppingDoesNot() throws Exception {
        RunningHotline hotline = RunningHotline.start(data);
        try {
            List<Presence> changes = new CopyOnWriteArrayList<>();
            OperatorId operatorId = hotline.bean(Operators.class).byUsername("operator").orElseThrow().id();
            hotline.listen((ApplicationListener<PayloadApplicationEvent<Router.PresenceChanged>>) event -> {
                if (event.getPayload().operator().equals(operatorId)) {
                    changes.add(event.getPayload().presence());
                }
            });
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");

            // The console closes (tab closed, network gone): away, as before.
            try (LiveClient tab = LiveClient.connect(operator)) {
                available(tab);
            }
            awaitChange(changes, Presence.AWAY);

            LiveClient tab = LiveClient.connect(operator);
            available(tab);
            changes.clear();

            hotline.close();

            assertThat(tab.isConnected()).as("the node closed the console's link").isFalse();
            assertThat(changes).as("presence changes while the node stopped").doesNotContain(Presence.AWAY);
            tab.close();
        } finally {
            hotline.close();
        }
    }

    private static void available(LiveClient tab) throws InterruptedException {
        BlockingQueue<JsonNode> presence = tab.subscribe("/user/queue/presence");
        tab.send("/app/presence", Map.of("presence", "AVAILABLE"));
        await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
    }

    private static void awaitChange(List<Presence> changes, Presence wanted) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!changes.contains(wanted) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(changes).contains(wanted);
    }
}
