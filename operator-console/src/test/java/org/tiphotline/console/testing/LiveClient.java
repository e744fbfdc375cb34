package org.tiphotline.console.testing;

import java.lang.reflect.Type;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import tools.jackson.databind.JsonNode;

/** A console's live channel: a real STOMP client over a real WebSocket, with the user's session cookie. */
public final class LiveClient implements AutoCloseable {

    private final StompSession session;
    private final WebSocketStompClient stomp;
    private final BlockingQueue<String> errors;
    private final BlockingQueue<String> destinations = new LinkedBlockingQueue<>();

    private LiveClient(StompSession session, WebSocketStompClient stomp, BlockingQueue<String> errors) {
        this.session = session;
        this.stomp = stomp;
        this.errors = errors;
    }

    public static LiveClient connect(ConsoleClient user) throws Exception {
        return connect(user, user.base(), true);
    }

    /** Connects with a chosen Origin header and with or without the CSRF token, for the attack tests. */
    public static LiveClient connect(ConsoleClient user, String origin, boolean withCsrf) throws Exception {
        WebSocketStompClient stomp = new WebSocketStompClient(new StandardWebSocketClient());
        stomp.setMessageConverter(new JacksonJsonMessageConverter());
        WebSocketHttpHeaders http = new WebSocketHttpHeaders();
        http.add("Cookie", "JSESSIONID=" + user.sessionCookie());
        http.add("Origin", origin);
        StompHeaders connect = new StompHeaders();
        if (withCsrf) {
            connect.add(user.csrfHeader(), user.csrfToken());
        }
        String ws = user.base().replace("http://", "ws://") + "/ws";
        BlockingQueue<String> errors = new LinkedBlockingQueue<>();
        StompSession session = stomp.connectAsync(URI.create(ws), http, connect, new StompSessionHandlerAdapter() {
            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                // Only ERROR frames come to the session's own handler.
                errors.add(String.valueOf(headers.getFirst("message")));
            }
        }).get(5, TimeUnit.SECONDS);
        return new LiveClient(session, stomp, errors);
    }

    /** The messages of the ERROR frames the server sent: a refused frame ends the session with one. */
    public BlockingQueue<String> errors() {
        return errors;
    }

    /** The destination header of every MESSAGE received, in order: the names the browser sees. */
    public BlockingQueue<String> destinations() {
        return destinations;
    }

    public BlockingQueue<JsonNode> subscribe(String destination) {
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        session.subscribe(destination, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return JsonNode.class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                NumberWatch.received("live message on " + destination, String.valueOf(payload));
                destinations.add(String.valueOf(headers.getDestination()));
                received.add((JsonNode) payload);
            }
        });
        return received;
    }

    public void send(String destination, Map<String, ?> body) {
        session.send(destination, body);
    }

    public boolean isConnected() {
        return session.isConnected();
    }

    /** Waits for a message matching the condition, skipping others; fails the test after the timeout. */
    public static JsonNode await(BlockingQueue<JsonNode> queue, java.util.function.Predicate<JsonNode> wanted,
            long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JsonNode next = queue.poll(100, TimeUnit.MILLISECONDS);
            if (next != null && wanted.test(next)) {
                return next;
            }
        }
        throw new AssertionError("no matching message within " + seconds + " s");
    }

    @Override
    public void close() {
        if (session.isConnected()) {
            try {
                session.disconnect();
            } catch (org.springframework.messaging.MessageDeliveryException closedMeanwhile) {
                // The server ended the session (after an ERROR frame) while it still looked connected.
            }
        }
        stomp.stop();
    }
}
