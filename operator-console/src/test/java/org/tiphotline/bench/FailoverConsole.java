package org.tiphotline.bench;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.tiphotline.console.testing.ConsoleClient;
import tools.jackson.databind.JsonNode;

/**
 * An operator's console as {@link FailoverRun} drives it, through the load balancer: signed in once, its live
 * channel reconnects by itself when the node it was on dies (to whichever node the balancer picks, with the same
 * session), picks its current call up again from {@code /api/console/call} as the console page does when it
 * loads, and retries a request the dead node never answered, as the console's draft saving does.
 */
final class FailoverConsole implements AutoCloseable {

    /** A call to work on: from a screen pop, or found again after a reconnection ({@code answered}: talking). */
    record Pop(String call, String report, String providerCallId, boolean answered) {}

    final String username;
    final BlockingQueue<Pop> pops = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> presence = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> callUpdates = new LinkedBlockingQueue<>();
    private final ConsoleClient http;
    private final WebSocketStompClient stomp;
    private final String base;
    private final AtomicInteger reconnects;
    /** Where the live channel connects: first the node the balancer put this console on, then the balancer. */
    private volatile String liveBase;
    private volatile StompSession session;
    private volatile boolean closed;
    private volatile boolean reconnecting;

    private FailoverConsole(String username, ConsoleClient http, WebSocketStompClient stomp, String base,
            AtomicInteger reconnects) {
        this.username = username;
        this.http = http;
        this.stomp = stomp;
        this.base = base;
        this.reconnects = reconnects;
    }

    /**
     * Signs in through the balancer at {@code base}; the live channel opens on {@code node} (the one the balancer
     * would have chosen: the run puts half the consoles on each) and, once that node is gone, through the balancer.
     */
    static FailoverConsole open(WebSocketStompClient stomp, String base, String node, String username,
            String password, AtomicInteger reconnects) throws Exception {
        FailoverConsole console = new FailoverConsole(username, ConsoleClient.login(base, username, password), stomp,
                base, reconnects);
        console.liveBase = node;
        console.connect();
        return console;
    }

    ConsoleClient http() {
        return http;
    }

    private void connect() throws Exception {
        WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
        handshake.add("Cookie", http.sessionCookieHeader());
        handshake.add("Origin", liveBase);
        StompHeaders connect = new StompHeaders();
        connect.add(http.csrfHeader(), http.csrfToken());
        URI live = URI.create(liveBase.replace("http://", "ws://") + "/ws");
        StompSession s = stomp.connectAsync(live, handshake, connect, new StompSessionHandlerAdapter() {
            @Override
            public void handleTransportError(StompSession failed, Throwable exception) {
                reconnectLater();
            }

            @Override
            public void handleException(StompSession failed, StompCommand command, StompHeaders headers,
                    byte[] payload, Throwable exception) {
                // a frame the console could not read: not a lost link
            }
        }).get(10, TimeUnit.SECONDS);
        subscribe(s, "/user/queue/pop", pop -> pops.add(new Pop(pop.path("call").asString(""),
                pop.path("report").asString(""), pop.path("providerCallId").asString(""), false)));
        subscribe(s, "/user/queue/presence", presence::add);
        subscribe(s, "/user/queue/call", callUpdates::add);
        session = s;
    }

    /** As the console's live channel: try again every quarter second until a node takes the connection. */
    private synchronized void reconnectLater() {
        if (closed || reconnecting) {
            return;
        }
        reconnecting = true;
        liveBase = base;
        Thread.ofVirtual().name("reconnect-" + username).start(() -> {
            try {
                while (!closed) {
                    try {
                        Thread.sleep(250);
                        connect();
                        reconnects.incrementAndGet();
                        resume();
                        return;
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the balancer found no node yet, or the handshake failed: again
                    }
                }
            } finally {
                reconnecting = false;
            }
        });
    }

    /** The console page's resumeCall: the call ringing at or answered by this operator, if any. */
    private void resume() {
        JsonNode current = http.get("/api/console/call").body().path("current");
        if (current.isObject()) {
            pops.add(new Pop(current.path("call").asString(""), current.path("report").asString(""),
                    current.path("providerCallId").asString(""), "TALKING".equals(current.path("state").asString(""))));
        }
    }

    void presence(String wanted) {
        StompSession s = session;
        if (s == null || !s.isConnected()) {
            return;
        }
        StompHeaders headers = new StompHeaders();
        headers.setDestination("/app/presence");
        headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
        s.send(headers, ("{\"presence\":\"" + wanted + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    void awaitPresence(String wanted, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = deadline - System.nanoTime()) > 0;) {
            JsonNode p = presence.poll(left, TimeUnit.NANOSECONDS);
            if (p != null && wanted.equals(p.path("presence").asString(""))) {
                presence.clear();
                return;
            }
        }
        throw new IllegalStateException(username + " was not confirmed " + wanted + " within " + seconds + " s");
    }

    /**
     * Waits until the call is over for this operator: its ENDED update, or (an update lost with a dead node) the
     * console's current call no longer being it.
     */
    void awaitCallEnded(String call, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            JsonNode update = callUpdates.poll(1, TimeUnit.SECONDS);
            if (update != null && call.equals(update.path("call").asString(""))
                    && "ENDED".equals(update.path("state").asString(""))) {
                return;
            }
            if (update == null) {
                try {
                    JsonNode current = http.get("/api/console/call").body().path("current");
                    if (!current.isObject() || !call.equals(current.path("call").asString(""))) {
                        return;
                    }
                } catch (IllegalStateException e) {
                    // no node answered: again
                }
            }
        }
        throw new IllegalStateException(username + " was not told call " + call + " ended within " + seconds + " s");
    }

    /**
     * A request the console makes, retried for up to 15 s while no node answers it (the console keeps a draft
     * field and sends it again); any other answer than {@code status} is an error.
     */
    void expect(String step, Supplier<ConsoleClient.Response> request, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                ConsoleClient.Response response = request.get();
                if (response.status() == status) {
                    return;
                }
                if (response.status() < 500 || System.nanoTime() > deadline) {
                    throw new IllegalStateException(step + " answered " + response.status() + " instead of " + status);
                }
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof java.io.IOException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(250);
        }
    }

    private static void subscribe(StompSession session, String destination, Consumer<JsonNode> sink) {
        session.subscribe(destination, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return byte[].class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                sink.accept(ConsoleClient.parse(new String((byte[]) payload, StandardCharsets.UTF_8)));
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        StompSession s = session;
        if (s != null && s.isConnected()) {
            s.disconnect();
        }
    }
}
