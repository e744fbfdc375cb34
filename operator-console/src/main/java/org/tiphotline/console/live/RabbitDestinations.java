package org.tiphotline.console.live;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.messaging.support.NativeMessageHeaderAccessor;

/**
 * The application's destinations, as RabbitMQ's STOMP plugin accepts them. Browsers and the application keep the
 * names they use with the in-process broker; only what crosses to RabbitMQ changes:
 * <ul>
 * <li>{@code /topic/supervisor/queue} becomes {@code /topic/supervisor.queue}: RabbitMQ refuses a topic name
 * with a slash ("not a valid topic destination"), a dot separates the words of its routing keys.</li>
 * <li>A user's own queue ({@code /queue/pop-user<session>}, Spring's name for one tab's {@code /user/queue/pop})
 * becomes {@code /exchange/amq.direct/pop-user<session>}: a {@code /queue/} destination would make RabbitMQ keep
 * a durable queue per tab for ever, filling up with screen pops for tabs long closed; through the direct exchange a
 * tab's queue lives exactly as long as its subscription, and a message for a tab that is gone is dropped.</li>
 * </ul>
 * A message keeps its original name in Spring's {@code simpOrigDestination} header, which RabbitMQ hands back and
 * Spring turns into the destination the browser sees; every message goes over the node's own ("system") connection.
 * A browser's CONNECT reaches RabbitMQ without the CSRF token (the relay only needs the STOMP version and the
 * heart-beats), and its SUBSCRIBE with its id and destination only: RabbitMQ reads other headers as orders (a
 * durable queue of a chosen name that outlives the tab, acknowledgements the console never sends).
 */
final class RabbitDestinations implements ChannelInterceptor {

    static final String USER_QUEUES = "/exchange/amq.direct/";
    private static final Set<String> CONNECT_HEADERS = Set.of("accept-version", "heart-beat");
    private static final Set<String> SUBSCRIBE_HEADERS = Set.of("id", "destination");

    @Override
    public Message<?> preSend(Message<?> message, MessageChannel channel) {
        SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(message.getHeaders());
        if (type == SimpMessageType.CONNECT) {
            return onlyHeaders(message, CONNECT_HEADERS);
        }
        if (type != SimpMessageType.MESSAGE && type != SimpMessageType.SUBSCRIBE) {
            return message;
        }
        String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
        String relayed = relayed(destination);
        if (relayed == null) {
            return message;
        }
        SimpMessageHeaderAccessor headers = mutable(onlyHeaders(message, type == SimpMessageType.SUBSCRIBE
                ? SUBSCRIBE_HEADERS : null));
        headers.setDestination(relayed);
        if (type == SimpMessageType.MESSAGE) {
            if (!relayed.equals(destination)
                    && headers.getFirstNativeHeader(SimpMessageHeaderAccessor.ORIGINAL_DESTINATION) == null) {
                headers.setNativeHeader(SimpMessageHeaderAccessor.ORIGINAL_DESTINATION, destination);
            }
            // The relay sends a message over the connection of the session it names, and drops it when that
            // session is on another node ("No TCP connection for session"): a message for one tab of a user names
            // that tab. Sent over the node's own connection instead, RabbitMQ delivers it wherever the tab is.
            headers.setSessionId(null);
        }
        return MessageBuilder.createMessage(message.getPayload(), headers.getMessageHeaders());
    }

    /** RabbitMQ's name for one of the application's destinations; null for one that never reaches it. */
    static String relayed(String destination) {
        if (destination == null) {
            return null;
        }
        if (destination.startsWith("/topic/")) {
            return "/topic/" + destination.substring("/topic/".length()).replace('/', '.');
        }
        if (destination.startsWith("/queue/")) {
            return USER_QUEUES + destination.substring("/queue/".length()).replace('/', '.');
        }
        return null;
    }

    /** The frame with only the native headers named (null: all of them). */
    private static Message<?> onlyHeaders(Message<?> message, Set<String> allowed) {
        if (allowed == null) {
            return message;
        }
        Object found = message.getHeaders().get(NativeMessageHeaderAccessor.NATIVE_HEADERS);
        Map<String, ?> all = found instanceof Map<?, ?> map ? castKeys(map) : Map.of();
        List<String> foreign = all.keySet().stream()
                .filter(name -> !allowed.contains(name.toLowerCase(Locale.ROOT))).toList();
        if (foreign.isEmpty()) {
            return message;
        }
        SimpMessageHeaderAccessor headers = mutable(message);
        foreign.forEach(headers::removeNativeHeader);
        return MessageBuilder.createMessage(message.getPayload(), headers.getMessageHeaders());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castKeys(Map<?, ?> nativeHeaders) {
        return (Map<String, ?>) nativeHeaders;
    }

    private static SimpMessageHeaderAccessor mutable(Message<?> message) {
        MessageHeaderAccessor accessor = MessageHeaderAccessor.getMutableAccessor(message);
        return accessor instanceof SimpMessageHeaderAccessor simp ? simp : SimpMessageHeaderAccessor.wrap(message);
    }
}
