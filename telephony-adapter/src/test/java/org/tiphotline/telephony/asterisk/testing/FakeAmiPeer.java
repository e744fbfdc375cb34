package org.tiphotline.telephony.asterisk.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An Asterisk Manager Interface server on 127.0.0.1 that answers the way Asterisk does, byte for byte where
 * Asterisk-Java looks: banner, Challenge/Login (MD5 or plain), Ping, CoreSettings, "core show version",
 * CoreShowChannels, async Originate with its OriginateResponse event, Logoff. Everything else gets
 * {@code Response: Success} unless a test plugs in a {@link Responder}.
 *
 * <p>Tests drive failure modes from here rather than by mocking Asterisk-Java: {@link #dropConnections()} is a
 * network cut (RST, listener stays up, so the library's own reconnect loop is exercised),
 * {@link #stopListening()}/{@link #startListening()} is Asterisk down and back on the same port, and
 * {@link #unresponsive(boolean)} is a wedged Asterisk that keeps the socket open but says nothing.
 *
 * <p>Every wait is bounded; all threads are daemons; {@link #close()} releases the port.
 */
public final class FakeAmiPeer implements AutoCloseable {

    /** The banner Asterisk writes on accept; Asterisk-Java waits for it before it sends Challenge. */
    public static final String DEFAULT_BANNER = "Asterisk Call Manager/7.0.3";

    /** Reason code Asterisk puts in OriginateResponse when the far end answered. */
    public static final int REASON_ANSWERED = 4;
    /** Reason code Asterisk puts in OriginateResponse when the far end rang out. */
    public static final int REASON_NO_ANSWER = 3;
    /** Reason code Asterisk puts in OriginateResponse when the far end was busy. */
    public static final int REASON_BUSY = 5;

    private static final String CRLF = "\r\n";
    private static final int MAX_LINE_BYTES = 64 * 1024;
    private static final Duration THREAD_JOIN = Duration.ofSeconds(2);

    /** Real Asterisk's acknowledgement texts for the actions an adapter is likely to send. */
    private static final Map<String, String> DEFAULT_MESSAGES = Map.of(
            "redirect", "Redirect successful",
            "hangup", "Channel Hungup",
            "setvar", "Variable Set",
            "bridge", "Channels have been bridged",
            "atxfer", "Atxfer successfully queued",
            "events", "Events On");

    /** One action block as received. Header names compare case-insensitively, as Asterisk's do. */
    public record Action(int session, String name, Map<String, String> headers, List<Map.Entry<String, String>> lines) {

        /** The last value of {@code header}, or null. */
        public String get(String header) {
            return headers.get(header);
        }

        /** Every value of a header that may repeat (Originate's {@code Variable}, for one), in order. */
        public List<String> getAll(String header) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> line : lines) {
                if (line.getKey().equalsIgnoreCase(header)) {
                    values.add(line.getValue());
                }
            }
            return values;
        }

        /** The ActionID exactly as sent; Asterisk-Java prefixes its own id and a '#', so echo it verbatim. */
        public String actionId() {
            return headers.get("ActionID");
        }
    }

    /** Answers one action on the connection it came in on. Replace a built-in behaviour with {@link #respond}. */
    @FunctionalInterface
    public interface Responder {
        void respond(Action action, Session session) throws IOException;
    }

    private final Object actionsLock = new Object();
    private final List<Action> actions = new ArrayList<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<String, Responder> responders = new ConcurrentHashMap<>();
    private final List<Map<String, String>> channels = new CopyOnWriteArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger sessionIds = new AtomicInteger();
    private final AtomicLong channelSequence = new AtomicLong();
    private final int port;

    private volatile String banner = DEFAULT_BANNER;
    private volatile String asteriskVersion = "18.20.0";
    private volatile String username;
    private volatile String secret;
    private volatile boolean originateSucceeds = true;
    private volatile int originateReason = REASON_ANSWERED;
    private volatile boolean unresponsive;
    private volatile Function<Action, List<Map<String, String>>> beforeOriginateResponse = action -> List.of();

    private ServerSocket server;
    private Thread acceptThread;

    /** Starts listening at once on an ephemeral loopback port, accepting these manager credentials. */
    public FakeAmiPeer(String username, String secret) {
        this.username = username;
        this.secret = secret;
        try {
            this.port = bind(0);
        } catch (IOException e) {
            throw new IllegalStateException("Could not listen on loopback", e);
        }
    }

    /** The port Asterisk-Java should connect to; stays the same across {@link #stopListening()}. */
    public int port() {
        return port;
    }

    /** The banner line for connections accepted from now on, e.g. "Asterisk Call Manager/9.0.0" for Asterisk 20. */
    public FakeAmiPeer banner(String protocolIdentifier) {
        this.banner = protocolIdentifier;
        return this;
    }

    /** What CoreSettings and "core show version" report, e.g. "20.5.0"; Asterisk-Java derives getVersion() from it. */
    public FakeAmiPeer asteriskVersion(String version) {
        this.asteriskVersion = version;
        return this;
    }

    /** Changes the accepted credentials, e.g. to make the next reconnect's login fail. */
    public FakeAmiPeer credentials(String username, String secret) {
        this.username = username;
        this.secret = secret;
        return this;
    }

    /** Replaces the answer to {@code actionName} (case-insensitive), built-in ones included. */
    public FakeAmiPeer respond(String actionName, Responder responder) {
        responders.put(actionName.toLowerCase(Locale.ROOT), responder);
        return this;
    }

    /** The channels CoreShowChannels lists, one {@code Event: CoreShowChannel} each; see {@link #channel}. */
    public FakeAmiPeer coreShowChannels(List<Map<String, String>> rows) {
        channels.clear();
        for (Map<String, String> row : rows) {
            channels.add(Collections.unmodifiableMap(new LinkedHashMap<>(row)));
        }
        return this;
    }

    /** How the next async Originates end: Success with {@link #REASON_ANSWERED}, or Failure with the given reason. */
    public FakeAmiPeer originateResult(boolean success, int reason) {
        this.originateSucceeds = success;
        this.originateReason = reason;
        return this;
    }

    /**
     * Events to send after an async Originate is queued and before its OriginateResponse, e.g. the originated
     * channel already joining a conference: Asterisk does not promise which comes first.
     */
    public FakeAmiPeer beforeOriginateResponse(Function<Action, List<Map<String, String>>> events) {
        this.beforeOriginateResponse = events;
        return this;
    }

    /** While true, actions are recorded but nothing at all is written back: a hung Asterisk on a live socket. */
    public FakeAmiPeer unresponsive(boolean unresponsive) {
        this.unresponsive = unresponsive;
        return this;
    }

    /** Every action received so far, across connections, in arrival order. */
    public List<Action> actions() {
        synchronized (actionsLock) {
            return List.copyOf(actions);
        }
    }

    /** Forgets the recorded actions, so a later await only sees what comes after this point. */
    public void clearActions() {
        synchronized (actionsLock) {
            actions.clear();
        }
    }

    /** Headers of the first recorded action named {@code name}, waiting for it if need be. */
    public Map<String, String> awaitAction(String name, Duration timeout) {
        return awaitAction(name, headers -> true, timeout);
    }

    /** Headers of the first recorded action named {@code name} that {@code matching} accepts, waiting if need be. */
    public Map<String, String> awaitAction(String name, Predicate<Map<String, String>> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (actionsLock) {
            while (true) {
                for (Action action : actions) {
                    if (action.name().equalsIgnoreCase(name) && matching.test(action.headers())) {
                        return action.headers();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("No matching " + name + " action within " + timeout + "; received: "
                            + actions.stream().map(Action::name).toList());
                }
                waitOn(actionsLock, left);
            }
        }
    }

    /** Successful logins so far, across connections. */
    public int logins() {
        return logins.get();
    }

    /** Waits until at least {@code count} logins have succeeded, e.g. 2 for "reconnected after a drop". */
    public void awaitLogins(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (actionsLock) {
            while (logins.get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Expected " + count + " logins within " + timeout + " but saw "
                            + logins.get());
                }
                waitOn(actionsLock, left);
            }
        }
    }

    /** Connections currently open, logged in or not. */
    public int openConnections() {
        return sessions.size();
    }

    /**
     * Pushes an event block to every logged-in connection that did not log in with {@code Events: off}.
     * The map must contain "Event"; it goes first whatever the map's order.
     *
     * @return how many connections it was written to (0 means nobody was listening yet)
     */
    public int sendEvent(Map<String, String> event) {
        String name = event.get("Event");
        if (name == null) {
            throw new IllegalArgumentException("An event block needs an Event header: " + event);
        }
        Map<String, String> block = new LinkedHashMap<>();
        block.put("Event", name);
        block.putAll(event);
        int delivered = 0;
        for (Session session : sessions) {
            if (session.authenticated && session.events) {
                try {
                    session.send(block);
                    delivered++;
                } catch (IOException e) {
                    session.close();
                }
            }
        }
        return delivered;
    }

    /** Cuts every connection with a TCP reset, as a network failure would; keeps listening. */
    public int dropConnections() {
        int dropped = 0;
        for (Session session : sessions) {
            session.reset();
            dropped++;
        }
        return dropped;
    }

    /**
     * Writes the first half of an event block (cut inside a line, no terminating blank line) to every logged-in
     * connection, then cuts them all with a TCP reset: the link dies in the middle of a frame.
     *
     * @return how many connections got the half frame
     */
    public int dropMidEvent(Map<String, String> event) {
        Map<String, String> block = new LinkedHashMap<>();
        block.put("Event", event.get("Event"));
        block.putAll(event);
        StringBuilder text = new StringBuilder();
        block.forEach((k, v) -> text.append(k).append(": ").append(v == null ? "" : v).append(CRLF));
        String half = text.substring(0, Math.max(1, text.length() / 2));
        int written = 0;
        for (Session session : sessions) {
            if (session.authenticated && session.events) {
                try {
                    session.writeRaw(half);
                    written++;
                } catch (IOException e) {
                    // Already gone: the reset below is all that is left to do.
                }
            }
        }
        dropConnections();
        return written;
    }

    /** Asterisk goes down: the port refuses connections and every open connection is reset. */
    public void stopListening() {
        Thread accepting;
        synchronized (this) {
            closeQuietly(server);
            server = null;
            accepting = acceptThread;
            acceptThread = null;
        }
        join(accepting);
        dropConnections();
    }

    /** Asterisk comes back on the same port. */
    public void startListening() {
        try {
            bind(port);
        } catch (IOException e) {
            throw new IllegalStateException("Could not listen again on port " + port, e);
        }
    }

    @Override
    public void close() {
        stopListening();
    }

    /** An event block with {@code Event: name} first, then the given key/value pairs; mutable for further puts. */
    public static Map<String, String> event(String name, String... keyValues) {
        Map<String, String> block = new LinkedHashMap<>();
        block.put("Event", name);
        putPairs(block, keyValues);
        return block;
    }

    /** A response block answering {@code action}: Response, the echoed ActionID, then the given pairs. */
    public static Map<String, String> response(Action action, String response, String... keyValues) {
        Map<String, String> block = new LinkedHashMap<>();
        block.put("Response", response);
        if (action.actionId() != null) {
            block.put("ActionID", action.actionId());
        }
        putPairs(block, keyValues);
        return block;
    }

    /** A responder that acknowledges with {@code Response: Success} and this message. */
    public static Responder success(String message) {
        return (action, session) -> session.send(response(action, "Success", "Message", message));
    }

    /** A responder that refuses with {@code Response: Error} and this message, e.g. "No such channel". */
    public static Responder error(String message) {
        return (action, session) -> session.send(response(action, "Error", "Message", message));
    }

    /**
     * A CoreShowChannel row as Asterisk 18-22 writes it, for an answered inbound channel sitting in AGI. Mutable:
     * put over any field (Context, Exten, BridgeId, Application, Duration...) before handing it to
     * {@link #coreShowChannels}.
     */
    public static Map<String, String> channel(String channel, String uniqueid) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("Channel", channel);
        row.put("ChannelState", "6");
        row.put("ChannelStateDesc", "Up");
        row.put("CallerIDNum", "+155501000001");
        row.put("CallerIDName", "<unknown>");
        row.put("ConnectedLineNum", "<unknown>");
        row.put("ConnectedLineName", "<unknown>");
        row.put("Language", "en");
        row.put("AccountCode", "");
        row.put("Context", "from-trunk");
        row.put("Exten", "+155501000000");
        row.put("Priority", "1");
        row.put("Uniqueid", uniqueid);
        row.put("Linkedid", uniqueid);
        row.put("BridgeId", "");
        row.put("Application", "AGI");
        row.put("ApplicationData", "agi://127.0.0.1:4573/hotline");
        row.put("Duration", "00:00:05");
        return row;
    }

    /** One client connection. Responders write through it; writes are serialized so blocks never interleave. */
    public final class Session {
        private final int id;
        private final Socket socket;
        private final OutputStream out;
        private volatile boolean authenticated;
        private volatile boolean events = true;
        private volatile String challenge;

        private Session(int id, Socket socket) throws IOException {
            this.id = id;
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        /** Numbered from 1 in accept order, so tests can tell a reconnection from the first connection. */
        public int id() {
            return id;
        }

        public boolean authenticated() {
            return authenticated;
        }

        /** Writes one block ({@code Key: value} lines and the blank line). Silently nothing while unresponsive. */
        public void send(Map<String, String> block) throws IOException {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, String> line : block.entrySet()) {
                text.append(line.getKey()).append(": ").append(line.getValue() == null ? "" : line.getValue())
                        .append(CRLF);
            }
            writeRaw(text.append(CRLF).toString());
        }

        /** Closes after what was written has been sent (FIN), as Asterisk does after Logoff. */
        public void close() {
            sessions.remove(this);
            closeQuietly(socket);
        }

        private void reset() {
            sessions.remove(this);
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException e) {
                // Already closed: nothing left to reset.
            }
            closeQuietly(socket);
        }

        private void writeRaw(String text) throws IOException {
            if (unresponsive) {
                return;
            }
            synchronized (out) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }

        private void serve() {
            try {
                writeRaw(banner + CRLF);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                List<Map.Entry<String, String>> lines = new ArrayList<>();
                String line;
                while ((line = readLine(in)) != null) {
                    if (!line.isEmpty()) {
                        int colon = line.indexOf(':');
                        if (colon > 0) {
                            lines.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).strip()));
                        }
                    } else if (!lines.isEmpty()) {
                        handle(List.copyOf(lines));
                        lines.clear();
                    }
                }
            } catch (IOException e) {
                // The client went away or we cut it off; either way this connection is over.
            } finally {
                close();
            }
        }

        private void handle(List<Map.Entry<String, String>> lines) throws IOException {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Map.Entry<String, String> line : lines) {
                headers.put(line.getKey(), line.getValue());
            }
            String name = headers.getOrDefault("Action", "");
            Action action = new Action(id, name, Collections.unmodifiableMap(headers), lines);
            synchronized (actionsLock) {
                actions.add(action);
                actionsLock.notifyAll();
            }
            if (unresponsive) {
                return;
            }
            String key = name.toLowerCase(Locale.ROOT);
            if (key.isEmpty()) {
                send(response(action, "Error", "Message", "Missing action in request"));
                return;
            }
            boolean preLogin = key.equals("login") || key.equals("challenge") || key.equals("logoff");
            if (!authenticated && !preLogin) {
                send(response(action, "Error", "Message", "Permission denied"));
                return;
            }
            Responder custom = responders.get(key);
            if (custom != null) {
                custom.respond(action, this);
                return;
            }
            switch (key) {
                case "challenge" -> challenge(action);
                case "login" -> login(action);
                case "logoff" -> {
                    send(response(action, "Goodbye", "Message", "Thanks for all the fish."));
                    close();
                }
                case "ping" -> send(response(action, "Success", "Ping", "Pong", "Timestamp", timestamp()));
                case "coresettings" -> coreSettings(action);
                case "command" -> command(action);
                case "coreshowchannels" -> coreShowChannels(action);
                case "originate" -> originate(action);
                default -> send(response(action, "Success", "Message", DEFAULT_MESSAGES.getOrDefault(key, "Success")));
            }
        }

        private void challenge(Action action) throws IOException {
            if (!"md5".equalsIgnoreCase(action.get("AuthType"))) {
                send(response(action, "Error", "Message", "Must specify AuthType"));
                return;
            }
            challenge = Integer.toString(ThreadLocalRandom.current().nextInt(100_000_000, 1_000_000_000));
            send(response(action, "Success", "Challenge", challenge));
        }

        private void login(Action action) throws IOException {
            if (authenticated) {
                send(response(action, "Success", "Message", "Already authenticated"));
                return;
            }
            if (!credentialsMatch(action)) {
                // Asterisk answers, then ends the session; it also sleeps 1 s first, which tests can do without.
                send(response(action, "Error", "Message", "Authentication failed"));
                close();
                return;
            }
            authenticated = true;
            events = !"off".equalsIgnoreCase(action.get("Events"));
            send(response(action, "Success", "Message", "Authentication accepted"));
            if (events) {
                long uptime = 3600;
                send(event("FullyBooted", "Privilege", "system,all", "Uptime", Long.toString(uptime),
                        "LastReload", Long.toString(uptime), "Status", "Fully Booted"));
            }
            synchronized (actionsLock) {
                logins.incrementAndGet();
                actionsLock.notifyAll();
            }
        }

        private boolean credentialsMatch(Action action) {
            String expectedUser = username;
            String expectedSecret = secret;
            if (action.get("Username") == null || !action.get("Username").equalsIgnoreCase(expectedUser)) {
                return false;
            }
            if ("md5".equalsIgnoreCase(action.get("AuthType")) && action.get("Key") != null) {
                return challenge != null && md5Hex(challenge + expectedSecret).equalsIgnoreCase(action.get("Key"));
            }
            return expectedSecret.equals(action.get("Secret"));
        }

        private void coreSettings(Action action) throws IOException {
            String amiVersion = banner.substring(banner.lastIndexOf('/') + 1);
            send(response(action, "Success",
                    "AMIversion", amiVersion,
                    "AsteriskVersion", asteriskVersion,
                    "SystemName", "",
                    "CoreMaxCalls", "0",
                    "CoreMaxLoadAvg", "0.000000",
                    "CoreRunUser", "asterisk",
                    "CoreRunGroup", "asterisk",
                    "CoreMaxFilehandles", "0",
                    "CoreRealTimeEnabled", "No",
                    "CoreCDRenabled", "Yes",
                    "CoreHTTPenabled", "No",
                    "SoundsSearchCustomDir", "No"));
        }

        private void command(Action action) throws IOException {
            String command = action.get("Command") == null ? "" : action.get("Command").strip();
            if (command.equalsIgnoreCase("core show version")) {
                send(response(action, "Success", "Message", "Command output follows",
                        "Output", "Asterisk " + asteriskVersion + " built by fake @ localhost on a x86_64 running Linux"));
            } else {
                send(response(action, "Error", "Message", "Command output follows",
                        "Output", "No such command '" + command + "' (type 'core show help " + command
                                + "' for other possible commands)"));
            }
        }

        private void coreShowChannels(Action action) throws IOException {
            List<Map<String, String>> rows = List.copyOf(channels);
            send(response(action, "Success", "EventList", "start", "Message", "Channels will follow"));
            for (Map<String, String> row : rows) {
                Map<String, String> block = event("CoreShowChannel");
                if (action.actionId() != null) {
                    block.put("ActionID", action.actionId());
                }
                block.putAll(row);
                send(block);
            }
            Map<String, String> complete = event("CoreShowChannelsComplete");
            if (action.actionId() != null) {
                complete.put("ActionID", action.actionId());
            }
            complete.put("EventList", "Complete");
            complete.put("ListItems", Integer.toString(rows.size()));
            send(complete);
        }

        private void originate(Action action) throws IOException {
            String requested = action.get("Channel");
            if (requested == null || requested.isBlank()) {
                send(response(action, "Error", "Message", "Channel not specified"));
                return;
            }
            boolean succeeds = originateSucceeds;
            boolean async = isTrue(action.get("Async"));
            if (!async) {
                // A synchronous Originate only answers once the call has been answered or has failed.
                send(succeeds ? response(action, "Success", "Message", "Originate successfully queued")
                        : response(action, "Error", "Message", "Originate failed"));
                return;
            }
            send(response(action, "Success", "Message", "Originate successfully queued"));
            long sequence = channelSequence.incrementAndGet();
            String uniqueid = action.get("ChannelId") != null ? action.get("ChannelId")
                    : "1735689600." + (1000 + sequence);
            Map<String, String> outcome = event("OriginateResponse", "Privilege", "call,all");
            if (action.actionId() != null) {
                outcome.put("ActionID", action.actionId());
            }
            outcome.put("Response", succeeds ? "Success" : "Failure");
            outcome.put("Channel", succeeds ? channelName(requested, sequence) : requested);
            outcome.put("Context", orEmpty(action.get("Context")));
            outcome.put("Exten", orEmpty(action.get("Exten")));
            outcome.put("Application", orEmpty(action.get("Application")));
            outcome.put("Data", orEmpty(action.get("Data")));
            outcome.put("Reason", Integer.toString(succeeds ? REASON_ANSWERED : originateReason));
            outcome.put("Uniqueid", succeeds || action.get("ChannelId") != null ? uniqueid : "<null>");
            outcome.put("CallerIDNum", "<unknown>");
            outcome.put("CallerIDName", "<unknown>");
            beforeOriginateResponse.apply(action).forEach(FakeAmiPeer.this::sendEvent);
            sendEvent(outcome);
        }
    }

    private synchronized int bind(int wanted) throws IOException {
        if (server != null) {
            return server.getLocalPort();
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 50);
        server = socket;
        Thread thread = new Thread(() -> accept(socket), "fake-ami-accept-" + socket.getLocalPort());
        thread.setDaemon(true);
        acceptThread = thread;
        thread.start();
        return socket.getLocalPort();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket socket;
            try {
                socket = listening.accept();
            } catch (IOException e) {
                return;
            }
            try {
                socket.setTcpNoDelay(true);
                Session session = new Session(sessionIds.incrementAndGet(), socket);
                sessions.add(session);
                Thread thread = new Thread(session::serve, "fake-ami-session-" + session.id());
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                closeQuietly(socket);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        return Lines.read(in, MAX_LINE_BYTES);
    }

    private static String channelName(String requested, long sequence) {
        int slash = requested.indexOf('/');
        String tech = slash > 0 ? requested.substring(0, slash) : "Local";
        String rest = slash > 0 ? requested.substring(slash + 1) : requested;
        int at = rest.indexOf('@');
        String endpoint = at >= 0 ? rest.substring(at + 1) : rest;
        return String.format(Locale.ROOT, "%s/%s-%08x", tech, endpoint, sequence);
    }

    private static String timestamp() {
        Instant now = Instant.now();
        return String.format(Locale.ROOT, "%d.%06d", now.getEpochSecond(), now.getNano() / 1000);
    }

    private static boolean isTrue(String value) {
        return value != null && Set.of("true", "yes", "1", "on", "y", "t").contains(value.toLowerCase(Locale.ROOT));
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putPairs(Map<String, String> block, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("Key/value pairs expected, got an odd count: " + keyValues.length);
        }
        for (int i = 0; i < keyValues.length; i += 2) {
            block.put(keyValues[i], keyValues[i + 1]);
        }
    }

    private static void waitOn(Object monitor, long nanos) {
        try {
            long millis = Math.max(1, nanos / 1_000_000);
            monitor.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting", e);
        }
    }

    private static void join(Thread thread) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(THREAD_JOIN.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing is best-effort teardown; the socket is unusable either way.
        }
    }
}
