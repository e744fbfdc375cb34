package org.tiphotline.telephony.asterisk;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.EventGeneratingAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;

/**
 * The AMI connection, kept alive: logs in (again and again while Asterisk is unreachable), pings, drops a link
 * that stopped answering so it is opened afresh, and calls {@code onConnected} once per (re)connection so the
 * adapter can resync from Asterisk's live state.
 *
 * <p>Its state is visible: every connection (the first, each login after a loss, and each reconnection the
 * library makes by itself) logs "AMI connected … [again]", every loss logs why, and {@link #status()} holds
 * up/down since when and the last error for the administrator's status page.
 *
 * <p>Three threads, each with one job. Events are handed off the library's reader thread at once, in order, to
 * the event thread: an action sent from the reader thread waits for a response only that thread could read (the
 * known Asterisk-Java deadlock), and database work there would stall every event behind it. Actions go out from
 * their own thread, one at a time, with a timeout. The supervisor thread logs in and pings.
 */
final class AmiLink implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AmiLink.class);

    private final AsteriskSettings.Ami settings;
    private final ManagerConnection connection;
    private final Consumer<ManagerEvent> onEvent;
    private final Runnable onConnected;
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ami-supervisor").factory());
    private final ExecutorService actions = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("ami-actions").factory());
    private final ExecutorService events = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("ami-events").factory());
    /** Bumped on every (re)connection; the supervisor resyncs when it has not synced this one yet. */
    private final AtomicLong connections = new AtomicLong();
    /**
     * Actions waiting for their events, with the connection they went out on; a dropped link fails them at once,
     * since their events died with it.
     */
    private final java.util.Map<CompletableFuture<ResponseEvents>, Long> collecting =
            new java.util.concurrent.ConcurrentHashMap<>();
    private long synced;
    private long lastLoginAttempt;
    private long lastPing;
    private int pingsMissed;
    private boolean everConnected;
    private volatile boolean closed;
    /** Whether this node may hold the link: it leads (see {@link #hold}). */
    private volatile boolean held = true;
    private final AsteriskStatus status = new AsteriskStatus();
    /** Run on the event thread after {@code onConnected}, once per connection. */
    private final java.util.List<Runnable> afterConnected = new java.util.concurrent.CopyOnWriteArrayList<>();

    AmiLink(AsteriskSettings.Ami settings, Consumer<ManagerEvent> onEvent, Runnable onConnected) {
        this.settings = settings;
        this.onEvent = onEvent;
        this.onConnected = onConnected;
        this.connection = new ManagerConnectionFactory(settings.host(), settings.port(), settings.username(),
                settings.password()).createManagerConnection();
        // The dialplan's own event (extensions.conf); Asterisk-Java drops user events it has no class for.
        connection.registerUserEventClass(HotlineDialFailedEvent.class);
        // Without a read timeout a silently dead link (no RST) stays "connected" forever; pings keep a live one
        // reading well within it.
        connection.setSocketReadTimeout((int) Math.min(Integer.MAX_VALUE,
                settings.pingInterval().toMillis() * 2 + settings.actionTimeout().toMillis()));
        connection.addEventListener(event -> {
            if (event instanceof ConnectEvent) {
                // The library reconnected by itself after a drop; resync once it has logged in again.
                connections.incrementAndGet();
            } else if (event instanceof DisconnectEvent) {
                lost("the connection closed");
                // Here, on the reader thread, not behind the events queued for the event thread: a resync waiting
                // there for CoreShowChannels would otherwise hold every later event until its timeout.
                collecting.keySet().forEach(waiting -> waiting.completeExceptionally(
                        new AmiUnavailable("the AMI link dropped before the answer was complete")));
            }
            events.execute(() -> onEvent.accept(event));
        });
    }

    void start() {
        supervisor.scheduleWithFixedDelay(this::supervise, 0, 250, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether this node holds the link: with two nodes only the leading one does. Letting go logs off at once
     * (on the supervisor thread, never the caller's: Asterisk may be slow to answer) and no login is tried until
     * the link is held again; taking it logs in at the supervisor's next turn and resyncs as after any connection.
     */
    void hold(boolean hold) {
        held = hold;
        if (closed) {
            return;
        }
        supervisor.execute(hold ? this::supervise : this::letGo);
    }

    boolean held() {
        return held;
    }

    /**
     * Lets the link go as {@link #hold hold(false)}, then waits (at most {@code timeout}) until the logoff is done
     * and every event received until then has been handled: a node that stops handles what Asterisk told it while
     * its beans all still work, before the next leader logs in (answers, hang-ups handled later met a stopping
     * node's closed relay and database). Answers whether all was handled in time.
     */
    boolean letGoWhenStopping(Duration timeout) {
        hold(false);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!closed) {
                // The logoff was queued first: once this runs, no event can arrive any more.
                supervisor.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            events.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException
                | java.util.concurrent.RejectedExecutionException e) {
            log.warn("AMI events received before the link was let go were not all handled in time: {}",
                    e.getClass().getSimpleName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void letGo() {
        if (held) {
            return;
        }
        ManagerConnectionState state = connection.getState();
        if (state == ManagerConnectionState.CONNECTED || state == ManagerConnectionState.RECONNECTING) {
            try {
                connection.logoff();
            } catch (RuntimeException e) {
                log.debug("logoff when letting the AMI link go: {}", e.toString());
            }
            log.info("AMI link to {}:{} let go: this node no longer leads", settings.host(), settings.port());
        }
        status.markDown(java.time.Instant.now(), AsteriskStatus.HELD_ELSEWHERE);
    }

    /** The link's state for the administrator's status page. */
    AsteriskStatus status() {
        return status;
    }

    /** Runs {@code work} on the event thread after every (re)connection's {@code onConnected}. */
    void afterEveryConnection(Runnable work) {
        afterConnected.add(work);
    }

    boolean connected() {
        return connection.getState() == ManagerConnectionState.CONNECTED;
    }

    /** Sends an action from the action thread; fails when not connected or when Asterisk answers with an error. */
    CompletableFuture<ManagerResponse> send(ManagerAction action) {
        return CompletableFuture.supplyAsync(() -> {
            if (!connected()) {
                throw new AmiUnavailable("AMI is not connected");
            }
            try {
                ManagerResponse response = connection.sendAction(action, settings.actionTimeout().toMillis());
                if (response == null) {
                    throw new AmiUnavailable(action.getAction() + ": no response");
                }
                if (response instanceof ManagerError) {
                    throw new AmiRefused(action.getAction() + " refused: " + response.getMessage());
                }
                return response;
            } catch (java.io.IOException | org.asteriskjava.manager.TimeoutException e) {
                throw new AmiUnavailable(action.getAction() + " failed: " + e.getClass().getSimpleName());
            }
        }, actions);
    }

    /**
     * Sends an action whose outcome comes as events; the future completes when the last one arrives, and fails
     * when the link drops first. Asterisk-Java hands a dropped action's callback whatever events had come (none,
     * or half a list): taken for the whole answer, half a CoreShowChannels list would end the records of live
     * calls, so only an answer that ends with the action's own completion event counts.
     */
    CompletableFuture<ResponseEvents> sendCollecting(EventGeneratingAction action, long timeoutMillis) {
        CompletableFuture<ResponseEvents> result = new CompletableFuture<>();
        collecting.put(result, connections.get());
        result.whenComplete((events, failure) -> collecting.remove(result));
        actions.execute(() -> {
            try {
                if (!connected()) {
                    throw new AmiUnavailable("AMI is not connected");
                }
                connection.sendEventGeneratingAction(action, events -> {
                    if (events != null && events.getResponse() instanceof ManagerError error) {
                        result.completeExceptionally(new AmiRefused(action.getAction() + " refused: "
                                + error.getMessage()));
                    } else if (complete(action, events)) {
                        result.complete(events);
                    } else {
                        result.completeExceptionally(new AmiUnavailable(action.getAction()
                                + ": the AMI link dropped before the answer was complete"));
                    }
                });
            } catch (java.io.IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static boolean complete(EventGeneratingAction action, ResponseEvents events) {
        if (events == null || events.getResponse() == null) {
            return false;
        }
        Class<?> last = action.getActionCompleteEventClass();
        return last == null || events.getEvents().stream().anyMatch(last::isInstance);
    }

    /** Runs work on the event thread, after every event received so far. */
    void onEventThread(Runnable work) {
        events.execute(work);
    }

    private void supervise() {
        if (closed || !held) {
            return;
        }
        try {
            long now = System.nanoTime();
            ManagerConnectionState state = connection.getState();
            if (state != ManagerConnectionState.CONNECTED && status.up()) {
                lost("the connection is " + state.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (state == ManagerConnectionState.INITIAL || state == ManagerConnectionState.DISCONNECTED) {
                if (now - lastLoginAttempt >= settings.retryInterval().toNanos() || lastLoginAttempt == 0) {
                    lastLoginAttempt = now;
                    login();
                }
                return;
            }
            if (state != ManagerConnectionState.CONNECTED) {
                return; // the library is reconnecting by itself
            }
            long current = connections.get();
            if (current != synced) {
                synced = current;
                // An action registered just as its connection died may never be told: do not let it hold the
                // event thread (and this connection's resync behind it) until its timeout.
                collecting.forEach((waiting, sentOn) -> {
                    if (sentOn < current) {
                        waiting.completeExceptionally(new AmiUnavailable("sent on an AMI connection since lost"));
                    }
                });
                lastPing = now;
                up();
                events.execute(() -> {
                    onConnected.run();
                    afterConnected.forEach(AmiLink::runQuietly);
                });
            } else if (!status.up()) {
                // A loss reported late, for a connection since replaced: this one is up.
                up();
            } else if (now - lastPing >= settings.pingInterval().toNanos()) {
                lastPing = now;
                ping();
            }
        } catch (RuntimeException e) {
            log.warn("AMI supervision failed: {}", e.toString());
        }
    }

    private void login() {
        try {
            connection.login();
            pingsMissed = 0;
            connections.incrementAndGet();
        } catch (Exception e) {
            status.markDown(java.time.Instant.now(), "login to " + settings.host() + ":" + settings.port()
                    + " failed: " + e.getClass().getSimpleName());
            log.warn("AMI login to {}:{} failed: {}; retrying every {}", settings.host(), settings.port(),
                    e.getClass().getSimpleName(), settings.retryInterval());
        }
    }

    /**
     * The link is up: logged here, once per connection, whether it came from our login or from the library's
     * own reconnection (which logs nothing of its own).
     */
    private void up() {
        if (status.markUp(java.time.Instant.now())) {
            log.info("AMI connected to {}:{}{}", settings.host(), settings.port(), everConnected ? " again" : "");
            everConnected = true;
        }
    }

    /** The link went down; logged once per loss, from whichever thread notices first. */
    private void lost(String why) {
        if (!closed && held && status.markDown(java.time.Instant.now(), "AMI link to " + settings.host() + ":"
                + settings.port() + " lost: " + why)) {
            log.warn("AMI link to {}:{} lost: {}; reconnecting", settings.host(), settings.port(), why);
        }
    }

    private static void runQuietly(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("after the AMI connection: {}", e.toString());
        }
    }

    private void ping() {
        try {
            ManagerResponse pong = connection.sendAction(new PingAction(), settings.actionTimeout().toMillis());
            pingsMissed = pong instanceof ManagerError ? pingsMissed + 1 : 0;
        } catch (Exception e) {
            pingsMissed++;
        }
        if (pingsMissed >= settings.pingsMissed()) {
            // A link that stopped answering may never fail on its own (half-open TCP): close it and log in anew.
            lost("missed " + pingsMissed + " pings");
            pingsMissed = 0;
            try {
                connection.logoff();
            } catch (RuntimeException e) {
                log.debug("logoff of a dead AMI link: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        supervisor.shutdownNow();
        try {
            if (connection.getState() == ManagerConnectionState.CONNECTED) {
                connection.logoff();
            }
        } catch (RuntimeException e) {
            log.debug("AMI logoff on shutdown: {}", e.toString());
        }
        actions.shutdownNow();
        events.shutdown();
    }

    /** Asterisk answered the action with an error: it was not carried out. */
    static final class AmiRefused extends RuntimeException {

        AmiRefused(String message) {
            super(message);
        }
    }

    /** Asterisk could not be reached or did not answer: whether the action was carried out is unknown. */
    static final class AmiUnavailable extends RuntimeException {

        AmiUnavailable(String message) {
            super(message);
        }
    }
}
