package org.tiphotline.bench;

import java.lang.reflect.Type;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
 * One operator's console as the browser runs it: a session over HTTP and a STOMP session subscribed to the
 * same four user queues as {@code console.js}. Every frame is stamped on arrival, in the client's receiving
 * thread and before its JSON is parsed, so the stamp is when the client had the message.
 */
final class BenchConsole implements AutoCloseable {

    /** A message and when it arrived: wall clock (to compare with server times) and monotonic (for round trips). */
    record Arrival(JsonNode body, Instant at, long nanos) {}

    /** The presence request the server refuses, answered on the errors queue: a bare STOMP round trip. */
    static final byte[] PING = "{\"presence\":\"BENCH_PING\"}".getBytes(StandardCharsets.UTF_8);

    /** Errors the server sent on the consoles' error queues (other than ping replies); the first few are printed. */
    static final AtomicInteger SERVER_ERRORS = new AtomicInteger();

    final String username;
    final ConsoleClient http;
    final BlockingQueue<Arrival> pops = new LinkedBlockingQueue<>();
    final BlockingQueue<Arrival> presence = new LinkedBlockingQueue<>();
    /** The call updates ({@code /user/queue/call}), kept only if {@link #keepCallUpdates} was called. */
    final BlockingQueue<Arrival> calls = new LinkedBlockingQueue<>();
    private volatile boolean keepCalls;
    private final Queue<Long> pingsInFlight = new ConcurrentLinkedQueue<>();
    private volatile Consumer<Long> pingReplies = rtt -> {};
    /** Presence updates are kept only while someone waits for one (a console gets several per call). */
    private volatile boolean awaitingPresence = true;
    private volatile StompSession session;
    private volatile boolean closing;
    private final WebSocketStompClient stomp;
    private final String base;
    /** Each subscription made, made again on a new session after a reconnection, as {@code stomp.js} does. */
    private final List<Consumer<StompSession>> subscriptions = new CopyOnWriteArrayList<>();

