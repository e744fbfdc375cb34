package org.tiphotline.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.tiphotline.bench.ScreenPopBenchmark.Settings.integer;
import static org.tiphotline.bench.ScreenPopBenchmark.Settings.text;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.twilio.SignedWebhooks;
import tools.jackson.databind.JsonNode;

/**
 * The Twilio bridge's webhooks under an open-loop load: {@code rate} signed webhooks per second on loopback
 * against the whole application with the Twilio adapter on (embedded durable PostgreSQL, no operators). Half
 * are the number's voice webhook ({@code POST /twilio/voice}: a new call, stored with a durable commit, answered
 * with the IVR's first {@code <Gather>}), half its status callback ({@code POST /twilio/status} with
 * {@code CallStatus=completed}: the caller hung up during the welcome, recorded as abandoned in the IVR), each
 * call's status {@code statusDelayMs} after its voice webhook. Requests go out on a fixed schedule whatever the
 * server does, and each latency is from the request's scheduled send time to the whole reply read, so a server
 * that falls behind shows as queueing in the figures instead of slowing the load down (no coordinated
 * omission). Each run also measures the same webhooks one at a time, the uncontended floor. Twilio's REST API is
 * a WireMock stub in this JVM (an empty list of live calls for the adapter's start-up reconciliation): with no
 * operators the adapter should never move a call, and the benchmark reports if it did. At the end every call
 * must be in the call log as abandoned in the IVR.
 *
 * <p>Settings are system properties (defaults in brackets): {@code bench.rate} [100; webhooks per second, both
 * kinds together], {@code bench.seconds} [30; the measured window of a run], {@code bench.runs} [3],
 * {@code bench.warmupSeconds} [20], {@code bench.statusDelayMs} [2000], {@code bench.floorRequests} [200; half
 * voice, half status, one at a time], {@code bench.maxInFlight} [256; at most this many requests (and
 * connections) open, the rest wait their turn with the clock running], {@code bench.fork} [true],
 * {@code bench.serverJvmArgs} [{@code -XX:+UseZGC -Xmx512m}], {@code bench.serverProperties} [none],
 * {@code bench.maxMinutes} [15].
 */
public final class TwilioWebhookBenchmark {

    /** Fictional account: AC and 32 hex digits, as the settings require. */
    static final String ACCOUNT = "AC" + "0".repeat(28) + "bec1";
    static final String PUBLIC_BASE = "https://hotline.example.test";
    /** The hotline's own (fictional) number, the one every caller dials. */
    private static final String HOTLINE_NUMBER = "+15550100000";
    /** Twilio gives up on a webhook after 15 s and plays its fallback; a later answer would be lost. */
    static final Duration TWILIO_TIMEOUT = Duration.ofSeconds(15);

    record Settings(int rate, int seconds, int runs, int warmupSeconds, int statusDelayMs, int floorRequests,
            int maxInFlight, boolean fork, String serverJvmArgs, String serverProperties, int maxMinutes) {

        static Settings fromSystemProperties() {
            return new Settings(
                    integer("bench.rate", 100, 2, 5_000),
                    integer("bench.seconds", 30, 1, 3_600),
                    integer("bench.runs", 3, 1, 20),
                    integer("bench.warmupSeconds", 20, 0, 3_600),
                    integer("bench.statusDelayMs", 2000, 0, 60_000),
                    integer("bench.floorRequests", 200, 0, 100_000),
                    integer("bench.maxInFlight", 256, 1, 10_000),
                    Boolean.parseBoolean(text("bench.fork", "true")),
                    text("bench.serverJvmArgs", "-XX:+UseZGC -Xmx512m"),
                    text("bench.serverProperties", ""),
                    integer("bench.maxMinutes", 15, 1, 240));
        }
    }

    /** The two webhooks measured. */
    enum Hook {
        VOICE("/twilio/voice", "<Gather"), STATUS("/twilio/status", "<Response");

        final String path;
        /** What a correct answer must contain: the IVR's first question, or (status) any TwiML. */
        final String expected;

        Hook(String path, String expected) {
            this.path = path;
            this.expected = expected;
        }
    }

