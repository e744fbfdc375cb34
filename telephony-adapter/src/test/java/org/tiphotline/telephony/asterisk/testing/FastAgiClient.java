package org.tiphotline.telephony.asterisk.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Plays Asterisk's side of one FastAGI session against a FastAGI server, the way res_agi does it: the
 * {@code agi_*} environment block, then one reply per command line, {@code HANGUP} lines when the channel hangs
 * up, {@code 511} for commands that need a live channel once it is dead. Every read has a timeout.
 *
 * <p>A responder maps each command line to the text to write back. It may be several lines (joined with
 * {@code \n}); a line that is exactly {@link #HANGUP} is the unsolicited hangup notice, and once one has been
 * sent the client itself answers commands that need a live channel with {@link #DEAD_CHANNEL}, as Asterisk does,
 * without asking the responder. A reply made of HANGUP alone means "the caller hung up before this command": the
 * command is then answered as on a dead channel. Returning null drops the connection. {@link Script} is a
 * ready-made responder for IVR-style tests.
 */
public final class FastAgiClient implements AutoCloseable {

    /** The line Asterisk 1.6+ writes, unasked, when the channel hangs up during a FastAGI session. */
    public static final String HANGUP = "HANGUP";
    /** Asterisk's answer to a command that needs a live channel after the hangup. */
    public static final String DEAD_CHANNEL = "511 Command Not Permitted on a dead channel or intercept routine";
    /** Asterisk's answer to a command it does not know. */
    public static final String UNKNOWN_COMMAND = "510 Invalid or unknown command";

    /** Commands res_agi.c marks as allowed on a dead channel; everything else gets {@link #DEAD_CHANNEL}. */
    private static final List<String> DEAD_SAFE_PREFIXES = List.of(
            "ASYNCAGI BREAK", "DATABASE ", "EXEC ", "GET FULL VARIABLE ", "GET VARIABLE ", "NOOP", "SET VARIABLE ",
            "VERBOSE ");

    private static final int MAX_LINE_BYTES = 64 * 1024;

    /** One command and the exact text written back to it ({@code \n}-separated lines). */
    public record Exchange(String command, String reply) {
    }

    /** How the session ended. */
    public enum End {
        /** The FastAGI server closed the connection: the normal end, after its script returned. */
        SERVER_CLOSED,
        /** No command arrived within the read timeout. */
        READ_TIMEOUT,
        /** The responder returned null, or {@link #close()} was called. */
        CLIENT_CLOSED
    }

    /** Everything that happened on the wire. */
    public record Transcript(List<Exchange> exchanges, End end) {

        /** The command lines received, in order. */
        public List<String> commands() {
            return exchanges.stream().map(Exchange::command).toList();
        }
    }

    private final String host;
    private final int port;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private String script = "hotline";
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private volatile Socket socket;
    private volatile boolean closedByUs;

    /** A client for the FastAGI server at host:port. Nothing happens until {@link #run} or {@link #runAsync}. */
    public FastAgiClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** The path after {@code agi://host:port/}, query included, e.g. "hotline?lang=es". Default "hotline". */
    public FastAgiClient script(String networkScript) {
        this.script = networkScript;
        return this;
    }

    /** Sets an environment variable, with or without the {@code agi_} prefix, e.g. ("callerid", "+155501001234"). */
    public FastAgiClient env(String name, String value) {
        overrides.put(name.startsWith("agi_") ? name : "agi_" + name, value);
        return this;
    }

    /** The AGI() application arguments, sent as agi_arg_1..n. */
    public FastAgiClient args(String... args) {
        arguments.clear();
        arguments.addAll(List.of(args));
        return this;
    }

    /** How long to wait for each command line before giving up with {@link End#READ_TIMEOUT}. Default 5 s. */
    public FastAgiClient readTimeout(Duration timeout) {
        this.readTimeout = timeout;
        return this;
    }

    /** How long to keep retrying a refused connection, for servers that are still starting. Default 5 s. */
    public FastAgiClient connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /** The environment block as it will be sent, in Asterisk's order. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("agi_network", "yes");
        env.put("agi_network_script", script);
        env.put("agi_request", "agi://" + host + ":" + port + "/" + script);
        env.put("agi_channel", "PJSIP/trunk-00000001");
        env.put("agi_language", "en");
        env.put("agi_type", "PJSIP");
        env.put("agi_uniqueid", "1735689600.1");
        env.put("agi_version", "20.5.0");
        env.put("agi_callerid", "+155501000001");
        env.put("agi_calleridname", "unknown");
        env.put("agi_callingpres", "0");
        env.put("agi_callingani2", "0");
        env.put("agi_callington", "0");
        env.put("agi_callingtns", "0");
        env.put("agi_dnid", "+155501000000");
        env.put("agi_rdnis", "unknown");
        env.put("agi_context", "from-trunk");
        env.put("agi_extension", "+155501000000");
        env.put("agi_priority", "1");
        env.put("agi_enhanced", "0.0");
        env.put("agi_accountcode", "");
        env.put("agi_threadid", "140230000000001");
        for (int i = 0; i < arguments.size(); i++) {
            env.put("agi_arg_" + (i + 1), arguments.get(i));
        }
        env.putAll(overrides);
        return env;
    }

    /** The exchanges so far; safe to read while the session runs on another thread. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The command lines received so far. */
    public List<String> commands() {
        return exchanges().stream().map(Exchange::command).toList();
    }

    /** Runs the session on this thread until the server closes, a read times out, or the responder hangs up. */
    public Transcript run(Function<String, String> responder) throws IOException {
        exchanges.clear();
        closedByUs = false;
        try (Socket s = connect()) {
            socket = s;
            s.setSoTimeout(Math.toIntExact(Math.max(1, readTimeout.toMillis())));
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            StringBuilder env = new StringBuilder();
            environment().forEach((name, value) -> env.append(name).append(": ").append(value).append('\n'));
            write(out, env.append('\n').toString());
            return converse(in, out, responder);
        } finally {
            socket = null;
        }
    }

    /** Runs the session on a daemon thread; the future completes with the transcript or the I/O failure. */
    public CompletableFuture<Transcript> runAsync(Function<String, String> responder) {
        CompletableFuture<Transcript> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run(responder));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "fast-agi-client-" + port);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Drops the connection if a session is running; it then ends with {@link End#CLIENT_CLOSED}. */
    @Override
    public void close() {
        Socket s = socket;
        closedByUs = true;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing is best-effort; the session loop sees the closed socket either way.
            }
        }
    }

    private Transcript converse(InputStream in, OutputStream out, Function<String, String> responder)
            throws IOException {
        boolean dead = false;
        while (true) {
            String command;
            try {
                command = readLine(in);
            } catch (SocketTimeoutException e) {
                return new Transcript(exchanges(), End.READ_TIMEOUT);
            } catch (IOException e) {
                if (closedByUs) {
                    return new Transcript(exchanges(), End.CLIENT_CLOSED);
                }
                // A reset from the server is still the server ending the session.
                return new Transcript(exchanges(), End.SERVER_CLOSED);
            }
            if (command == null) {
                return new Transcript(exchanges(), closedByUs ? End.CLIENT_CLOSED : End.SERVER_CLOSED);
            }
            if (command.isEmpty()) {
                continue;
            }
            String reply;
            if (dead && !deadSafe(command)) {
                reply = DEAD_CHANNEL;
            } else {
                reply = responder.apply(command);
                if (reply == null) {
                    exchanges.add(new Exchange(command, null));
                    closedByUs = true;
                    return new Transcript(exchanges(), End.CLIENT_CLOSED);
                }
                if (reply.lines().anyMatch(HANGUP::equals)) {
                    dead = true;
                }
                if (reply.lines().allMatch(HANGUP::equals)) {
                    // The hangup came first; the command itself now meets a dead channel.
                    String afterwards = deadSafe(command) ? responder.apply(command) : DEAD_CHANNEL;
                    if (afterwards == null || afterwards.lines().allMatch(HANGUP::equals)) {
                        throw new IllegalStateException("No status line for '" + command + "' after the hangup");
                    }
                    reply = reply + "\n" + afterwards;
                }
            }
            exchanges.add(new Exchange(command, reply));
            try {
                write(out, reply.endsWith("\n") ? reply : reply + "\n");
            } catch (IOException e) {
                return new Transcript(exchanges(), closedByUs ? End.CLIENT_CLOSED : End.SERVER_CLOSED);
            }
        }
    }

    private Socket connect() throws IOException {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, port), Math.toIntExact(Math.max(1, connectTimeout.toMillis())));
                s.setTcpNoDelay(true);
                return s;
            } catch (ConnectException e) {
                s.close();
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while connecting", interrupted);
                }
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }
    }

    private static boolean deadSafe(String command) {
        String upper = command.toUpperCase(Locale.ROOT);
        for (String prefix : DEAD_SAFE_PREFIXES) {
            if (upper.startsWith(prefix) || upper.equals(prefix.strip())) {
                return true;
            }
        }
        return false;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        return Lines.read(in, MAX_LINE_BYTES);
    }

    /** Splits an AGI command line into words the way res_agi's parse_args does: quotes group, backslash escapes. */
    public static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean escaped = false;
        boolean inWord = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (escaped) {
                current.append(c);
                escaped = false;
                inWord = true;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inWord) {
                    words.add(current.toString());
                    current.setLength(0);
                    inWord = false;
                }
            } else {
                current.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(current.toString());
        }
        return words;
    }

    /**
     * A caller with a keypad and a channel full of variables. Each prompt (GET DATA, STREAM FILE or GET OPTION
     * with escape digits, WAIT FOR DIGIT, CONTROL STREAM FILE) takes the next queued input; with nothing queued
     * the prompt times out. Replies are Asterisk's: GET DATA answers the digits themselves ({@code 200 result=12},
     * {@code 200 result=1 (timeout)} when fewer than the maximum and no '#'); the single-key prompts answer the
     * key's ASCII code ({@code 200 result=50 endpos=...} for '2'). SET VARIABLE answers {@code 200 result=1} and
     * is remembered, so a later GET VARIABLE sees it.
     *
     * <p>{@link #hangupAt(int)} makes the caller hang up during the nth command (1-based, counting every
     * command): a prompt or EXEC then answers {@code 200 result=-1} followed by {@code HANGUP}; any other command
     * meets the hangup first ({@code HANGUP}, then the dead-channel answer).
     */
    public static final class Script implements Function<String, String> {

        private static final Set<String> INTERRUPTIBLE = Set.of("STREAM FILE", "CONTROL STREAM FILE", "GET DATA",
                "GET OPTION", "WAIT FOR DIGIT", "EXEC", "RECORD FILE", "SAY");

        private final Deque<String> inputs = new ArrayDeque<>();
        private final Map<String, String> variables = new ConcurrentHashMap<>();
        private final Map<String, Function<String, String>> overrides = new LinkedHashMap<>();
        private int hangupAt = -1;
        private int count;
        private boolean hungUp;

        /**
         * Queues what the caller does at successive prompts: "2" presses 2, "1234" enters 1234 at a GET DATA
         * ("1234#" with the terminator), "" lets the prompt time out.
         */
        public synchronized Script inputs(String... perPrompt) {
            inputs.addAll(List.of(perPrompt));
            return this;
        }

        /** A channel variable GET VARIABLE / GET FULL VARIABLE will find (name without ${}). */
        public Script variable(String name, String value) {
            variables.put(name, value);
            return this;
        }

        /** The caller hangs up during the nth command (1-based). */
        public synchronized Script hangupAt(int nthCommand) {
            this.hangupAt = nthCommand;
            return this;
        }

        /** Answers commands starting with {@code prefix} (case-insensitive) with {@code reply} instead. */
        public synchronized Script on(String prefix, Function<String, String> reply) {
            overrides.put(prefix.toUpperCase(Locale.ROOT), reply);
            return this;
        }

        /** Variables as they stand, including every SET VARIABLE the server made. */
        public Map<String, String> variables() {
            return Map.copyOf(variables);
        }

        @Override
        public synchronized String apply(String command) {
            count++;
            String upper = command.toUpperCase(Locale.ROOT);
            if (count == hangupAt) {
                hungUp = true;
                if (INTERRUPTIBLE.stream().anyMatch(upper::startsWith)) {
                    return (upper.startsWith("STREAM FILE") || upper.startsWith("GET OPTION")
                            ? "200 result=-1 endpos=4000" : "200 result=-1") + "\n" + HANGUP;
                }
                return HANGUP + "\n" + (deadSafe(command) ? answer(command) : DEAD_CHANNEL);
            }
            return answer(command);
        }

        private String answer(String command) {
            String upper = command.toUpperCase(Locale.ROOT);
            for (Map.Entry<String, Function<String, String>> override : overrides.entrySet()) {
                if (upper.startsWith(override.getKey())) {
                    return override.getValue().apply(command);
                }
            }
            List<String> words = words(command);
            if (upper.startsWith("GET DATA")) {
                return getData(words);
            }
            if (upper.startsWith("STREAM FILE") || upper.startsWith("GET OPTION")) {
                return singleKey(words.size() > 3 ? words.get(3) : "", true);
            }
            if (upper.startsWith("CONTROL STREAM FILE")) {
                return singleKey(words.size() > 4 ? words.get(4) : "", false);
            }
            if (upper.startsWith("WAIT FOR DIGIT")) {
                return singleKey("0123456789*#ABCD", false);
            }
            if (upper.startsWith("GET FULL VARIABLE")) {
                String expression = words.size() > 3 ? words.get(3) : "";
                String name = expression.startsWith("${") && expression.endsWith("}")
                        ? expression.substring(2, expression.length() - 1) : expression;
                return lookup(name);
            }
            if (upper.startsWith("GET VARIABLE")) {
                return lookup(words.size() > 2 ? words.get(2) : "");
            }
            if (upper.startsWith("SET VARIABLE")) {
                if (words.size() < 4) {
                    return "520-Invalid command syntax.  Proper usage follows:\n"
                            + "Usage: SET VARIABLE <variablename> <value>\n520 End of proper usage.";
                }
                variables.put(words.get(2), words.get(3));
                return "200 result=1";
            }
            if (upper.startsWith("HANGUP")) {
                // Hanging up its own channel makes Asterisk notice the hangup and say so, like a caller hangup.
                if (hungUp) {
                    return "200 result=1";
                }
                hungUp = true;
                return "200 result=1\n" + HANGUP;
            }
            if (upper.startsWith("CHANNEL STATUS")) {
                return "200 result=" + (hungUp ? "-1" : "6");
            }
            if (upper.startsWith("VERBOSE")) {
                return "200 result=1";
            }
            if (upper.startsWith("ANSWER") || upper.startsWith("NOOP") || upper.startsWith("EXEC")
                    || upper.startsWith("SAY ") || upper.startsWith("SET ") || upper.startsWith("DATABASE ")) {
                return "200 result=0";
            }
            return UNKNOWN_COMMAND;
        }

        private String getData(List<String> words) {
            int max = words.size() > 4 ? Integer.parseInt(words.get(4)) : 1024;
            String input = inputs.poll();
            if (input == null || input.isEmpty()) {
                return "200 result= (timeout)";
            }
            boolean terminated = input.endsWith("#");
            String digits = terminated ? input.substring(0, input.length() - 1) : input;
            if (digits.length() >= max) {
                return "200 result=" + digits.substring(0, max);
            }
            return terminated ? "200 result=" + digits : "200 result=" + digits + " (timeout)";
        }

        private String singleKey(String escapeDigits, boolean withEndpos) {
            String quiet = withEndpos ? "200 result=0 endpos=16000" : "200 result=0";
            if (escapeDigits.isEmpty()) {
                // No key can interrupt, so the caller's keypress (if any) is left for the next prompt.
                return quiet;
            }
            String input = inputs.poll();
            if (input == null || input.isEmpty() || escapeDigits.indexOf(input.charAt(0)) < 0) {
                return quiet;
            }
            return "200 result=" + (int) input.charAt(0) + (withEndpos ? " endpos=8000" : "");
        }

        private String lookup(String name) {
            String value = variables.get(name);
            return value == null ? "200 result=0" : "200 result=1 (" + value + ")";
        }
    }
}
