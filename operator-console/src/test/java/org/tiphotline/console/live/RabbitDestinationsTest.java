package org.tiphotline.console.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;

/** What crosses to RabbitMQ: names its STOMP plugin accepts, and none of the headers it would act on. */
class RabbitDestinationsTest {

    private final RabbitDestinations interceptor = new RabbitDestinations();

    @Test
    void topicsUseDotsAndUserQueuesTheDirectExchange() {
        assertThat(RabbitDestinations.relayed("/topic/supervisor/queue")).isEqualTo("/topic/supervisor.queue");
        assertThat(RabbitDestinations.relayed("/topic/callbacks")).isEqualTo("/topic/callbacks");
        assertThat(RabbitDestinations.relayed("/queue/pop-user1a2b")).isEqualTo("/exchange/amq.direct/pop-user1a2b");
        assertThat(RabbitDestinations.relayed("/app/presence")).isNull();
        assertThat(RabbitDestinations.relayed("/user/queue/pop")).isNull();
    }

    @Test
    void aMessageKeepsItsNameForTheBrowserAndLeavesOverTheNodesOwnConnection() {
        SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create();
        headers.setDestination("/topic/supervisor/queue");
        headers.setSessionId("tab-on-the-other-node");
        Message<?> relayed = interceptor.preSend(MessageBuilder.createMessage(new byte[0],
                headers.getMessageHeaders()), null);

        SimpMessageHeaderAccessor out = SimpMessageHeaderAccessor.wrap(relayed);
        assertThat(out.getDestination()).isEqualTo("/topic/supervisor.queue");
        assertThat(out.getFirstNativeHeader(SimpMessageHeaderAccessor.ORIGINAL_DESTINATION))
                .isEqualTo("/topic/supervisor/queue");
        assertThat(out.getSessionId()).isNull();
    }

    @Test
    void aBrowsersSubscribeAndConnectCarryNothingRabbitMqWouldObey() {
        StompHeaderAccessor subscribe = relayed(StompCommand.SUBSCRIBE, "id", "sub-0", "destination",
                "/topic/callbacks", "durable", "true", "auto-delete", "false", "x-queue-name", "kept-for-ever",
                "ack", "client");
        assertThat(subscribe.toNativeHeaderMap()).containsOnlyKeys("id", "destination");
        assertThat(subscribe.getSessionId()).as("a subscription stays on its tab's connection").isEqualTo("tab");

        StompHeaderAccessor connect = relayed(StompCommand.CONNECT, "accept-version", "1.2", "heart-beat",
                "10000,10000", "X-CSRF-TOKEN", "secret-of-the-page", "host", "localhost");
        assertThat(connect.toNativeHeaderMap()).containsOnlyKeys("accept-version", "heart-beat");
    }

    /** A browser's frame (as Spring decodes it) after the interceptor; {@code headers}: names and values. */
    private StompHeaderAccessor relayed(StompCommand command, String... headers) {
        StompHeaderAccessor frame = StompHeaderAccessor.create(command);
        for (int i = 0; i < headers.length; i += 2) {
            frame.setNativeHeader(headers[i], headers[i + 1]);
        }
        if (frame.getFirstNativeHeader("destination") != null) {
            frame.setDestination(frame.getFirstNativeHeader("destination"));
            frame.setSubscriptionId(frame.getFirstNativeHeader("id"));
        }
        frame.setSessionId("tab");
        return StompHeaderAccessor.wrap(interceptor.preSend(
                MessageBuilder.createMessage(new byte[0], frame.getMessageHeaders()), null));
    }
}
