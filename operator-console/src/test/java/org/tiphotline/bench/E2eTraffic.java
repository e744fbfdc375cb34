package org.tiphotline.bench;

import static org.tiphotline.bench.EndToEndBenchmark.dial;
import static org.tiphotline.bench.EndToEndBenchmark.with;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;

/**
 * {@link EndToEndBenchmark}'s load, for one configuration: the Twilio REST stub and the AMI peer the nodes talk
 * to, the caller slots (each places its next call as soon as its last one is over), and the operators' work on each
 * pop. With two nodes, the calls are spread over both as a load balancer and Asterisk's dialplan would: each
 * Twilio webhook goes to the next node in turn (so one call's webhooks reach both), each FastAGI session to the
 * next node in turn, and the operators' consoles are connected half to each.
 */
final class E2eTraffic implements AutoCloseable {

    /** The fields each operator saves as drafts while talking, one request each, as the console does. */
    static final Map<String, Object> FIELDS = fields();

    /** What the protocol does when the operator answers or hangs up. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** A call ringing at an operator: how to answer and end it on its own protocol, and when it is over. */
    record LiveCall(boolean twilio, Step answer, Step hangUp, CompletableFuture<Void> finished, AtomicBoolean popped) {

        LiveCall(boolean twilio, Step answer, Step hangUp) {
            this(twilio, answer, hangUp, new CompletableFuture<>(), new AtomicBoolean());
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

    private final EndToEndBenchmark.Settings settings;
    final String authToken = TwilioWebhookBenchmark.randomSecret();
    private final String sidPrefix;
    private final AtomicLong callNumber = new AtomicLong();
    private final AtomicInteger nextWebhookNode = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final TwilioMoves moves = new TwilioMoves();
    /** Asterisk callers' Redirects and the operator endpoint set before each, by caller channel. */
    private final Map<String, BlockingQueue<Map<String, String>>> redirects = new ConcurrentHashMap<>();
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();
    /** Calls ringing or talking at an operator, by provider call id (what the pop carries). */
    private final Map<String, LiveCall> live = new ConcurrentHashMap<>();
    final AtomicInteger strayPops = new AtomicInteger();
    final WireMockServer twilioApi;
    final FakeAmiPeer ami;
    private volatile boolean running = true;
    /** Whether caller slots place new calls; see {@link #startLoad}. */
    private volatile boolean loadOn = true;
    /** The window being measured; before the first one, a window of no time that records nothing. */
    volatile E2ePhase current;
    private E2eNodes nodes;

    E2eTraffic(EndToEndBenchmark.Settings settings, String password, int nodeCount) {
        this.settings = settings;
        byte[] random = new byte[4];
        new java.security.SecureRandom().nextBytes(random);
        this.sidPrefix = "CA" + HexFormat.of().formatHex(random);
        this.current = new E2ePhase(0, nodeCount);
        twilioApi = TwilioWebhookBenchmark.twilioApiStub(moves);
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
        ami.coreShowChannels(List.of());
    }

    /** What every node needs to reach the stubs: both adapters on, one endpoint per operator. */
    String serverProperties(String password) {
        StringBuilder p = new StringBuilder(AgiBenchmark.serverProperties(0, ami, password)
                .replace("hotline.telephony.asterisk.agi.port=0;", ""))
                .append(';').append(TwilioWebhookBenchmark.serverProperties(authToken, twilioApi));
        for (int i = 1; i <= settings.operators(); i++) {
            String name = BenchServer.operatorName(i);
            p.append(";hotline.telephony.asterisk.endpoints[").append(name).append("]=PJSIP/").append(name);
        }
        return p.toString();
    }

    void attach(E2eNodes nodes) {
        this.nodes = nodes;
    }

    /**
     * Starts the caller slots, spread over {@code rampMs}; each places a call as soon as its last one is over, until
     * {@link #stopLoad}. The load runs on across the warm-up and every measured window: a window is a slice of
     * time of one continuous load, so only the warm-up holds the start's flash crowd of new calls.
     */
    ExecutorService startLoad() {
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
    void stopLoad(ExecutorService callers) {
        loadOn = false;
        callers.close();
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

    private static final java.util.concurrent.atomic.AtomicBoolean STALL_TOLD =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * The first call that waited in vain for an operator: what the consoles lived through until then, once (an
     * invocation of 2026-12-07 had every later call stall with nothing in the servers' warnings to say why).
     */
    private static void stalled() {
        if (STALL_TOLD.compareAndSet(false, true)) {
            System.err.printf(Locale.ROOT, "[bench] %s first call that never reached an operator; the consoles' live "
                    + "channels lost so far: %d, reconnected: %d, first lost: %s, last lost: %s%n",
                    java.time.Instant.now(), BenchConsole.LOST.get(), BenchConsole.BACK.get(),
                    BenchConsole.FIRST_LOSS.get(), BenchConsole.LAST_LOSS.get());
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
                    stalled();
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

    /** Sends one signed webhook to the next node, records its latency (send to whole reply), checks the reply. */
    private void webhook(String path, Map<String, String> form, String expected)
            throws IOException, InterruptedException {
        int node = Math.floorMod(nextWebhookNode.getAndIncrement(), nodes.count());
        var request = TwilioWebhookBenchmark.signed(nodes.base(node), authToken, path, form);
        long sent = System.nanoTime();
        HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
        long micros = (System.nanoTime() - sent) / 1000;
        if (reply.statusCode() != 200 || !reply.body().contains(expected)) {
            // The status and the start of the body only: TwiML never carries the caller's number.
            String body = reply.body();
            throw new IllegalStateException(path.replaceFirst("\\?.*", "") + " answered " + reply.statusCode() + ": "
                    + body.substring(0, Math.min(120, body.length())).replaceAll("\\s+", " "));
        }
        current.webhook(node, path, micros);
    }

    // ---- Asterisk: the IVR over FastAGI, then AMI events for the operator's phone ----

    private void asteriskCall() throws Exception {
        long n = callNumber.incrementAndGet();
        int node = (int) (n % nodes.count());
        String uniqueId = "1762000000." + n;
        String channel = String.format(Locale.ROOT, "PJSIP/e2e-trunk-%08x", n);
        BlockingQueue<Map<String, String>> moved = redirects.computeIfAbsent(channel,
                c -> new LinkedBlockingQueue<>());
        try {
            AgiBenchmark.Timed timed = new AgiBenchmark.Timed(new FastAgiClient.Script().inputs("1", "", "2", "1", "1"), 0);
            String wrong = AgiBenchmark.ivr(AgiBenchmark.agiClient(nodes.agiPorts.get(node), uniqueId, channel,
                    (int) n), timed, uniqueId);
            if (wrong != null) {
                throw new IllegalStateException(wrong);
            }
            current.agi(node, timed);
            while (true) {
                Map<String, String> redirect = moved.poll(settings.callTimeoutSeconds(), TimeUnit.SECONDS);
                if (redirect == null) {
                    stalled();
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

    // ---- the operators ----

    /**
     * An operator at work, their console connected to {@code node}: each pop is opened, answered, filled, hung up
     * on, and submitted once the call ended.
     */
    void work(BenchConsole op, int node) {
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
            E2ePhase phase = current;
            call.popped().set(true);
            phase.pop(node, call.twilio(), ChronoUnit.MICROS.between(Instant.parse(pop.get("ringingAt").asString()),
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
                    Thread.sleep(ThreadLocalRandom.current().nextLong(settings.talkMs() / 2,
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

    /** The operators stop taking pops; the stubs stay up until {@link #close}, after the nodes. */
    void stop() {
        running = false;
    }

    @Override
    public void close() {
        running = false;
        ami.close();
        twilioApi.stop();
    }
}
