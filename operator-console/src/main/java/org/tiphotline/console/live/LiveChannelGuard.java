package org.tiphotline.console.live;

import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

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

    private final MessageChannel toClients;

    LiveChannelGuard(@Lazy @Qualifier("clientOutboundChannel") MessageChannel toClients) {
        this.toClients = toClients;
    }

    @Override
    public void configureClientInboundChannel(ChannelRegistration registration) {
        registration.interceptors(this);
    }

    @Override
    public Message<?> preSend(Message<?> message, MessageChannel channel) {
        StompHeaderAccessor frame = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
        if (frame == null || !needsConnect(frame.getMessageType())) {
            return message;
        }
        Map<String, Object> session = frame.getSessionAttributes();
        if (session == null || !Boolean.TRUE.equals(session.get(ACCEPTED))) {
            refuse(frame.getSessionId(), StompErrors.NOT_CONNECTED);
            return null;
        }
        String missing = missingHeader(frame);
        if (missing != null) {
            refuse(frame.getSessionId(), missing);
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
            refuse(frame.getSessionId(), StompErrors.reason(message, ex));
        } else if (sent && frame.getMessageType() == SimpMessageType.CONNECT && frame.getSessionAttributes() != null) {
            frame.getSessionAttributes().put(ACCEPTED, Boolean.TRUE);
        }
    }

    /** CONNECT itself, heart-beats and DISCONNECT (which only cleans up) are the frames a session may start with. */
    private static boolean needsConnect(SimpMessageType type) {
        return type != SimpMessageType.CONNECT && type != SimpMessageType.HEARTBEAT
                && type != SimpMessageType.DISCONNECT;
    }

    private void refuse(String sessionId, String reason) {
        if (sessionId == null) {
            return;
        }
        StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.ERROR);
        error.setMessage(reason);
        error.setSessionId(sessionId);
        error.setLeaveMutable(true);
        toClients.send(MessageBuilder.createMessage(new byte[0], error.getMessageHeaders()));
    }
}
