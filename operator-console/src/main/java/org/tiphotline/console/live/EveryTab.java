package org.tiphotline.console.live;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.MultiServerUserRegistry;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.stereotype.Component;

/**
 * Sends a message to every live session (tab) of one person, one message per session. Spring's own one message
 * to a user with several sessions fails after the first session when publish order is preserved (Spring 7.0.8:
 * "Expected mutable SimpMessageHeaderAccessor" in OrderedMessageChannelDecorator, logged, nothing sent), so an
 * operator's second tab silently stopped ringing. {@code TwoTabsLiveTest} holds it.
 *
 * <p>With the relay to RabbitMQ, the sessions are those of every node ({@link RegistryBroadcast}): a tab on the
 * other node gets its message through RabbitMQ ({@code RelayAcrossNodesTest}).
 */
@Component
public class EveryTab {

    private final SimpMessagingTemplate messaging;
    private final SimpUserRegistry users;

    EveryTab(SimpMessagingTemplate messaging, SimpUserRegistry users) {
        this.messaging = messaging;
        this.users = users;
    }

    /** {@code destination} as a user destination without its prefix, e.g. {@code /queue/pop}. */
    public void send(String username, String destination, Object payload) {
        SimpUser user = users.getUser(username);
        if (user == null || !user.hasSessions()) {
            if (users instanceof MultiServerUserRegistry) {
                // No tab of theirs known here, maybe only not yet: the nodes that have one deliver it.
                messaging.convertAndSendToUser(username, destination, payload);
            }
            return;
        }
        for (SimpSession session : user.getSessions()) {
            SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
            headers.setSessionId(session.getId());
            headers.setLeaveMutable(true);
            messaging.convertAndSendToUser(username, destination, payload, headers.getMessageHeaders());
        }
    }
}
