package org.tiphotline.console.live;

import org.springframework.messaging.MessagingException;
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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EveryTab.class);

    private final SimpMessagingTemplate messaging;
    private final SimpUserRegistry users;

    EveryTab(SimpMessagingTemplate messaging, SimpUserRegistry users) {
        this.messaging = messaging;
        this.users = users;
    }

    /**
     * {@code destination} as a user destination without its prefix, e.g. {@code /queue/pop}. Best effort, never
     * throwing: it runs inside the listeners of calls' and routing's events, and a node that is stopping has its
     * broker relay stopped while it still finishes requests (the relay then refuses every message): an exception
     * here skipped the event's other listeners (routing among them) and failed the webhook or AMI report that had
     * just been stored (the rolling-upgrade run). The consoles pick their state up again when they reconnect.
     */
    public void send(String username, String destination, Object payload) {
        try {
            sendToTabs(username, destination, payload);
        } catch (MessagingException e) {
            log.warn("a live message to {} was not sent: {}", destination, e.getClass().getSimpleName());
        }
    }

    private void sendToTabs(String username, String destination, Object payload) {
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
