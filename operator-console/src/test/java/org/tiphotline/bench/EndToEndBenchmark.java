package org.tiphotline.bench;

import static org.tiphotline.bench.ScreenPopBenchmark.Settings.integer;
import static org.tiphotline.bench.ScreenPopBenchmark.Settings.text;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/**
 * End to end on loopback with the real protocols: {@code calls} calls in progress at all times, part through the
 * Twilio webhooks (signed, as Twilio sends them; WireMock as Twilio's REST API, through which the adapter moves a
 * caller to an operator) and the rest through FastAGI (Asterisk's side of the IVR, {@code FakeAmiPeer} as its
 * manager interface, whose Redirect of the caller is answered with the DialBegin, DialEnd, BridgeLeave and Hangup
 * events a real Asterisk sends), against one server with both adapters on; {@code operators} operators as STOMP
 * clients who take each pop, open the report, answer, save a few fields as drafts, hang up (through the call's own
 * protocol), wait for the console to show the call ended and submit. The calls arrive in a closed loop: each
 * caller slot places its next call as soon as its last one is over. A benchmark, not a test: run it with the
 * {@code bench-e2e} Maven profile (see {@code docs/benchmarks.md}).
 *
 * <p>Figures per run and medians over the runs: screen pop (RINGING stored to the operator's STOMP client, per
 * path and overall), every Twilio webhook's latency (send to whole reply), the AGI round trips (as
 * {@link AgiBenchmark} measures them), reports submitted per second, the server's heap (in use after GC at the end
 * of the run, and the most in use and committed during it), errors, and the CPU split with the disturbed flag.
 *
 * <p>Settings are system properties (defaults in brackets): {@code bench.calls} in progress [200],
 * {@code bench.twilioPercent} of them through Twilio [50], {@code bench.operators} [100], {@code bench.seconds}
 * measured per run [40], {@code bench.runs} [3], {@code bench.warmupSeconds} [30], {@code bench.rampMs} [2000; the
 * caller slots start spread over this], {@code bench.callTimeoutSeconds} [60], {@code bench.fork} [true],
 * {@code bench.serverJvmArgs} [{@code -XX:+UseZGC -Xmx512m}], {@code bench.serverProperties} [none],
 * {@code bench.stages} [false], {@code bench.tick} [500ms], {@code bench.maxMinutes} [15],
 * {@code bench.targetPopP99Ms} [50], {@code bench.targetWebhookP99Ms} [20], {@code bench.targetHeapMb} [512],
 * {@code bench.talkMs} [0: operators hang up as soon as the fields are saved; otherwise each call is talked
 * through for 0.5–1.5 times this, so the 200 calls in progress run at a rate the operators can take].
 */
public final class EndToEndBenchmark {

    /** The fields each operator saves as drafts while talking, one request each, as the console does. */
    private static final Map<String, Object> FIELDS = fields();

    record Settings(int calls, int twilioPercent, int operators, int seconds, int runs, int warmupSeconds, int rampMs,
            int callTimeoutSeconds, boolean fork, String serverJvmArgs, String serverProperties, boolean stages,
            String tick, int maxMinutes, double targetPopP99Ms, double targetWebhookP99Ms, int targetHeapMb,
            int talkMs) {

        static Settings fromSystemProperties() {
            return new Settings(
                    integer("bench.calls", 200, 2, 2_000),
                    integer("bench.twilioPercent", 50, 0, 100),
                    integer("bench.operators", 100, 1, 500),
                    integer("bench.seconds", 40, 5, 3_600),
                    integer("bench.runs", 3, 1, 20),
                    integer("bench.warmupSeconds", 30, 0, 3_600),
                    integer("bench.rampMs", 2000, 0, 60_000),
                    integer("bench.callTimeoutSeconds", 60, 5, 600),
                    Boolean.parseBoolean(text("bench.fork", "true")),
                    text("bench.serverJvmArgs", "-XX:+UseZGC -Xmx512m"),
                    text("bench.serverProperties", ""),
                    Boolean.parseBoolean(text("bench.stages", "false")),
                    text("bench.tick", "500ms"),
                    integer("bench.maxMinutes", 15, 1, 240),
                    Double.parseDouble(text("bench.targetPopP99Ms", "50")),
                    Double.parseDouble(text("bench.targetWebhookP99Ms", "20")),
                    integer("bench.targetHeapMb", 512, 1, 65_536),
                    integer("bench.talkMs", 0, 0, 600_000));
        }

        int twilioCalls() {
            return calls * twilioPercent / 100;
        }
    }

    /** One batch of calls; samples count only while its window is open (the drain after it is not measured). */
    static final class Phase {
        final Latencies pop = new Latencies(8192);
        final Latencies popTwilio = new Latencies(4096);
        final Latencies popAsterisk = new Latencies(4096);
        final Latencies webhook = new Latencies(32768);
        final Map<String, Latencies> byHook = new ConcurrentHashMap<>();
        final Latencies agi = new Latencies(32768);
        final Latencies agiStart = new Latencies(4096);
        final AtomicInteger twilioDone = new AtomicInteger();
        final AtomicInteger asteriskDone = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final AtomicLong maxUsed = new AtomicLong();
        final AtomicLong maxCommitted = new AtomicLong();
        final long startNanos = System.nanoTime();
        final long startMillis = System.currentTimeMillis();
        final long deadline;

