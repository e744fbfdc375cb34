package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.messaging.simp.broker.AbstractBrokerMessageHandler;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.user.MultiServerUserRegistry;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * The README's start command, with no relay setting, keeps Spring's in-process broker: no RabbitMQ is needed, no
 * connection to one is attempted, and the broker whose availability the health checks read is there and up.
 */
class RelayOffByDefaultTest {

    @TempDir
    Path data;

    @Test
    void withoutARelayHostTheSingleNodeUsesTheInProcessBroker() throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data)) {
            Map<String, AbstractBrokerMessageHandler> brokers = hotline.beans(AbstractBrokerMessageHandler.class);
            // Spring creates the relay (and its TCP client) only when configured: none here, so nothing connects.
            assertThat(brokers.values()).singleElement().isInstanceOf(SimpleBrokerMessageHandler.class)
                    .satisfies(broker -> assertThat(broker.isBrokerAvailable()).isTrue());
            assertThat(hotline.bean(SimpUserRegistry.class)).isNotInstanceOf(MultiServerUserRegistry.class);

            ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            try (LiveClient watching = LiveClient.connect(supervisor)) {
                BlockingQueue<JsonNode> queue = watching.subscribe("/topic/supervisor/queue");
                Thread.sleep(300);
                assertThat(operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 215", "language",
                        "en", "immediateDanger", "NO", "callerType", "SOMEONE_ELSE")).status()).isEqualTo(201);
                await(queue, q -> q.path("waiting").size() > 0, 10);
                assertThat(watching.destinations()).contains("/topic/supervisor/queue");
            }
        }
    }
}
