package org.tiphotline.console.live;

import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpAttributes;
import org.springframework.messaging.simp.SimpAttributesContextHolder;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.messaging.SessionConnectedEvent;

/**
 * A frame refused on the live channel ends the session with an ERROR frame, as STOMP says it should. Without
 * this, a refusal by the security rules was silent and the session went on: a session whose CONNECT had been
 * refused for a missing CSRF token could still set its operator available (found by {@code StompFramesFuzzTest}).
 * So frames count only after a CONNECT that every check accepted, and any frame a check refuses is answered with
 * ERROR, which closes the session. Registered before the security interceptors, so that it sees their refusals.
 */
@Configuration(proxyBeanMethods = false)
@Order(Ordered.HIGHEST_PRECEDENCE)
class LiveChannelGuard implements WebSocketMessageBrokerConfigurer, ChannelInterceptor {

    private static final String ACCEPTED = LiveChannelGuard.class.getName() + ".connectAccepted";
    private static final String REFUSED = LiveChannelGuard.class.getName() + ".refused";

    private final MessageChannel toClients;

    LiveChannelGuard(@Lazy @Qualifier("clientOutboundChannel") MessageChannel toClients) {
        this.toClients = toClients;
    }

    @Override
    public void configureClientInboundChannel(ChannelRegistration registration) {
        registration.interceptors(this);
    }

    /**
     * The session counts as connected when the broker's answer to its CONNECT goes out, so before the client can
     * read CONNECTED and send its next frame. Marking it after the CONNECT's own send returned raced that frame:
     * the inbound channel hands frames to other threads, and a SUBSCRIBE could be checked first and refused. Spring
     * announces the connection on the thread about to write CONNECTED, with the session's attributes at hand, for
     * the in-process broker's answer and RabbitMQ's alike (the relay's CONNECTED carries no CONNECT to look at).
     */
    @EventListener
    void on(SessionConnectedEvent connected) {
        SimpAttributes session = SimpAttributesContextHolder.getAttributes();
        if (session != null) {
            session.setAttribute(ACCEPTED, Boolean.TRUE);
        }
    }

    @Override
    public Message<?> preSend(Message<?> message, MessageChannel channel) {
        StompHeaderAccessor frame = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
        if (frame == null || frame.getMessageType() == SimpMessageType.HEARTBEAT
                || frame.getMessageType() == SimpMessageType.DISCONNECT) {
            // DISCONNECT only cleans up, and Spring sends one itself when the socket ends: never withheld.
            return message;
        }
        Map<String, Object> session = frame.getSessionAttributes();
        if (session != null && session.containsKey(REFUSED)) {
            // Already answered with ERROR and ending: a second ERROR would only race the first to the client.
            return null;
        }
        if (frame.getMessageType() == SimpMessageType.CONNECT) {
            return message;
        }
        if (session == null || !Boolean.TRUE.equals(session.get(ACCEPTED))) {
            refuse(frame, StompErrors.NOT_CONNECTED);
            return null;
        }
        String missing = missingHeader(frame);
        if (missing != null) {
            refuse(frame, missing);
            return null;
        }
        return message;
    }

    /**
     * Refused here, before the broker: its subscription registry logs such a frame whole, headers a client typed
     * included, at ERROR (through Spring's SimpLogging, which no single logger setting silences).
     */
    private static String missingHeader(StompHeaderAccessor frame) {
        return switch (frame.getMessageType()) {
            case SUBSCRIBE -> frame.getSubscriptionId() == null || frame.getDestination() == null
                    ? "malformed SUBSCRIBE (it needs an id and a destination)" : null;
            case UNSUBSCRIBE -> frame.getSubscriptionId() == null ? "malformed UNSUBSCRIBE (it needs an id)" : null;
            case MESSAGE -> frame.getDestination() == null ? "malformed SEND (it needs a destination)" : null;
            default -> null;
        };
    }

    @Override
    public void afterSendCompletion(Message<?> message, MessageChannel channel, boolean sent, Exception ex) {
        StompHeaderAccessor frame = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
        if (frame == null) {
            return;
        }
        if (ex != null) {
            refuse(frame, StompErrors.reason(message, ex));
        }
    }

    private void refuse(StompHeaderAccessor frame, String reason) {
        String sessionId = frame.getSessionId();
        if (sessionId == null) {
            return;
        }
        Map<String, Object> session = frame.getSessionAttributes();
        if (session != null && session.putIfAbsent(REFUSED, Boolean.TRUE) != null) {
            return;
        }
        StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.ERROR);
        error.setMessage(reason);
        error.setSessionId(sessionId);
        error.setLeaveMutable(true);
        toClients.send(MessageBuilder.createMessage(new byte[0], error.getMessageHeaders()));
    }
}