        Phase(int seconds) {
            deadline = startNanos + TimeUnit.SECONDS.toNanos(seconds);
        }

        boolean inWindow() {
            return System.nanoTime() < deadline;
        }

        void error(String what) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, what);
        }

        void pop(boolean twilio, long micros) {
            if (inWindow()) {
                pop.add(micros);
                (twilio ? popTwilio : popAsterisk).add(micros);
            }
        }

        void webhook(String path, long micros) {
            if (inWindow()) {
                webhook.add(micros);
                int query = path.indexOf('?');
                byHook.computeIfAbsent(query < 0 ? path : path.substring(0, query), p -> new Latencies(4096))
                        .add(micros);
            }
        }

        void done(boolean twilio) {
            if (inWindow()) {
                (twilio ? twilioDone : asteriskDone).incrementAndGet();
            }
        }

        double seconds() {
            return (deadline - startNanos) / 1e9;
        }
    }

    /** What the protocol does when the operator answers or hangs up. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** A call ringing at an operator: how to answer and end it on its own protocol, and when it is over. */
    record LiveCall(boolean twilio, Step answer, Step hangUp, CompletableFuture<Void> finished,
            java.util.concurrent.atomic.AtomicBoolean popped) {

        LiveCall(boolean twilio, Step answer, Step hangUp) {
            this(twilio, answer, hangUp, new CompletableFuture<>(), new java.util.concurrent.atomic.AtomicBoolean());
        }

        /** Waits until the operator is done with the call; says what was missing if that takes too long. */
        void await(int seconds) throws Exception {
            try {
                finished.get(seconds, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(popped.get() ? "the operator did not finish within " + seconds + " s"
                        : "no operator got the pop within " + seconds + " s of the ringing");
            }
        }
    }

    record RunResult(Latencies.Summary pop, Latencies.Summary popTwilio, Latencies.Summary popAsterisk,
            Latencies.Summary webhook, Latencies.Summary voice, Map<String, Latencies.Summary> byHook,
            Latencies.Summary agi, Latencies.Summary agiStart, double callsPerSecond, double twilioPerSecond,
            double asteriskPerSecond, int errors, long heapAfterGc, long maxUsed, long maxCommitted, long gcPauses,
            long gcMillis, ScreenPopBenchmark.Cpu cpu, Latencies.Summary[] stages) {}

    private final Settings settings;
    private final String authToken = TwilioWebhookBenchmark.randomSecret();
    private final String sidPrefix;
    private final AtomicLong callNumber = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final TwilioMoves moves = new TwilioMoves();
    /** Asterisk callers' Redirects and the operator endpoint set before each, by caller channel. */
    private final Map<String, BlockingQueue<Map<String, String>>> redirects = new ConcurrentHashMap<>();
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();
    /** Calls ringing or talking at an operator, by provider call id (what the pop carries). */
    private final Map<String, LiveCall> live = new ConcurrentHashMap<>();
    private final AtomicInteger strayPops = new AtomicInteger();
    private volatile boolean running = true;
    /** Where {@link WebhookStages} writes, with {@code bench.stages}; see {@link #printWebhookStages}. */
    private Path webhookStages;
    /** Where the server's access log goes; see {@link #serverSide}. */
    private Path accessLogs;
    /** Each measured window, in wall-clock milliseconds: start, end. */
    private final List<long[]> windows = new ArrayList<>();
    /** Whether caller slots place new calls; see {@link #startLoad}. */
    private volatile boolean loadOn = true;
    /** The window being measured; before the first one, a window of no time that records nothing. */
    private volatile Phase current = new Phase(0);
    private String base;
    private FakeAmiPeer ami;
    private int agiPort;
    private int allErrors;

    private EndToEndBenchmark(Settings settings) {
        this.settings = settings;
        byte[] random = new byte[4];
        new java.security.SecureRandom().nextBytes(random);
        this.sidPrefix = "CA" + HexFormat.of().formatHex(random);
    }

    public static void main(String[] args) throws Exception {
        ScreenPopBenchmark.quietLogging();
        Settings settings = Settings.fromSystemProperties();
        ScreenPopBenchmark.exitWithin(settings.maxMinutes(), () -> new EndToEndBenchmark(settings).run());
    }

    private int run() throws Exception {
        String password = TwilioWebhookBenchmark.randomSecret();
        Path data = Files.createTempDirectory("e2e-bench-");
        ScreenPopBenchmark.printMachine();
        long started = System.nanoTime();
        WireMockServer twilioApi = TwilioWebhookBenchmark.twilioApiStub(moves);
        ami = AgiBenchmark.fakeAmi(password);
        ami.respond("Setvar", (action, session) -> {
            session.send(FakeAmiPeer.response(action, "Success", "Message", "Variable Set"));
            if ("HOTLINE_OPERATOR_ENDPOINT".equals(action.get("Variable"))) {
                endpoints.put(action.get("Channel"), action.get("Value"));
            }
        });
        ami.respond("Redirect", (action, session) -> {
            session.send(FakeAmiPeer.response(action, "Success", "Message", "Redirect successful"));
            redirects.computeIfAbsent(action.get("Channel"), c -> new LinkedBlockingQueue<>()).add(action.headers());
        });
        agiPort = AgiPort.free();
        StringBuilder properties = new StringBuilder(AgiBenchmark.serverProperties(agiPort, ami, password))
                .append(';').append(TwilioWebhookBenchmark.serverProperties(authToken, twilioApi));
        for (int i = 1; i <= settings.operators(); i++) {
            String name = BenchServer.operatorName(i);
            properties.append(";hotline.telephony.asterisk.endpoints[").append(name).append("]=PJSIP/").append(name);
        }
        // Tomcat's own time for each request (from reading it to the response written), to set next to the
        // client's: what the server spends, without the benchmark's own queueing on the shared cores.
        accessLogs = data.resolve("access").toAbsolutePath();
        properties.append(";server.tomcat.accesslog.enabled=true;server.tomcat.accesslog.directory=")
                .append(accessLogs).append(";server.tomcat.accesslog.rotate=false;server.tomcat.accesslog.buffered=false")
                .append(";server.tomcat.accesslog.pattern=%{begin:msec}t %U %D");
        if (settings.stages()) {
            webhookStages = data.resolve("webhook-stages.log").toAbsolutePath();
            properties.append(";spring.main.sources=").append(WebhookStages.class.getName())
                    .append(";bench.webhook-stages=").append(webhookStages);
        }
        properties.append(';').append(settings.serverProperties());
        try (ScreenPopBenchmark.Target target = settings.fork()
                ? ScreenPopBenchmark.Forked.start(data, settings.serverJvmArgs(), settings.operators(),
                        settings.tick(), properties.toString(), settings.stages(), password)
                : ScreenPopBenchmark.inProcess(BenchServer.start(data, settings.operators(), password,
                        settings.tick(), properties.toString(), settings.stages()), settings.stages())) {
            ami.awaitAction("CoreShowChannels", Duration.ofSeconds(60));
            base = "http://127.0.0.1:" + target.port();
            System.out.printf(Locale.ROOT, "server: %s, GC %s, routing tick %s; Twilio REST stub on :%d, FastAGI on "
                    + ":%d, AMI peer on :%d%s%n", settings.fork() ? "own JVM (" + settings.serverJvmArgs() + ")"
                    : "in the benchmark's JVM", target.gcName(), settings.tick(), twilioApi.port(), agiPort,
                    ami.port(), settings.serverProperties().isBlank() ? ""
                            : ", extra properties " + settings.serverProperties());
            List<RunResult> results = measure(target, password, data);
            report(results);
            System.out.printf(Locale.ROOT, "errors in all: %d; total time %.0f s%n", allErrors,
                    (System.nanoTime() - started) / 1e9);
            return allErrors == 0 ? 0 : 1;
        } finally {
            running = false;
            ami.close();
            twilioApi.stop();
            ScreenPopBenchmark.deleteQuietly(data);
        }
    }

    private List<RunResult> measure(ScreenPopBenchmark.Target target, String password, Path data)
            throws Exception {
        ThreadPoolTaskScheduler heartbeats = ScreenPopBenchmark.heartbeats();
        WebSocketStompClient stomp = ScreenPopBenchmark.stompClient(heartbeats);
        List<BenchConsole> operators = new ArrayList<>();
        ExecutorService callers = null;
        try {
            for (int i = 1; i <= settings.operators(); i++) {
                BenchConsole op = BenchConsole.open(stomp, base, BenchServer.operatorName(i), password, true, false);
                op.keepCallUpdates();
                operators.add(op);
            }
            for (BenchConsole op : operators) {
                op.presence("AVAILABLE");
                op.awaitPresence("AVAILABLE", 10);
            }
            for (BenchConsole op : operators) {
                Thread.ofVirtual().name("bench-" + op.username).start(() -> work(op));
            }
            System.out.printf(Locale.ROOT, "%d operators connected and available; %d calls in progress: %d through "
                    + "Twilio, %d through FastAGI%n", operators.size(), settings.calls(), settings.twilioCalls(),
                    settings.calls() - settings.twilioCalls());
            callers = startLoad();
            if (settings.warmupSeconds() > 0) {
                Phase warm = window(settings.warmupSeconds(), new AtomicReference<>(), null, null);
                allErrors += warm.errors.get();
                System.out.printf(Locale.ROOT, "warm-up: %d s, %d calls, %d errors%s, with the start's flash crowd "
                        + "(%d calls placed within %d ms): screen pop %s; Twilio webhooks %s%n",
                        settings.warmupSeconds(), warm.twilioDone.get() + warm.asteriskDone.get(),
                        warm.errors.get(), warm.firstError.get() == null ? "" : " (first: " + warm.firstError.get()
                                + ")", settings.calls(), settings.rampMs(), warm.pop.summary().format(),
                        warm.webhook.summary().format());
            }
            List<RunResult> results = new ArrayList<>();
            for (int run = 1; run <= settings.runs(); run++) {
                target.stages();
                long[] before = target.stats();
                AtomicReference<Snapshot[]> window = new AtomicReference<>();
                Phase load = window(settings.seconds(), window, target, data);
                windows.add(new long[] {load.startMillis, load.startMillis + settings.seconds() * 1000L});
                long[] after = target.stats();
                Latencies.Summary[] stages = target.stages();
                long heap = target.heapAfterGc();
                allErrors += load.errors.get();
                Map<String, Latencies.Summary> byHook = new TreeMap<>();
                load.byHook.forEach((hook, l) -> byHook.put(hook, l.summary()));
                Latencies voice = load.byHook.get("/twilio/voice");
                RunResult r = new RunResult(load.pop.summary(), load.popTwilio.summary(), load.popAsterisk.summary(),
                        load.webhook.summary(), voice == null ? Latencies.Summary.EMPTY : voice.summary(), byHook,
                        load.agi.summary(), load.agiStart.summary(),
                        (load.twilioDone.get() + load.asteriskDone.get()) / load.seconds(),
                        load.twilioDone.get() / load.seconds(), load.asteriskDone.get() / load.seconds(),
                        load.errors.get(), heap, load.maxUsed.get(), load.maxCommitted.get(), after[0] - before[0],
                        after[1] - before[1], cpu(window.get()), stages);
                results.add(r);
                printRun(run, load, r);
            }
            if (strayPops.get() > 0) {
                System.out.println("note: " + strayPops.get() + " pops for calls the benchmark was not ringing");
            }
            stopLoad(callers);
            return results;
        } finally {
            running = false;
            if (callers != null) {
                callers.shutdownNow();
            }
            ScreenPopBenchmark.closeAll(operators, stomp, heartbeats);
        }
    }

    /**
     * Starts the caller slots, spread over {@code rampMs}; each places a call as soon as its last one is over, until
     * {@link #stopLoad}. The load runs on across the warm-up and every measured window: a window is a slice of
     * time of one continuous load, so only the warm-up holds the start's flash crowd of new calls.
     */
    private ExecutorService startLoad() {
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        int twilioSlots = settings.twilioCalls();
        for (int slot = 0; slot < settings.calls(); slot++) {
            boolean twilio = slot < twilioSlots;
            // Interleaved start times, so neither path starts all its calls first.
            int order = twilio ? 2 * slot : 2 * (slot - twilioSlots) + 1;
            long delay = TimeUnit.MILLISECONDS.toNanos(settings.rampMs()) * order / settings.calls();
            callers.execute(() -> slot(twilio, delay));
        }
        return callers;
    }

    /** Lets the calls in progress finish (not measured) and the slots stop. */
    private void stopLoad(ExecutorService callers) {
        loadOn = false;
        callers.close();
    }

    /** Measures the next {@code seconds} of the load; with a target, also its memory and CPU. */
    private Phase window(int seconds, AtomicReference<Snapshot[]> window, ScreenPopBenchmark.Target target,
            Path data) {
        Phase phase = new Phase(seconds);
        current = phase;
        Snapshot first = target == null ? null : snapshot(target, data);
        while (phase.inWindow()) {
            if (target != null) {
                long[] stats = target.stats();
                phase.maxUsed.accumulateAndGet(stats[3], Math::max);
                phase.maxCommitted.accumulateAndGet(stats[4], Math::max);
            }
            LockSupport.parkNanos(Math.min(TimeUnit.SECONDS.toNanos(1), phase.deadline - System.nanoTime()));
        }
        if (target != null) {
            window.set(new Snapshot[] {first, snapshot(target, data)});
        }
        return phase;
    }

    private void slot(boolean twilio, long delayNanos) {
        LockSupport.parkNanos(delayNanos);
        while (running && loadOn) {
            try {
                if (twilio) {
                    twilioCall();
                } else {
                    asteriskCall();
                }
            } catch (Exception e) {
                current.error((twilio ? "twilio: " : "asterisk: ") + (e.getMessage() == null ? e.toString()
                        : e.getMessage()));
            }
        }
    }

    // ---- Twilio: the caller's webhooks, in the order Twilio sends them ----

    private void twilioCall() throws Exception {
        long n = callNumber.incrementAndGet();
        String sid = sidPrefix + String.format(Locale.ROOT, "%024x", n);
        Map<String, String> call = TwilioWebhookBenchmark.callForm(sid, n, "ringing");
        Map<String, String> inProgress = with(call, "CallStatus", "in-progress");
        BlockingQueue<String> moved = moves.of(sid);
        try {
            webhook("/twilio/voice", call, "<Gather");
            // English, not in immediate danger, the person affected.
            webhook("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(inProgress, "Digits", "1"), "<Gather");
            webhook("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(inProgress, "Digits", "2"),
                    "<Gather");
            webhook("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en", with(inProgress, "Digits", "1"),
                    "/twilio/queued?lang=en");
            webhook("/twilio/queued?lang=en", inProgress, "<Response");
            String connect;
            while (true) {
                String url = moved.poll(settings.callTimeoutSeconds(), TimeUnit.SECONDS);
                if (url == null) {
                    throw new IllegalStateException("call never moved to an operator");
                }
                connect = url.startsWith(TwilioWebhookBenchmark.PUBLIC_BASE)
                        ? url.substring(TwilioWebhookBenchmark.PUBLIC_BASE.length()) : url;
                if (connect.startsWith("/twilio/connect")) {
                    break;
                }
                // Withdrawn back to the hold loop: Twilio fetches it, then waits for the next move.
                webhook(connect, inProgress, "<Response");
            }
            String operator = connect.substring(connect.indexOf("operator=") + "operator=".length());
            webhook(connect, inProgress, "<Dial");
            String leg = sidPrefix + String.format(Locale.ROOT, "%024x", callNumber.incrementAndGet());
            Map<String, String> legForm = TwilioWebhookBenchmark.callForm(leg, n, "ringing");
            legForm.put("ParentCallSid", sid);
            legForm.put("Direction", "outbound-dial");
            String status = "/twilio/operator-status?operator=" + operator;
            LiveCall call1 = new LiveCall(true,
                    () -> webhook(status, with(legForm, "CallStatus", "in-progress"), "<Response"),
                    () -> {
                        // The operator hangs up: Twilio asks the Dial's action, then reports the call completed.
                        webhook("/twilio/dial-done?operator=" + operator, with(with(inProgress,
                                "DialCallStatus", "completed"), "DialCallSid", leg), "<Hangup");
                        webhook("/twilio/status", with(call, "CallStatus", "completed"), "<Response");
                    });
            live.put(sid, call1);
            webhook(status, legForm, "<Response");
            call1.await(settings.callTimeoutSeconds());
        } finally {
            moves.forget(sid);
            live.remove(sid);
        }
    }

    /** Sends one signed webhook, records its latency (send to whole reply) and checks the reply. */
    private void webhook(String path, Map<String, String> form, String expected)
            throws IOException, InterruptedException {
        var request = TwilioWebhookBenchmark.signed(base, authToken, path, form);
        long sent = System.nanoTime();
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        long micros = (System.nanoTime() - sent) / 1000;
        if (reply.statusCode() != 200 || !reply.body().contains(expected)) {
            // The status and the start of the body only: TwiML never carries the caller's number.
            String body = reply.body();
            throw new IllegalStateException(path.replaceFirst("\\?.*", "") + " answered " + reply.statusCode() + ": "
                    + body.substring(0, Math.min(120, body.length())).replaceAll("\\s+", " "));
        }
        current.webhook(path, micros);
    }

    static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(form);
        copy.put(name, value);
        return copy;
    }

    // ---- Asterisk: the IVR over FastAGI, then AMI events for the operator's phone ----

    private void asteriskCall() throws Exception {
        long n = callNumber.incrementAndGet();
        String uniqueId = "1762000000." + n;
        String channel = String.format(Locale.ROOT, "PJSIP/e2e-trunk-%08x", n);
        BlockingQueue<Map<String, String>> moved = redirects.computeIfAbsent(channel,
                c -> new LinkedBlockingQueue<>());
        try {
            AgiBenchmark.Timed timed = new AgiBenchmark.Timed(new FastAgiClient.Script().inputs("1", "", "2", "1", "1"), 0);
            String wrong = AgiBenchmark.ivr(AgiBenchmark.agiClient(agiPort, uniqueId, channel, (int) n), timed,
                    uniqueId);
            if (wrong != null) {
                throw new IllegalStateException(wrong);
            }
            Phase phase = current;
            if (phase.inWindow()) {
                phase.agiStart.add(timed.first);
                timed.reported.forEach(phase.agi::add);
                timed.plain.forEach(phase.agi::add);
            }
            while (true) {
                Map<String, String> redirect = moved.poll(settings.callTimeoutSeconds(), TimeUnit.SECONDS);
                if (redirect == null) {
                    throw new IllegalStateException("caller never redirected to an operator");
                }
                if ("hotline-connect".equals(redirect.get("Context"))) {
                    break;
                }
            }
            String endpoint = endpoints.remove(channel);
            if (endpoint == null) {
                throw new IllegalStateException("redirected without an operator endpoint");
            }
            String operatorId = "1763000000." + n;
            String operatorChannel = String.format(Locale.ROOT, "%s-%08x", endpoint, n);
            LiveCall call = new LiveCall(false,
                    () -> ami.sendEvent(dial("DialEnd", channel, uniqueId, operatorChannel, operatorId, "ANSWER")),
                    () -> {
                        // The operator hangs up: they leave the bridge first, then both channels hang up.
                        ami.sendEvent(FakeAmiPeer.event("BridgeLeave", "Channel", operatorChannel, "Uniqueid",
                                operatorId, "Linkedid", uniqueId, "BridgeUniqueid", "b-" + n));
                        ami.sendEvent(AgiBenchmark.hangup(operatorChannel, operatorId));
                        ami.sendEvent(AgiBenchmark.hangup(channel, uniqueId));
                    });
            live.put(uniqueId, call);
            ami.sendEvent(dial("DialBegin", channel, uniqueId, operatorChannel, operatorId, null));
            call.await(settings.callTimeoutSeconds());
        } finally {
            redirects.remove(channel);
            endpoints.remove(channel);
            live.remove(uniqueId);
        }
    }

    /** Asterisk's DialBegin or DialEnd ({@code status}) of the caller's channel ringing an operator's. */
    static Map<String, String> dial(String name, String channel, String uniqueId, String operatorChannel,
            String operatorId, String status) {
        Map<String, String> e = FakeAmiPeer.event(name, "Channel", channel, "Uniqueid", uniqueId, "Linkedid",
                uniqueId, "DestChannel", operatorChannel, "DestUniqueid", operatorId, "DestLinkedid", uniqueId,
                "DialString", operatorChannel.substring(operatorChannel.indexOf('/') + 1));
        if (status != null) {
            e.put("DialStatus", status);
        }
        return e;
    }

    // ---- the operators ----

    /** An operator at work: each pop is opened, answered, filled, hung up on, and submitted once the call ended. */
    private void work(BenchConsole op) {
        while (running) {
            BenchConsole.Arrival arrival;
            try {
                arrival = op.pops.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (arrival == null) {
                continue;
            }
            JsonNode pop = arrival.body();
            LiveCall call = live.get(pop.path("providerCallId").asString(""));
            if (call == null) {
                strayPops.incrementAndGet();
                continue;
            }
            Phase phase = current;
            call.popped().set(true);
            phase.pop(call.twilio(), ChronoUnit.MICROS.between(Instant.parse(pop.get("ringingAt").asString()),
                    arrival.at()));
            String report = "/api/reports/" + pop.get("report").asString();
            try {
                expect("open report", op.http.get(report), 200);
                call.answer().run();
                for (Map.Entry<String, Object> field : FIELDS.entrySet()) {
                    expect("save " + field.getKey(), op.http.put(report + "/fields/" + field.getKey(),
                            Map.of("value", field.getValue())), 200);
                }
                if (settings.talkMs() > 0) {
                    // Talking: 0.5 to 1.5 times the setting, so operators do not free up in step.
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(settings.talkMs() / 2,
                            settings.talkMs() * 3L / 2 + 1));
                }
                call.hangUp().run();
                op.awaitCall(pop.get("call").asString(), "ENDED", settings.callTimeoutSeconds());
                expect("submit", op.http.post(report + "/submit", null), 200);
                phase.done(call.twilio());
            } catch (Exception e) {
                phase.error(op.username + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                op.presence("AVAILABLE");
            } finally {
                call.finished().complete(null);
            }
        }
    }

    private static void expect(String step, org.tiphotline.console.testing.ConsoleClient.Response response,
            int status) {
        if (response.status() != status) {
            throw new IllegalStateException(step + " answered " + response.status() + " instead of " + status);
        }
    }

    private static Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("situation", "POTENTIAL");
        fields.put("traffickingTypes", List.of("LABOUR"));
        fields.put("place", "Portland");
        fields.put("victimAge", 30);
        return fields;
    }

    // ---- CPU and the report ----

    private record Snapshot(long nanos, long server, long benchmark, long postgres, long[] machine) {}

    private static Snapshot snapshot(ScreenPopBenchmark.Target target, Path data) {
        return new Snapshot(System.nanoTime(), target.stats()[2], BenchServer.cpuNanos(),
                ScreenPopBenchmark.postgresTicks(data), ScreenPopBenchmark.machineTicks());
    }

    private static ScreenPopBenchmark.Cpu cpu(Snapshot[] window) {
        if (window == null) {
            return new ScreenPopBenchmark.Cpu(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Snapshot a = window[0];
        Snapshot b = window[1];
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        long total = b.machine()[1] - a.machine()[1];
        return new ScreenPopBenchmark.Cpu(total <= 0 ? Double.NaN
                : Runtime.getRuntime().availableProcessors() * (double) (b.machine()[0] - a.machine()[0]) / total,
                (b.server() - a.server()) / 1e9 / seconds, (b.benchmark() - a.benchmark()) / 1e9 / seconds,
                (b.postgres() - a.postgres()) / (double) ScreenPopBenchmark.CLOCK_TICKS / seconds);
    }

    private void printRun(int run, Phase load, RunResult r) {
        System.out.printf(Locale.ROOT, "%n-- run %d/%d: %d s, %d calls in progress, %d operators: %.1f calls/s "
                + "(Twilio %.1f, FastAGI %.1f), %d errors%s%n", run, settings.runs(), settings.seconds(),
                settings.calls(), settings.operators(), r.callsPerSecond(), r.twilioPerSecond(),
                r.asteriskPerSecond(), r.errors(), load.firstError.get() == null ? ""
                        : " (first: " + load.firstError.get() + ")");
        System.out.println("screen pop, all:           " + r.pop().format());
        System.out.println("  Twilio calls:            " + r.popTwilio().format());
        System.out.println("  FastAGI calls:           " + r.popAsterisk().format());
        System.out.println("Twilio webhooks, all:      " + r.webhook().format());
        r.byHook().forEach((hook, s) -> System.out.printf(Locale.ROOT, "  %-24s %s%n", hook + ":", s.format()));
        System.out.println("AGI round trip:            " + r.agi().format());
        System.out.println("  AGI session start:       " + r.agiStart().format());
        System.out.printf(Locale.ROOT, "server: heap after GC %.1f MB, most in use %.1f MB, most committed %.1f MB; GC "
                + "pauses %d (%d ms)%n", r.heapAfterGc() / 1048576.0, r.maxUsed() / 1048576.0,
                r.maxCommitted() / 1048576.0, r.gcPauses(), r.gcMillis());
        printCpu("CPU during the window, in cores:", r.cpu());
        if (r.cpu().others() > ScreenPopBenchmark.OTHERS_WARNING) {
            System.out.printf(Locale.ROOT, "  WARNING: other processes used %.2f cores during this run: its figures "
                    + "are disturbed%n", r.cpu().others());
        }
        for (int i = 0; i < r.stages().length && i < ServerStages.NAMES.length; i++) {
            System.out.printf(Locale.ROOT, "  server stage ringing -> %-29s %s%n", ServerStages.NAMES[i] + ":",
                    r.stages()[i].format());
        }
    }

    private static void printCpu(String label, ScreenPopBenchmark.Cpu cpu) {
        System.out.printf(Locale.ROOT, "%s machine %.2f of %d, server JVM %.2f, PostgreSQL %.2f, benchmark JVM "
                + "%.2f, OS and other processes %.2f%n", label, cpu.machine(),
                Runtime.getRuntime().availableProcessors(), cpu.server(), cpu.postgres(), cpu.benchmark(),
                cpu.others());
    }

    /**
     * The Twilio webhooks' time inside the server per measured window, from Tomcat's access log ({@code %D}:
     * microseconds from reading the request to writing the response); empty if there is no log.
     */
    private List<Latencies.Summary> serverSide() {
        List<String> lines = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(accessLogs)) {
            for (Path file : files.toList()) {
                lines.addAll(java.nio.file.Files.readAllLines(file));
            }
        } catch (java.io.IOException e) {
            return List.of();
        }
        List<Latencies.Summary> summaries = new ArrayList<>();
        for (long[] w : windows) {
            Latencies inWindow = new Latencies(8192);
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length == 3 && f[1].startsWith("/twilio/")) {
                    long begin = Long.parseLong(f[0]);
                    if (begin >= w[0] && begin < w[1]) {
                        inWindow.add(Long.parseLong(f[2]));
                    }
                }
            }
            summaries.add(inWindow.summary());
        }
        return summaries;
    }

    /**
     * With {@code bench.stages}: per webhook path, over all measured windows, where the time inside the server
     * went ({@link WebhookStages}): p50 and p99 of each part, and the mean number of transactions, statements and
     * commits per request. "Other" is the total less the three measured parts.
     */
    private void printWebhookStages() {
        if (webhookStages == null || !java.nio.file.Files.exists(webhookStages)) {
            return;
        }
        List<String> lines;
        try {
            lines = java.nio.file.Files.readAllLines(webhookStages);
        } catch (java.io.IOException e) {
            return;
        }
        // path -> parts (total, begin, sql, commit, other) and counts (begins, statements, commits)
        java.util.Map<String, Latencies[]> parts = new java.util.TreeMap<>();
        java.util.Map<String, long[]> counts = new java.util.TreeMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 9) {
                continue;
            }
            long begin = Long.parseLong(f[0]);
            if (windows.stream().noneMatch(w -> begin >= w[0] && begin < w[1])) {
                continue;
            }
            for (String path : List.of(f[1], "all")) {
                Latencies[] p = parts.computeIfAbsent(path, k -> new Latencies[] {new Latencies(4096),
                    new Latencies(4096), new Latencies(4096), new Latencies(4096), new Latencies(4096)});
                long total = Long.parseLong(f[2]);
                long tx = Long.parseLong(f[3]);
                long sql = Long.parseLong(f[5]);
                long commit = Long.parseLong(f[7]);
                p[0].add(total);
                p[1].add(tx);
                p[2].add(sql);
                p[3].add(commit);
                p[4].add(Math.max(0, total - tx - sql - commit));
                long[] c = counts.computeIfAbsent(path, k -> new long[4]);
                c[0]++;
                c[1] += Long.parseLong(f[4]);
                c[2] += Long.parseLong(f[6]);
                c[3] += Long.parseLong(f[8]);
            }
        }
        System.out.println("Twilio webhooks inside the server by part (all measured windows; ms p50/p99; per request"
                + " on average: transactions, statements, commits):");
        parts.forEach((path, p) -> {
            long[] c = counts.get(path);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-26s n=%-6d", path, c[0]));
            String[] names = {"total", "pool", "sql", "commit", "other"};
            for (int i = 0; i < p.length; i++) {
                Latencies.Summary s = p[i].summary();
                row.append(String.format(Locale.ROOT, " %s %.1f/%.1f", names[i], s.p50(), s.p99()));
            }
            row.append(String.format(Locale.ROOT, "  tx %.1f, stmts %.1f, commits %.1f", c[1] / (double) c[0],
                    c[2] / (double) c[0], c[3] / (double) c[0]));
            System.out.println(row);
        });
    }

    private void report(List<RunResult> results) {
        Latencies.Summary pop = median(results, RunResult::pop);
        Latencies.Summary webhook = median(results, RunResult::webhook);
        Latencies.Summary voice = median(results, RunResult::voice);
        Latencies.Summary agi = median(results, RunResult::agi);
        double heapMb = medianOf(results, RunResult::heapAfterGc) / 1048576.0;
        double maxCommittedMb = results.stream().mapToLong(RunResult::maxCommitted).max().orElse(0) / 1048576.0;
        double maxUsedMb = results.stream().mapToLong(RunResult::maxUsed).max().orElse(0) / 1048576.0;
        int errors = results.stream().mapToInt(RunResult::errors).sum();
        System.out.printf(Locale.ROOT, "%n== median of %d runs (%d s each; %d calls in progress, %d%% through Twilio, "
                + "the rest through FastAGI; %d operators answering, saving %d fields, submitting)%n",
                results.size(), settings.seconds(), settings.calls(), settings.twilioPercent(), settings.operators(),
                FIELDS.size());
        System.out.println("screen pop, all:           " + pop.format());
        System.out.println("  Twilio calls:            " + median(results, RunResult::popTwilio).format());
        System.out.println("  FastAGI calls:           " + median(results, RunResult::popAsterisk).format());
        System.out.println("Twilio webhooks, all:      " + webhook.format());
        System.out.println("  voice webhook:           " + voice.format());
        List<Latencies.Summary> inServer = serverSide();
        if (!inServer.isEmpty()) {
            for (int i = 0; i < inServer.size(); i++) {
                System.out.printf(Locale.ROOT, "  in the server, run %d:    %s%n", i + 1, inServer.get(i).format());
            }
            System.out.println("  in the server (Tomcat):  " + Latencies.Summary.medianOf(inServer).format());
        }
        printWebhookStages();
        System.out.println("AGI round trip:            " + agi.format());
        System.out.println("  AGI session start:       " + median(results, RunResult::agiStart).format());
        System.out.printf(Locale.ROOT, "sustained:                 %.1f calls/s (Twilio %.1f, FastAGI %.1f), "
                + "reports submitted%n", medianOf(results, RunResult::callsPerSecond),
                medianOf(results, RunResult::twilioPerSecond), medianOf(results, RunResult::asteriskPerSecond));
        System.out.printf(Locale.ROOT, "server heap:               %.1f MB in use after GC (median), at most %.1f MB "
                + "in use and %.1f MB committed during the runs%n", heapMb, maxUsedMb, maxCommittedMb);
        System.out.printf(Locale.ROOT, "errors:                    %d in the measured runs, %d in all%n", errors,
                allErrors);
        printCpu("CPU in cores (median):    ", new ScreenPopBenchmark.Cpu(
                medianOf(results, r -> r.cpu().machine()), medianOf(results, r -> r.cpu().server()),
                medianOf(results, r -> r.cpu().benchmark()), medianOf(results, r -> r.cpu().postgres())));
        long disturbed = results.stream().filter(r -> r.cpu().others() > ScreenPopBenchmark.OTHERS_WARNING).count();
        System.out.printf(Locale.ROOT, "disturbed:                 %s%n", disturbed == 0 ? "no"
                : disturbed + " of " + results.size() + " runs shared the machine with other work (see above)");
        System.out.printf(Locale.ROOT, "targets (%d calls, %d operators): screen pop p99 < %.0f ms %s (%.2f); "
                + "webhook p99 < %.0f ms %s (%.2f); heap < %d MB %s (%.1f after GC, %.1f committed at most); "
                + "no errors %s (%d)%n", settings.calls(), settings.operators(), settings.targetPopP99Ms(),
                pass(pop.p99() < settings.targetPopP99Ms()), pop.p99(), settings.targetWebhookP99Ms(),
                pass(webhook.p99() < settings.targetWebhookP99Ms()), webhook.p99(), settings.targetHeapMb(),
                pass(heapMb < settings.targetHeapMb()), heapMb, maxCommittedMb, pass(allErrors == 0), allErrors);
    }

    private static String pass(boolean met) {
        return met ? "PASS" : "FAIL";
    }

    private static Latencies.Summary median(List<RunResult> results, Function<RunResult, Latencies.Summary> figure) {
        return Latencies.Summary.medianOf(results.stream().map(figure).toList());
    }

    private static double medianOf(List<RunResult> results, ToDoubleFunction<RunResult> figure) {
        return Latencies.median(results.stream().mapToDouble(figure).toArray());
    }
}
