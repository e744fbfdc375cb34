package org.tiphotline.bench;

import static org.tiphotline.bench.ScreenPopBenchmark.Settings.integer;
import static org.tiphotline.bench.ScreenPopBenchmark.Settings.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.tiphotline.console.testing.RabbitMq;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;

/**
 * End to end on loopback with the real protocols: {@code calls} calls in progress at all times, part through the
 * Twilio webhooks (signed, as Twilio sends them; WireMock as Twilio's REST API, through which the adapter moves a
 * caller to an operator) and the rest through FastAGI (Asterisk's side of the IVR, {@code FakeAmiPeer} as its
 * manager interface, whose Redirect of the caller is answered with the DialBegin, DialEnd, BridgeLeave and Hangup
 * events a real Asterisk sends), against one server (or two nodes) with both adapters on; {@code operators} operators as STOMP
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
 * through for 0.5–1.5 times this, so the 200 calls in progress run at a rate the operators can take],
 * {@code bench.nodes} [1; {@code 2}: two nodes on one PostgreSQL with the RabbitMQ relay ({@link E2eNodes});
 * {@code 1,2}: both, one after the other in the same invocation, then side by side], {@code bench.watchers} [false;
 * {@code true}: a wall display follows the floor and five supervisors their page and the wallboard throughout, as
 * STOMP clients spread over the nodes (issue 20: the wallboard's cost)].
 */
public final class EndToEndBenchmark {