    /** One batch of webhooks. */
    static final class Phase {
        final Latencies voice;
        final Latencies status;
        final Latencies all;
        final AtomicInteger errors = new AtomicInteger();
        final AtomicReference<String> firstError = new AtomicReference<>();
        /** Status callbacks sent before their call's voice webhook had been answered (reordered by the backlog). */
        final AtomicInteger overtaken = new AtomicInteger();
        /** How late the driver actually sent a measured request after its scheduled time, at worst. */
        final AtomicLong maxLateNanos = new AtomicLong();
        final AtomicLong firstMeasuredSend = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastMeasuredSend = new AtomicLong(Long.MIN_VALUE);
        final AtomicInteger measuredSent = new AtomicInteger();
        int calls;

        Phase(int expected) {
            voice = new Latencies(expected / 2 + 1);
            status = new Latencies(expected / 2 + 1);
            all = new Latencies(expected);
        }

        void error(String what) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, what);
        }

        /** Measured requests over the time the driver took to send them: the rate actually offered. */
        double sentPerSecond() {
            long span = lastMeasuredSend.get() - firstMeasuredSend.get();
            int n = measuredSent.get();
            return n < 2 || span <= 0 ? 0 : (n - 1) / (span / 1e9);
        }
    }

    /** CPU use during the measured window, in cores; what is left over is the OS and other processes. */
    record Cpu(double machine, double server, double postgres, double benchmark) {

        double others() {
            return machine - server - postgres - benchmark;
        }
    }

    record RunResult(Latencies.Summary voice, Latencies.Summary status, Latencies.Summary all,
            Latencies.Summary floorVoice, Latencies.Summary floorStatus, Latencies.Summary floorAll,
            double sentPerSecond, double maxLateMs, int overtaken, int errors, Cpu cpu, long heapBytes,
            long gcPauses, long gcMillis) {}

    /** Readings taken at the start and the end of the measured window. */
    private record Snapshot(long nanos, long[] server, long benchmark, long postgres, long[] machine) {}

    private final Settings settings;
    private final AtomicLong callNumber = new AtomicLong();
    private final String sidPrefix;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String authToken;
    private String base;
    private Path data;
    private ScreenPopBenchmark.Target target;
    private Semaphore inFlight;
    private int allErrors;
    /** Status callbacks sent, in any phase, before their call's voice webhook had been answered. */
    private int allOvertaken;

    private TwilioWebhookBenchmark(Settings settings) {
        this.settings = settings;
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        // Unique call SIDs across reruns too: 8 random hex digits, then a counter.
        this.sidPrefix = "CA" + HexFormat.of().formatHex(random);
    }

    public static void main(String[] args) throws Exception {
        ScreenPopBenchmark.quietLogging();
        Settings settings = Settings.fromSystemProperties();
        ScreenPopBenchmark.exitWithin(settings.maxMinutes(), () -> new TwilioWebhookBenchmark(settings).run());
    }

    private int run() throws Exception {
        String password = randomSecret();
        // A throw-away auth token per run; the signatures must be right for the webhooks to get past the filter.
        authToken = randomSecret();
        inFlight = new Semaphore(settings.maxInFlight());
        data = Files.createTempDirectory("twilio-bench-");
        ScreenPopBenchmark.printMachine();
        long started = System.nanoTime();
        WireMockServer twilioApi = twilioApiStub();
        String properties = serverProperties(authToken, twilioApi) + ";" + settings.serverProperties();
        try (ScreenPopBenchmark.Target server = settings.fork()
                ? ScreenPopBenchmark.Forked.start(data, settings.serverJvmArgs(), 0, "500ms", properties, false,
                        password)
                : ScreenPopBenchmark.inProcess(BenchServer.start(data, 0, password, "500ms", properties, false), false)) {
            target = server;
            base = "http://127.0.0.1:" + server.port();
            System.out.printf(Locale.ROOT, "server: %s, GC %s, Twilio REST API stub on :%d%n",
                    settings.fork() ? "own JVM (" + settings.serverJvmArgs() + ")" : "in the benchmark's JVM",
                    server.gcName(), twilioApi.port());
            List<RunResult> results = measure();
            report(results);
            allErrors += checkCallLog(ConsoleClient.login(base, BenchServer.LINE_USER, password));
            long posts = twilioApi.getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getMethod().getName().equals("POST")).count();
            System.out.printf(Locale.ROOT, "Twilio REST API requests from the server: %d, of which %d POSTs "
                    + "moving calls (expected none: no operators)%n", twilioApi.getAllServeEvents().size(), posts);
            System.out.printf(Locale.ROOT, "errors in all: %d; total time %.0f s%n", allErrors,
                    (System.nanoTime() - started) / 1e9);
            return allErrors == 0 ? 0 : 1;
        } finally {
            twilioApi.stop();
            ScreenPopBenchmark.deleteQuietly(data);
        }
    }

    /**
     * Twilio's REST API as the benchmarks fake it, on loopback: 200 for moving a call, an empty list of live
     * calls for the adapter's start-up reconciliation; {@code extensions} see every request.
     */
    static WireMockServer twilioApiStub(com.github.tomakehurst.wiremock.extension.Extension... extensions) {
        WireMockServer twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .dynamicPort().extensions(extensions));
        twilioApi.start();
        twilioApi.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.*/Calls/.*\\.json"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\": \"in-progress\"}")));
        // The adapter lists Twilio's live calls at start-up to close records of calls that ended meanwhile.
        twilioApi.stubFor(get(urlPathMatching("/2010-04-01/Accounts/.*/Calls\\.json"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"calls\": [], \"next_page_uri\": null}")));
        return twilioApi;
    }

    /** The server's properties turning the Twilio adapter on, its REST API pointed at {@code twilioApi}. */
    static String serverProperties(String authToken, WireMockServer twilioApi) {
        return String.join(";", "hotline.telephony.twilio.enabled=true",
                "hotline.telephony.twilio.account-sid=" + ACCOUNT,
                "hotline.telephony.twilio.auth-token=" + authToken,
                "hotline.telephony.twilio.public-base-url=" + PUBLIC_BASE,
                "hotline.telephony.twilio.api-base-url=http://127.0.0.1:" + twilioApi.port());
    }

    private List<RunResult> measure() throws InterruptedException {
        if (settings.warmupSeconds() > 0) {
            Phase warm = load(settings.warmupSeconds());
            if (settings.floorRequests() > 0) {
                floor(Math.min(40, settings.floorRequests()));
            }
            System.out.printf(Locale.ROOT, "warm-up: %d s at %d webhooks/s, %d calls, %d errors%s; the server "
                    + "starts cold, so its latencies are only shown:%n", settings.warmupSeconds(), settings.rate(),
                    warm.calls, warm.errors.get(),
                    warm.firstError.get() == null ? "" : " (first: " + warm.firstError.get() + ")");
            System.out.println("  voice webhook:           " + warm.voice.summary().format());
            System.out.println("  status webhook:          " + warm.status.summary().format());
            if (warm.overtaken.get() > 0) {
                System.out.printf(Locale.ROOT, "  %d status callbacks went out before their call's voice webhook "
                        + "was answered%n", warm.overtaken.get());
            }
        }
        List<RunResult> results = new ArrayList<>();
        for (int run = 1; run <= settings.runs(); run++) {
            long[] gcBefore = target.stats();
            AtomicReference<Snapshot[]> window = new AtomicReference<>();
            Phase phase = load(settings.seconds(), window);
            long[] gcAfter = target.stats();
            Cpu cpu = cpu(window.get());
            long heap = target.heapAfterGc();
            Phase quiet = settings.floorRequests() > 0 ? floor(settings.floorRequests()) : new Phase(0);
            RunResult r = new RunResult(phase.voice.summary(), phase.status.summary(), phase.all.summary(),
                    quiet.voice.summary(), quiet.status.summary(), quiet.all.summary(), phase.sentPerSecond(),
                    phase.maxLateNanos.get() / 1e6, phase.overtaken.get(),
                    phase.errors.get() + quiet.errors.get(), cpu, heap, gcAfter[0] - gcBefore[0],
                    gcAfter[1] - gcBefore[1]);
            results.add(r);
            printRun(run, phase, quiet, r);
        }
        return results;
    }

    private Phase load(int seconds) throws InterruptedException {
        return load(seconds, new AtomicReference<>());
    }

    /**
     * One open-loop phase. Slot {@code k} of the schedule is at {@code k / rate}: even slots are new calls' voice
     * webhooks, odd slots the status callbacks of the calls whose voice webhook was {@code statusDelayMs}
     * earlier. Only the {@code seconds}-long window after the first {@code statusDelayMs} is measured: there both
     * kinds go out at {@code rate / 2} each. Before it (voice only) and after it (status only) the calls are
     * started and ended at half the rate, unmeasured, so every call of the window is complete.
     */
    private Phase load(int seconds, AtomicReference<Snapshot[]> window) throws InterruptedException {
        long interval = 1_000_000_000L / settings.rate();
        // In whole pairs of slots, so each status lands on an odd slot.
        long lagCalls = Math.round(settings.statusDelayMs() * 1e6 / (2.0 * interval));
        long lagSlots = 2 * lagCalls;
        long windowStart = lagSlots * interval;
        long windowEnd = windowStart + seconds * 1_000_000_000L;
        int calls = (int) ((windowEnd + 2 * interval - 1) / (2 * interval));
        long lastSlot = 2L * (calls - 1) + 1 + lagSlots;
        Phase phase = new Phase((int) (2L * calls));
        phase.calls = calls;
        String[] sids = new String[calls];
        AtomicIntegerArray voiceAnswered = new AtomicIntegerArray(calls);
        long start = System.nanoTime() + 50_000_000L;
        Thread sampler = Thread.ofVirtual().start(() -> {
            Snapshot first = snapshotAt(start + windowStart);
            Snapshot last = snapshotAt(start + windowEnd);
            window.set(new Snapshot[] {first, last});
        });
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long k = 0; k <= lastSlot; k++) {
                long offset = k * interval;
                boolean voice = k % 2 == 0;
                int call = (int) (voice ? k / 2 : (k - 1 - lagSlots) / 2);
                if (voice ? call >= calls : k - 1 < lagSlots) {
                    continue;
                }
                if (voice) {
                    sids[call] = newCallSid();
                }
                long n = callNumberOf(sids[call]);
                HttpRequest request = request(voice ? Hook.VOICE : Hook.STATUS, sids[call], n);
                boolean measured = offset >= windowStart && offset < windowEnd;
                long scheduled = start + offset;
                for (long wait; (wait = scheduled - System.nanoTime()) > 0;) {
                    LockSupport.parkNanos(wait);
                }
                if (!voice && voiceAnswered.get(call) == 0) {
                    phase.overtaken.incrementAndGet();
                }
                Hook hook = voice ? Hook.VOICE : Hook.STATUS;
                senders.execute(() -> {
                    long latencyMicros = send(phase, hook, request, scheduled, measured);
                    if (hook == Hook.VOICE && latencyMicros >= 0) {
                        voiceAnswered.set(call, 1);
                    }
                });
            }
        }
        sampler.join(TimeUnit.MINUTES.toMillis(1));
        allErrors += phase.errors.get();
        allOvertaken += phase.overtaken.get();
        return phase;
    }

    /** The same webhooks one at a time: each call's voice webhook, then at once its status callback. */
    private Phase floor(int requests) {
        Phase phase = new Phase(requests);
        for (int i = 0; i < (requests + 1) / 2; i++) {
            String sid = newCallSid();
            long n = callNumberOf(sid);
            send(phase, Hook.VOICE, request(Hook.VOICE, sid, n), System.nanoTime(), true);
            if (2 * i + 1 < requests) {
                send(phase, Hook.STATUS, request(Hook.STATUS, sid, n), System.nanoTime(), true);
            }
        }
        allErrors += phase.errors.get();
        return phase;
    }

    /**
     * Sends one webhook and records its latency from {@code scheduled}, so waiting for a connection slot and
     * a late driver both count; answers the latency in microseconds, or -1 if the webhook failed.
     */
    private long send(Phase phase, Hook hook, HttpRequest request, long scheduled, boolean measured) {
        boolean acquired = false;
        try {
            acquired = inFlight.tryAcquire(TWILIO_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            if (!acquired) {
                phase.error(hook + ": no connection free within Twilio's timeout");
                return -1;
            }
            long sent = System.nanoTime();
            if (measured) {
                phase.maxLateNanos.accumulateAndGet(sent - scheduled, Math::max);
                phase.firstMeasuredSend.accumulateAndGet(sent, Math::min);
                phase.lastMeasuredSend.accumulateAndGet(sent, Math::max);
                phase.measuredSent.incrementAndGet();
            }
            HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
            long micros = (System.nanoTime() - scheduled) / 1000;
            if (reply.statusCode() != 200 || !reply.body().contains(hook.expected)) {
                // The status and the start of the body only: TwiML never carries the caller's number.
                String body = reply.body();
                phase.error(hook + " answered " + reply.statusCode() + ": "
                        + body.substring(0, Math.min(120, body.length())).replaceAll("\\s+", " "));
                return -1;
            }
            if (measured) {
                (hook == Hook.VOICE ? phase.voice : phase.status).add(micros);
                phase.all.add(micros);
            }
            return micros;
        } catch (IOException e) {
            phase.error(hook + ": " + e.getClass().getSimpleName());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            phase.error(hook + ": interrupted");
            return -1;
        } finally {
            if (acquired) {
                inFlight.release();
            }
        }
    }

    /** A webhook as Twilio sends it: the number's form parameters for the call, signed for the public URL. */
    private HttpRequest request(Hook hook, String sid, long n) {
        return signed(base, authToken, hook.path, callForm(sid, n, hook == Hook.VOICE ? "ringing" : "completed"));
    }

    /** Twilio's form fields for call {@code sid} from fictional caller number {@code n}, in status {@code status}. */
    static Map<String, String> callForm(String sid, long n, String status) {
        Map<String, String> form = new LinkedHashMap<>();
        // Fictional numbers only: +1 555 010 0000-9999 (0000 is the hotline's own).
        String caller = String.format(Locale.ROOT, "+1555010%04d", 1 + n % 9999);
        form.put("AccountSid", ACCOUNT);
        form.put("ApiVersion", "2010-04-01");
        form.put("CallSid", sid);
        form.put("CallStatus", status);
        form.put("Called", HOTLINE_NUMBER);
        form.put("Caller", caller);
        form.put("Direction", "inbound");
        form.put("From", caller);
        form.put("To", HOTLINE_NUMBER);
        return form;
    }

    /** A POST of {@code form} to {@code pathAndQuery} on the server at {@code base}, signed as Twilio signs. */
    static HttpRequest signed(String base, String authToken, String pathAndQuery, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(encode(name)).append('=')
                .append(encode(value)));
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(TWILIO_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("User-Agent", "TwilioProxy/1.1")
                .header("X-Twilio-Signature", SignedWebhooks.sign(authToken, PUBLIC_BASE + pathAndQuery, form))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    private String newCallSid() {
        return sidPrefix + String.format(Locale.ROOT, "%024x", callNumber.incrementAndGet());
    }

    private long callNumberOf(String sid) {
        return Long.parseLong(sid.substring(sid.length() - 15), 16);
    }

    /**
     * Every call the benchmark made must be in the call log, ended as abandoned in the IVR. A status callback
     * that overtook its call's voice webhook (the server still storing the call) is ignored by the adapter and
     * leaves the call open: reported, up to the number that overtook; any other open call is an error.
     */
    private int checkCallLog(ConsoleClient supervisor) {
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> openIds = new ArrayList<>();
        int rows = 0;
        String cursor = null;
        for (int page = 0; page < 10_000; page++) {
            ConsoleClient.Response response = supervisor.get("/api/calllog?limit=200"
                    + (cursor == null ? "" : "&cursor=" + encode(cursor)));
            if (response.status() != 200) {
                System.out.println("call log check: the call log answered " + response.status());
                return 1;
            }
            for (JsonNode row : response.body().get("rows")) {
                if ("twilio".equals(row.path("provider").asString(""))) {
                    rows++;
                    String outcome = row.path("outcome").isNull() || row.path("outcome").isMissingNode()
                            ? "still " + row.path("state").asString("?") : row.path("outcome").asString();
                    outcomes.merge(outcome, 1, Integer::sum);
                    if (outcome.startsWith("still ")) {
                        openIds.add(row.path("call").asString());
                    }
                }
            }
            cursor = cursor(response.body().get("next"));
            if (cursor == null) {
                break;
            }
        }
        long expected = callNumber.get();
        int abandoned = outcomes.getOrDefault("ABANDONED_IN_IVR", 0);
        System.out.printf(Locale.ROOT, "call log: %d Twilio calls of %d made, by outcome %s%n", rows, expected,
                outcomes);
        int open = rows - abandoned;
        if (rows == expected && open > 0 && open <= allOvertaken) {
            System.out.printf(Locale.ROOT, "WARNING: %d calls left open, as many as or fewer than the %d status "
                    + "callbacks that overtook their voice webhook: /twilio/status ignores a call not stored yet%n",
                    open, allOvertaken);
            return 0;
        }
        if (rows != expected || open > 0) {
            System.out.println("call log check FAILED: every call should be there, abandoned in the IVR");
            // What the core recorded for a few of them: event types and times only, nothing about the caller.
            for (String id : openIds.subList(0, Math.min(5, openIds.size()))) {
                JsonNode detail = supervisor.get("/api/calllog/" + id).body();
                StringBuilder timeline = new StringBuilder();
                for (JsonNode event : detail.path("timeline")) {
                    timeline.append(' ').append(event.path("type").asString()).append('@')
                            .append(event.path("at").asString());
                }
                System.out.println("  open call " + id + ", arrived " + detail.path("summary").path("arrivedAt")
                        .asString() + ":" + timeline);
            }
            return 1;
        }
        return 0;
    }

    /** The next page's cursor, however the page serialises it: text, or the arrival instant and the call id. */
    private static String cursor(JsonNode next) {
        if (next == null || next.isNull() || next.isMissingNode()) {
            return null;
        }
        if (next.isString()) {
            return next.asString();
        }
        java.time.Instant at = java.time.Instant.parse(next.get("arrivedAt").asString());
        JsonNode id = next.get("id");
        return (at.getEpochSecond() * 1_000_000_000L + at.getNano()) + "_"
                + (id.isString() ? id.asString() : id.get("value").asString());
    }

    private Snapshot snapshotAt(long when) {
        for (long wait; (wait = when - System.nanoTime()) > 0;) {
            LockSupport.parkNanos(wait);
        }
        return new Snapshot(System.nanoTime(), target.stats(), BenchServer.cpuNanos(), ScreenPopBenchmark.postgresTicks(data),
                ScreenPopBenchmark.machineTicks());
    }

    private static Cpu cpu(Snapshot[] window) {
        if (window == null) {
            return new Cpu(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Snapshot a = window[0];
        Snapshot b = window[1];
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        long total = b.machine()[1] - a.machine()[1];
        return new Cpu(total <= 0 ? Double.NaN
                : Runtime.getRuntime().availableProcessors() * (double) (b.machine()[0] - a.machine()[0]) / total,
                (b.server()[2] - a.server()[2]) / 1e9 / seconds, (b.postgres() - a.postgres()) / 100.0 / seconds,
                (b.benchmark() - a.benchmark()) / 1e9 / seconds);
    }

    /** Above this many cores used by the OS and other processes, a run is flagged as disturbed. */
    private static final double OTHERS_WARNING = 0.25;

    private void printRun(int run, Phase load, Phase quiet, RunResult r) {
        System.out.printf(Locale.ROOT, "%n-- run %d/%d: %d s at %d webhooks/s (%d calls), sent at %.1f/s, driver at "
                + "most %.1f ms late, %d errors%s%n", run, settings.runs(), settings.seconds(), settings.rate(),
                load.calls, r.sentPerSecond(), r.maxLateMs(), r.errors(),
                load.firstError.get() != null ? " (first: " + load.firstError.get() + ")"
                        : quiet.firstError.get() != null ? " (first: " + quiet.firstError.get() + ")" : "");
        System.out.println("voice webhook:             " + r.voice().format());
        System.out.println("status webhook:            " + r.status().format());
        System.out.println("both:                      " + r.all().format());
        System.out.println("floor, one at a time:");
        System.out.println("  voice:                   " + r.floorVoice().format());
        System.out.println("  status:                  " + r.floorStatus().format());
        System.out.printf(Locale.ROOT, "ratio to the floor:        voice p50 x%.1f p99 x%.1f, status p50 x%.1f "
                + "p99 x%.1f%n", r.voice().p50() / r.floorVoice().p50(), r.voice().p99() / r.floorVoice().p99(),
                r.status().p50() / r.floorStatus().p50(), r.status().p99() / r.floorStatus().p99());
        if (r.overtaken() > 0) {
            System.out.printf(Locale.ROOT, "  %d status callbacks went out before their call's voice webhook was "
                    + "answered%n", r.overtaken());
        }
        System.out.printf(Locale.ROOT, "server: heap after GC %.1f MB, GC pauses %d (%d ms)%n",
                r.heapBytes() / 1048576.0, r.gcPauses(), r.gcMillis());
        System.out.printf(Locale.ROOT, "CPU during the window, in cores: machine %.2f of %d, server JVM %.2f, "
                + "PostgreSQL %.2f, benchmark JVM %.2f, OS and other processes %.2f%n", r.cpu().machine(),
                Runtime.getRuntime().availableProcessors(), r.cpu().server(), r.cpu().postgres(),
                r.cpu().benchmark(), r.cpu().others());
        if (r.cpu().others() > OTHERS_WARNING) {
            System.out.printf(Locale.ROOT, "  WARNING: other processes used %.2f cores during this run: its figures "
                    + "are disturbed%n", r.cpu().others());
        }
    }

    private void report(List<RunResult> results) {
        Latencies.Summary voice = median(results, RunResult::voice);
        Latencies.Summary status = median(results, RunResult::status);
        Latencies.Summary floorVoice = median(results, RunResult::floorVoice);
        Latencies.Summary floorStatus = median(results, RunResult::floorStatus);
        System.out.printf(Locale.ROOT, "%n== median of %d runs (%d s each at %d webhooks/s: %.1f voice + %.1f "
                + "status per second, each call's status %d ms after its voice webhook)%n", results.size(),
                settings.seconds(), settings.rate(), settings.rate() / 2.0, settings.rate() / 2.0,
                settings.statusDelayMs());
        System.out.println("voice webhook:             " + voice.format());
        System.out.println("status webhook:            " + status.format());
        System.out.println("both:                      " + median(results, RunResult::all).format());
        System.out.println("floor, one at a time:");
        System.out.println("  voice:                   " + floorVoice.format());
        System.out.println("  status:                  " + floorStatus.format());
        System.out.println("  both:                    " + median(results, RunResult::floorAll).format());
        System.out.printf(Locale.ROOT, "ratio to the floor:        voice p50 x%.1f p99 x%.1f, status p50 x%.1f "
                + "p99 x%.1f%n", voice.p50() / floorVoice.p50(), voice.p99() / floorVoice.p99(),
                status.p50() / floorStatus.p50(), status.p99() / floorStatus.p99());
        System.out.printf(Locale.ROOT, "sent:                      %.1f webhooks/s, driver at most %.1f ms late; "
                + "%d errors; %d status callbacks overtook their voice webhook%n",
                Latencies.median(results.stream().mapToDouble(RunResult::sentPerSecond).toArray()),
                results.stream().mapToDouble(RunResult::maxLateMs).max().orElse(0),
                results.stream().mapToInt(RunResult::errors).sum(),
                results.stream().mapToInt(RunResult::overtaken).sum());
        System.out.printf(Locale.ROOT, "server:                    heap after GC %.1f MB%n",
                Latencies.median(results.stream().mapToDouble(RunResult::heapBytes).toArray()) / 1048576.0);
        System.out.printf(Locale.ROOT, "CPU in cores:              machine %.2f, server JVM %.2f, PostgreSQL %.2f, "
                + "benchmark JVM %.2f, OS and others %.2f%n", medianCpu(results, Cpu::machine),
                medianCpu(results, Cpu::server), medianCpu(results, Cpu::postgres),
                medianCpu(results, Cpu::benchmark), medianCpu(results, Cpu::others));
        long disturbed = results.stream().filter(r -> r.cpu().others() > OTHERS_WARNING).count();
        if (disturbed > 0) {
            System.out.printf(Locale.ROOT, "WARNING: %d of %d runs shared the machine with other work (see above)%n",
                    disturbed, results.size());
        }
    }

    private static Latencies.Summary median(List<RunResult> results,
            java.util.function.Function<RunResult, Latencies.Summary> figure) {
        return Latencies.Summary.medianOf(results.stream().map(figure).toList());
    }

    private static double medianCpu(List<RunResult> results, java.util.function.ToDoubleFunction<Cpu> figure) {
        return Latencies.median(results.stream().mapToDouble(r -> figure.applyAsDouble(r.cpu())).toArray());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String randomSecret() {
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
