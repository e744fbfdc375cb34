package org.tiphotline.console.live;

import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.stereotype.Component;

/**
 * Sends a message to every live session (tab) of one person, one message per session. Spring's own one message
 * to a user with several sessions fails after the first session when publish order is preserved (Spring 7.0.8:
 * "Expected mutable SimpMessageHeaderAccessor" in OrderedMessageChannelDecorator, logged, nothing sent), so an
 * operator's second tab silently stopped ringing. {@code TwoTabsLiveTest} holds it.
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
        if (user == null) {
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