    record Settings(int calls, int twilioPercent, int operators, int seconds, int runs, int warmupSeconds, int rampMs,
            int callTimeoutSeconds, boolean fork, String serverJvmArgs, String serverProperties, boolean stages,
            String tick, int maxMinutes, double targetPopP99Ms, double targetWebhookP99Ms, int targetHeapMb,
            int talkMs, List<Integer> nodes, boolean watchers) {

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
                    integer("bench.talkMs", 0, 0, 600_000),
                    nodeCounts(text("bench.nodes", "1")),
                    Boolean.parseBoolean(text("bench.watchers", "false")));
        }

        /** {@code 1}, {@code 2} or a list of them ({@code 1,2}): the configurations to run, in that order. */
        static List<Integer> nodeCounts(String text) {
            List<Integer> counts = new ArrayList<>();
            for (String part : text.split(",")) {
                String n = part.strip();
                if (!n.equals("1") && !n.equals("2")) {
                    throw new IllegalArgumentException("bench.nodes is 1, 2 or a list of them such as 1,2: " + text);
                }
                counts.add(Integer.parseInt(n));
            }
            return List.copyOf(counts);
        }

        int twilioCalls() {
            return calls * twilioPercent / 100;
        }
    }

    /** One node's figures in one run (with two nodes; with one, the run's own). */
    record NodeResult(Latencies.Summary pop, Latencies.Summary webhook, Latencies.Summary agi, double serverCpu,
            long heapAfterGc, Latencies.Summary[] stages) {}

    /** One run's figures; the heap is the larger node's, the CPU the nodes' together. */
    record RunResult(Latencies.Summary pop, Latencies.Summary popTwilio, Latencies.Summary popAsterisk,
            Latencies.Summary webhook, Latencies.Summary voice, Map<String, Latencies.Summary> byHook,
            Latencies.Summary agi, Latencies.Summary agiStart, double callsPerSecond, double twilioPerSecond,
            double asteriskPerSecond, int errors, long heapAfterGc, long maxUsed, long maxCommitted, long gcPauses,
            long gcMillis, ScreenPopBenchmark.Cpu cpu, List<NodeResult> nodes) {}

    private final Settings settings;
    private int allErrors;

    private EndToEndBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        ScreenPopBenchmark.quietLogging();
        Settings settings = Settings.fromSystemProperties();
        ScreenPopBenchmark.exitWithin(settings.maxMinutes(), () -> new EndToEndBenchmark(settings).run());
    }

    /** Each configuration of {@code bench.nodes} in turn, each on a fresh database; then side by side. */
    private int run() throws Exception {
        ScreenPopBenchmark.printMachine();
        long started = System.nanoTime();
        List<E2eReport.Headline> headlines = new ArrayList<>();
        int errors = 0;
        for (int count : settings.nodes()) {
            allErrors = 0;
            headlines.add(configuration(count));
            errors += allErrors;
        }
        E2eReport.printSideBySide(headlines);
        System.out.printf(Locale.ROOT, "errors in all: %d; total time %.0f s%n", errors,
                (System.nanoTime() - started) / 1e9);
        return errors == 0 ? 0 : 1;
    }

    private E2eReport.Headline configuration(int count) throws Exception {
        String password = TwilioWebhookBenchmark.randomSecret();
        Path data = Files.createTempDirectory("e2e-bench-");
        System.out.printf(Locale.ROOT, "%n==== %s%n", E2eReport.nodesName(count));
        try (E2eTraffic traffic = new E2eTraffic(settings, password, count);
                E2eNodes nodes = E2eNodes.start(count, settings, data, traffic.serverProperties(password),
                        password)) {
            traffic.attach(nodes);
            traffic.ami.awaitAction("CoreShowChannels", Duration.ofSeconds(60));
            System.out.printf(Locale.ROOT, "server: %s, GC %s, routing tick %s; Twilio REST stub on :%d, FastAGI on "
                    + ":%s, AMI peer on :%d%s%n", count > 1 ? "two nodes in JVMs of their own ("
                    + settings.serverJvmArgs() + ") on one PostgreSQL, STOMP relay to RabbitMQ"
                    : settings.fork() ? "own JVM (" + settings.serverJvmArgs() + ")" : "in the benchmark's JVM",
                    nodes.targets.get(0).gcName(), settings.tick(), traffic.twilioApi.port(), nodes.agiPorts,
                    traffic.ami.port(), settings.serverProperties().isBlank() ? ""
                            : ", extra properties " + settings.serverProperties());
            E2eReport report = new E2eReport(settings, nodes);
            List<RunResult> results = measure(traffic, nodes, report, password, data);
            return report.report(results, allErrors);
        } finally {
            System.out.printf(Locale.ROOT, "consoles' live channels lost during the run: %d, reconnected: %d%s%n",
                    BenchConsole.LOST.get(), BenchConsole.BACK.get(), BenchConsole.FIRST_LOSS.get() == null ? ""
                            : " (first " + BenchConsole.FIRST_LOSS.get() + ", last " + BenchConsole.LAST_LOSS.get()
                            + ")");
            if (count > 1) {
                keepBrokerLog();
            }
            ScreenPopBenchmark.deleteQuietly(data);
        }
    }

    /**
     * RabbitMQ's warnings (missed heart-beats, alarms, connections it closed) kept next to the run's figures: its own
     * directory is deleted when the benchmark's JVM exits.
     */
    private static void keepBrokerLog() {
        try {
            Path kept = Path.of("target", "bench-e2e-rabbitmq-" + java.time.LocalDateTime.now().format(
                    java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".log");
            Files.createDirectories(kept.getParent());
            String log = RabbitMq.get().log();
            Files.writeString(kept, log);
            System.out.printf(Locale.ROOT, "RabbitMQ's log (warnings and worse): %d lines, kept in %s%n",
                    log.lines().count(), kept.toAbsolutePath());
        } catch (java.io.IOException e) {
            System.err.println("[bench] RabbitMQ's log could not be kept: " + e);
        }
    }

    private List<RunResult> measure(E2eTraffic traffic, E2eNodes nodes, E2eReport report, String password,
            Path data) throws Exception {
        ThreadPoolTaskScheduler heartbeats = ScreenPopBenchmark.heartbeats();
        WebSocketStompClient stomp = ScreenPopBenchmark.stompClient(heartbeats);
        List<BenchConsole> operators = new ArrayList<>();
        List<BenchConsole> watchers = new ArrayList<>();
        WebSocketStompClient watcherStomp = BenchConsole.watcherClient(heartbeats);
        ExecutorService callers = null;
        try {
            if (settings.watchers()) {
                watchers.add(BenchConsole.watcher(watcherStomp, nodes.base(0), BenchServer.WALL_USER, password,
                        BenchConsole.WALLBOARD_TOPICS));
                for (int i = 1; i <= BenchServer.SUPERVISORS; i++) {
                    watchers.add(BenchConsole.watcher(watcherStomp, nodes.base(i % nodes.count()),
                            BenchServer.supervisorName(i), password, BenchConsole.SUPERVISOR_TOPICS));
                }
                System.out.printf(Locale.ROOT, "watching: a wall display and %d supervisors (their page and the "
                        + "wallboard)%n", BenchServer.SUPERVISORS);
            }
            for (int i = 1; i <= settings.operators(); i++) {
                // Half the consoles on each node, as a balancer's turns would put them.
                BenchConsole op = connect(stomp, nodes.base(i % nodes.count()), BenchServer.operatorName(i),
                        password);
                op.keepCallUpdates();
                operators.add(op);
            }
            for (BenchConsole op : operators) {
                op.presence("AVAILABLE");
                op.awaitPresence("AVAILABLE", 10);
            }
            for (int i = 0; i < operators.size(); i++) {
                BenchConsole op = operators.get(i);
                int node = (i + 1) % nodes.count();
                Thread.ofVirtual().name("bench-" + op.username).start(() -> traffic.work(op, node));
            }
            System.out.printf(Locale.ROOT, "%d operators connected and available; %d calls in progress: %d through "
                    + "Twilio, %d through FastAGI%n", operators.size(), settings.calls(), settings.twilioCalls(),
                    settings.calls() - settings.twilioCalls());
            callers = traffic.startLoad();
            if (settings.warmupSeconds() > 0) {
                E2ePhase warm = window(traffic, nodes, settings.warmupSeconds(), new AtomicReference<>(), false, data);
                allErrors += warm.errors.get();
                System.out.printf(Locale.ROOT, "warm-up: %d s, %d calls, %d errors%s, with the start's flash crowd "
                        + "(%d calls placed within %d ms): screen pop %s; Twilio webhooks %s%n",
                        settings.warmupSeconds(), warm.twilioDone.get() + warm.asteriskDone.get(),
                        warm.errors.get(), warm.firstError.get() == null ? "" : " (first: " + warm.firstError.get()
                                + ")", settings.calls(), settings.rampMs(), warm.all.pop.summary().format(),
                        warm.all.webhook.summary().format());
            }
            List<RunResult> results = new ArrayList<>();
            for (int run = 1; run <= settings.runs(); run++) {
                List<long[]> before = new ArrayList<>();
                for (ScreenPopBenchmark.Target target : nodes.targets) {
                    target.stages();
                    before.add(target.stats());
                }
                AtomicReference<Snapshot[]> window = new AtomicReference<>();
                E2ePhase load = window(traffic, nodes, settings.seconds(), window, true, data);
                report.windows.add(new long[] {load.startMillis, load.startMillis + settings.seconds() * 1000L});
                allErrors += load.errors.get();
                RunResult r = result(load, nodes, before, window.get());
                results.add(r);
                report.printRun(run, load, r);
            }
            if (traffic.strayPops.get() > 0) {
                System.out.println("note: " + traffic.strayPops.get() + " pops for calls the benchmark was not ringing");
            }
            traffic.stopLoad(callers);
            for (BenchConsole w : watchers) {
                System.out.printf(Locale.ROOT, "%s received %s, largest (bytes) %s%s%n", w.username,
                        new TreeMap<>(w.received), new TreeMap<>(w.largest),
                        w.isConnected() ? "" : "; DISCONNECTED before the end");
                if (!w.isConnected()) {
                    // A watcher that stopped watching makes the "with watchers" figures a run without them.
                    allErrors++;
                }
            }
            return results;
        } finally {
            watchers.forEach(BenchConsole::close);
            watcherStomp.stop();
            traffic.stop();
            if (callers != null) {
                callers.shutdownNow();
            }
            ScreenPopBenchmark.closeAll(operators, stomp, heartbeats);
        }
    }

    /**
     * An operator's console, connected as the browser's is: a STOMP session refused or closed while it opens (with
     * two nodes, a node whose relay to RabbitMQ is not up yet closes it) is opened again, as the console reconnects
     * by itself, up to 10 times a second apart.
     */
    private static BenchConsole connect(WebSocketStompClient stomp, String base, String username, String password)
            throws Exception {
        for (int attempt = 1;; attempt++) {
            try {
                return BenchConsole.open(stomp, base, username, password, true, false);
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt >= 10) {
                    throw e;
                }
                System.out.printf(Locale.ROOT, "%s's console lost its connection while opening (%s); again in 1 s%n",
                        username, e.getCause());
                Thread.sleep(1000);
            }
        }
    }

    /** The figures of a window just measured; {@code before} is each node's stats at its start. */
    private static RunResult result(E2ePhase load, E2eNodes nodes, List<long[]> before, Snapshot[] window) {
        List<NodeResult> perNode = new ArrayList<>();
        long gcPauses = 0;
        long gcMillis = 0;
        long heap = 0;
        for (int n = 0; n < nodes.count(); n++) {
            ScreenPopBenchmark.Target target = nodes.targets.get(n);
            long[] after = target.stats();
            gcPauses += after[0] - before.get(n)[0];
            gcMillis += after[1] - before.get(n)[1];
            Latencies.Summary[] stages = target.stages();
            long nodeHeap = target.heapAfterGc();
            heap = Math.max(heap, nodeHeap);
            E2ePhase.Figures f = load.nodes[n];
            double cpu = window == null ? Double.NaN
                    : (window[1].servers()[n] - window[0].servers()[n]) / 1e9
                            / ((window[1].nanos() - window[0].nanos()) / 1e9);
            perNode.add(new NodeResult(f.pop.summary(), f.webhook.summary(), f.agi.summary(), cpu, nodeHeap,
                    stages));
        }
        Map<String, Latencies.Summary> byHook = new TreeMap<>();
        load.all.byHook.forEach((hook, l) -> byHook.put(hook, l.summary()));
        Latencies voice = load.all.byHook.get("/twilio/voice");
        return new RunResult(load.all.pop.summary(), load.all.popTwilio.summary(), load.all.popAsterisk.summary(),
                load.all.webhook.summary(), voice == null ? Latencies.Summary.EMPTY : voice.summary(), byHook,
                load.all.agi.summary(), load.all.agiStart.summary(),
                (load.twilioDone.get() + load.asteriskDone.get()) / load.seconds(),
                load.twilioDone.get() / load.seconds(), load.asteriskDone.get() / load.seconds(),
                load.errors.get(), heap, load.maxUsed.get(), load.maxCommitted.get(), gcPauses, gcMillis,
                cpu(window), perNode);
    }

    /** Measures the next {@code seconds} of the load; when {@code sampled}, also the nodes' memory and CPU. */
    private static E2ePhase window(E2eTraffic traffic, E2eNodes nodes, int seconds,
            AtomicReference<Snapshot[]> window, boolean sampled, Path data) {
        E2ePhase phase = new E2ePhase(seconds, nodes.count());
        traffic.current = phase;
        Snapshot first = sampled ? snapshot(nodes, data) : null;
        while (phase.inWindow()) {
            if (sampled) {
                for (ScreenPopBenchmark.Target target : nodes.targets) {
                    long[] stats = target.stats();
                    phase.maxUsed.accumulateAndGet(stats[3], Math::max);
                    phase.maxCommitted.accumulateAndGet(stats[4], Math::max);
                }
            }
            LockSupport.parkNanos(Math.min(TimeUnit.SECONDS.toNanos(1), phase.deadline - System.nanoTime()));
        }
        if (sampled) {
            window.set(new Snapshot[] {first, snapshot(nodes, data)});
        }
        return phase;
    }

    static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(form);
        copy.put(name, value);
        return copy;
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

    // ---- CPU ----

    /** CPU counters at one instant: each node's JVM, the benchmark's, PostgreSQL's (all of its processes). */
    private record Snapshot(long nanos, long[] servers, long benchmark, long postgres, long[] machine) {}

    private static Snapshot snapshot(E2eNodes nodes, Path data) {
        return new Snapshot(System.nanoTime(), nodes.targets.stream().mapToLong(t -> t.stats()[2]).toArray(),
                BenchServer.cpuNanos(), ScreenPopBenchmark.postgresTicks(data), ScreenPopBenchmark.machineTicks());
    }

    private static ScreenPopBenchmark.Cpu cpu(Snapshot[] window) {
        if (window == null) {
            return new ScreenPopBenchmark.Cpu(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Snapshot a = window[0];
        Snapshot b = window[1];
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        long total = b.machine()[1] - a.machine()[1];
        long servers = 0;
        for (int i = 0; i < a.servers().length; i++) {
            servers += b.servers()[i] - a.servers()[i];
        }
        return new ScreenPopBenchmark.Cpu(total <= 0 ? Double.NaN
                : Runtime.getRuntime().availableProcessors() * (double) (b.machine()[0] - a.machine()[0]) / total,
                servers / 1e9 / seconds, (b.benchmark() - a.benchmark()) / 1e9 / seconds,
                (b.postgres() - a.postgres()) / (double) ScreenPopBenchmark.CLOCK_TICKS / seconds);
    }
}
