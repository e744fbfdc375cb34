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
        StompHeaderAccessor subscribe = StompHeaderAccessor.create(StompCommand.SUBSCRIBE);
        subscribe.setDestination("/topic/callbacks");
        subscribe.setSubscriptionId("sub-0");
        subscribe.setSessionId("tab");
        subscribe.setNativeHeader("durable", "true");
        subscribe.setNativeHeader("auto-delete", "false");
        subscribe.setNativeHeader("x-queue-name", "kept-for-ever");
        subscribe.setNativeHeader("ack", "client");
        StompHeaderAccessor out = StompHeaderAccessor.wrap(interceptor.preSend(
                MessageBuilder.createMessage(new byte[0], subscribe.getMessageHeaders()), null));
        assertThat(out.toNativeHeaderMap()).containsOnlyKeys("id", "destination");
        assertThat(out.getSessionId()).as("a subscription stays on its tab's connection").isEqualTo("tab");

        StompHeaderAccessor connect = StompHeaderAccessor.create(StompCommand.CONNECT);
        connect.setNativeHeader("accept-version", "1.2");
        connect.setNativeHeader("heart-beat", "10000,10000");
        connect.setNativeHeader("X-CSRF-TOKEN", "secret-of-the-page");
        connect.setNativeHeader("host", "localhost");
        StompHeaderAccessor connected = StompHeaderAccessor.wrap(interceptor.preSend(
                MessageBuilder.createMessage(new byte[0], connect.getMessageHeaders()), null));
        assertThat(connected.toNativeHeaderMap()).containsOnlyKeys("accept-version", "heart-beat");
    }
}
