package org.tiphotline.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.MultiServerUserRegistry;
import org.springframework.web.socket.messaging.DefaultSimpUserRegistry;

/**
 * A node that is stopping (a rolling upgrade) has stopped its broker relay while it still finishes requests, and
 * the relay refuses every message ("Message broker not active"). Live messages are sent from inside the listeners
 * of calls' and routing's events: one that throws skips the event's other listeners (routing among them) and fails
 * the webhook or AMI report that was just stored, as the rolling-upgrade run showed. Sending is best effort.
 */
class EveryTabWhileStoppingTest {

    @Test
    void aMessageTheStoppedRelayRefusesIsDroppedNotThrownIntoTheEventsListeners() {
        AtomicInteger tried = new AtomicInteger();
        MessageChannel stoppedRelay = (message, timeout) -> {
            tried.incrementAndGet();
            throw new MessageDeliveryException(message, "Message broker not active");
        };
        // An operator whose tabs are on the other node: the message goes to the broker for that node to deliver.
        EveryTab tabs = new EveryTab(new SimpMessagingTemplate(stoppedRelay),
                new MultiServerUserRegistry(new DefaultSimpUserRegistry()));

        assertThatCode(() -> tabs.send("operator", "/queue/call", Map.of("state", "ENDED"))).doesNotThrowAnyException();
        assertThat(tried).as("the relay was asked").hasValue(1);
    }
}
