package org.tiphotline.console.live;

import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.user.UserRegistryMessageHandler;
import org.springframework.stereotype.Component;

/**
 * With the relay, the nodes tell each other which tabs they hold every {@link #EVERY}, not Spring's 10 s: an
 * operator whose console had just reconnected to the other node (the first one stopping) would miss, for that long,
 * what this node sends to every tab of theirs while it still holds another one (their presence, a screen pop). A
 * message for a user with no tab known here goes to the other nodes anyway ({@link EveryTab}). A stopped node's tabs
 * are forgotten after twice the interval; until then messages for them are dropped by RabbitMQ.
 */
@Component
class RegistryBroadcast {

    static final Duration EVERY = Duration.ofSeconds(2);

    RegistryBroadcast(@Qualifier("userRegistryMessageHandler") ObjectProvider<MessageHandler> handler) {
        // Before the broker link is up: Spring schedules the broadcast when it is, at half the expiry period.
        // Without the relay Spring makes no such handler at all.
        if (handler.getIfAvailable() instanceof UserRegistryMessageHandler broadcast) {
            broadcast.setRegistryExpirationPeriod(EVERY.multipliedBy(2).toMillis());
        }
    }
}