    /** Live channels the server or its broker closed under a console during the run, and how many came back. */
    static final AtomicInteger LOST = new AtomicInteger();
    static final AtomicInteger BACK = new AtomicInteger();
    /** When the first and the last channel were lost, and why the first: printed when calls stop reaching operators. */
    static final AtomicReference<String> FIRST_LOSS = new AtomicReference<>();
    static final AtomicReference<Instant> LAST_LOSS = new AtomicReference<>();
    private static final ScheduledExecutorService RECONNECTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-console-reconnect");
        t.setDaemon(true);
        return t;
    });

    private BenchConsole(String username, ConsoleClient http, WebSocketStompClient stomp, String base) {
        this.username = username;
        this.http = http;
        this.stomp = stomp;
        this.base = base;
    }

    static BenchConsole open(WebSocketStompClient stomp, String base, String username, String password,
            boolean operator, boolean watchQueue) throws Exception {
        BenchConsole console = new BenchConsole(username, ConsoleClient.login(base, username, password), stomp, base);
        console.session = console.connect().get(10, TimeUnit.SECONDS);
        if (operator) {
            console.subscribe("/user/queue/pop", console.pops::add);
            console.subscribe("/user/queue/presence", a -> {
                if (console.awaitingPresence) {
                    console.presence.add(a);
                }
            });
            console.subscribe("/user/queue/call", a -> {
                if (console.keepCalls) {
                    console.calls.add(a);
                }
            });
            console.subscribe("/user/queue/errors", console::onError);
        }
        if (watchQueue) {
            console.subscribe("/topic/supervisor/queue", a -> {});
        }
        return console;
    }

    /** A STOMP session on the console's HTTP session, as the page opens one (cookie, Origin, CSRF token). */
    private java.util.concurrent.CompletableFuture<StompSession> connect() {
        WebSocketHttpHeaders handshake = new WebSocketHttpHeaders();
        handshake.add("Cookie", "JSESSIONID=" + http.sessionCookie());
        handshake.add("Origin", base);
        StompHeaders connect = new StompHeaders();
        connect.add(http.csrfHeader(), http.csrfToken());
        return stomp.connectAsync(URI.create(base.replace("http://", "ws://") + "/ws"), handshake, connect,
                new StompSessionHandlerAdapter() {
                    @Override
                    public void handleTransportError(StompSession lost, Throwable why) {
                        if (!closing && lost == session) {
                            lost(why);
                        }
                    }
                });
    }

    /**
     * The live channel went (the server closed it after its broker relay lost the session's connection, a node
     * stopped): opened again a second later and every subscription made again, as the browser's console does, so
     * that a run measures what operators would live through, and says it happened.
     */
    private void lost(Throwable why) {
        Instant now = Instant.now();
        LOST.incrementAndGet();
        LAST_LOSS.set(now);
        if (FIRST_LOSS.compareAndSet(null, now + " " + username + ": " + why)) {
            System.err.println("[bench] " + now + " " + username + "'s live channel was lost (" + why + "); it "
                    + "reconnects as the browser's console does");
        }
        RECONNECTS.schedule(this::reconnect, 1, TimeUnit.SECONDS);
    }

    private void reconnect() {
        if (closing) {
            return;
        }
        try {
            StompSession again = connect().get(10, TimeUnit.SECONDS);
            session = again;
            subscriptions.forEach(s -> s.accept(again));
            BACK.incrementAndGet();
        } catch (Exception e) {
            RECONNECTS.schedule(this::reconnect, 1, TimeUnit.SECONDS);
        }
    }

    /** The wall display's topics ({@code wallboard.js}). */
    static final java.util.List<String> WALLBOARD_TOPICS = java.util.List.of("/topic/floor.figures",
            "/topic/floor.alerts");

    /**
     * A supervisor's: their page's ({@code supervisor.js}) and the wallboard's, as one with both open in two tabs of
     * one browser (one STOMP session here, which costs the server the same messages).
     */
    static final java.util.List<String> SUPERVISOR_TOPICS = java.util.List.of("/topic/supervisor/queue",
            "/topic/supervisor/wrapup", "/topic/floor.alerts", "/topic/supervisor/escalations",
            "/topic/supervisor/alert-failures", "/topic/floor.figures");

    /** Messages a watcher received, by topic: the run shows the watchers were fed, not merely connected. */
    final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> received =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The largest message a watcher received, in bytes, by topic. */
    final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> largest =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The watchers' client. A browser takes a message of any size; Tomcat's WebSocket client buffers 8 KB and
     * Spring's STOMP client takes 64 KB by default, and the floor's figures and the queue with 100 operators seated
     * are larger: with the consoles' client, the first watchers were closed after their first dozen messages
     * (2026-12-07) and the rest of the run had nobody watching.
     */
    static WebSocketStompClient watcherClient(
            org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler heartbeats) {
        jakarta.websocket.WebSocketContainer container = jakarta.websocket.ContainerProvider.getWebSocketContainer();
        container.setDefaultMaxTextMessageBufferSize(4 << 20);
        container.setDefaultMaxBinaryMessageBufferSize(4 << 20);
        WebSocketStompClient stomp = new WebSocketStompClient(
                new org.springframework.web.socket.client.standard.StandardWebSocketClient(container));
        stomp.setTaskScheduler(heartbeats);
        stomp.setDefaultHeartbeat(new long[] {10_000, 10_000});
        stomp.setInboundMessageSizeLimit(4 << 20);
        return stomp;
    }

    /** A console that only watches {@code topics} (a wall display, a supervisor), counting what arrives. */
    static BenchConsole watcher(WebSocketStompClient stomp, String base, String username, String password,
            java.util.List<String> topics) throws Exception {
        BenchConsole console = open(stomp, base, username, password, false, false);
        for (String topic : topics) {
            java.util.concurrent.atomic.AtomicLong count = console.received.computeIfAbsent(topic,
                    t -> new java.util.concurrent.atomic.AtomicLong());
            java.util.concurrent.atomic.AtomicLong max = console.largest.computeIfAbsent(topic,
                    t -> new java.util.concurrent.atomic.AtomicLong());
            console.subscribeRaw(topic, bytes -> {
                count.incrementAndGet();
                max.accumulateAndGet(bytes.length, Math::max);
            });
        }
        return console;
    }

    /** Sends the presence the operator chooses, as the console's buttons do. */
    void presence(String wanted) {
        send(("{\"presence\":\"" + wanted + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** Waits for the server to confirm the wanted presence (sent after the last call of this method). */
    void awaitPresence(String wanted, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            for (long left; (left = deadline - System.nanoTime()) > 0;) {
                Arrival a = presence.poll(left, TimeUnit.NANOSECONDS);
                if (a != null && wanted.equals(a.body().path("presence").asString(""))) {
                    return;
                }
            }
            throw new IllegalStateException(username + " was not confirmed " + wanted + " within " + seconds + " s");
        } finally {
            awaitingPresence = false;
            presence.clear();
        }
    }

    /** From now on, keeps the call updates the server sends ({@link #awaitCall}). */
    void keepCallUpdates() {
        keepCalls = true;
    }

    /** Waits for the server to tell this operator that {@code call} is in {@code state}; older updates are dropped. */
    void awaitCall(String call, String state, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long left; (left = deadline - System.nanoTime()) > 0;) {
            Arrival a = calls.poll(left, TimeUnit.NANOSECONDS);
            if (a != null && call.equals(a.body().path("call").asString("")) && state.equals(
                    a.body().path("state").asString(""))) {
                return;
            }
        }
        throw new IllegalStateException(username + " was not told call " + call + " is " + state + " within "
                + seconds + " s");
    }

    /** Sends one ping; its round trip in nanoseconds goes to the consumer set with {@link #onPingReply}. */
    void ping() {
        pingsInFlight.add(System.nanoTime());
        send(PING);
    }

    void onPingReply(Consumer<Long> consumer) {
        pingReplies = consumer;
    }

    boolean isConnected() {
        return session.isConnected();
    }

    private void onError(Arrival a) {
        String error = a.body().path("error").asString("");
        Long sent = error.startsWith("presence must be") ? pingsInFlight.poll() : null;
        if (sent != null) {
            pingReplies.accept(a.nanos() - sent);
        } else if (SERVER_ERRORS.incrementAndGet() <= 5) {
            System.err.println("[bench] " + username + " got an error from the server: " + error);
        }
    }

    private void send(byte[] json) {
        StompHeaders headers = new StompHeaders();
        headers.setDestination("/app/presence");
        headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
        session.send(headers, json);
    }

    /** The frames' bytes as they arrive, not parsed: a watcher only counts them. */
    private void subscribeRaw(String destination, Consumer<byte[]> sink) {
        subscribe(on -> on.subscribe(destination, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return byte[].class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                sink.accept((byte[]) payload);
            }
        }));
    }

    private void subscribe(Consumer<StompSession> subscription) {
        subscriptions.add(subscription);
        subscription.accept(session);
    }

    private void subscribe(String destination, Consumer<Arrival> sink) {
        subscribe(on -> on.subscribe(destination, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return byte[].class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                Instant at = Instant.now();
                long nanos = System.nanoTime();
                sink.accept(new Arrival(ConsoleClient.parse(new String((byte[]) payload, StandardCharsets.UTF_8)),
                        at, nanos));
            }
        }));
    }

    @Override
    public void close() {
        closing = true;
        if (session.isConnected()) {
            session.disconnect();
        }
    }
}
