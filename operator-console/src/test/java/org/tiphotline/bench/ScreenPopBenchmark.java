package org.tiphotline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.tiphotline.console.testing.ConsoleClient;
import tools.jackson.databind.JsonNode;

/**
 * Screen-pop latency under load: from the telephony adapter reporting RINGING (the {@code ringingAt} the core
 * records and the pop carries) to the operator's STOMP client having the pop, with {@code concurrency} calls in
 * progress at all times and {@code operators} operators connected who each answer, open and fill the form, hang
 * up, submit and take the next call. Each run also measures two floors on the same server: a bare STOMP round
 * trip through the product's own channel at the run's call rate, and the same pop latency with one call at a
 * time. A benchmark, not a test: run it with the {@code bench} Maven profile (see {@code docs/benchmarks.md});
 * nothing in the normal build runs it.
 *
 * <p>Settings are system properties (defaults in brackets): {@code bench.calls} per run [1000],
 * {@code bench.operators} [50], {@code bench.concurrency} [100], {@code bench.runs} [3], {@code bench.warmupCalls}
 * [2000], {@code bench.floorCalls} [100], {@code bench.floorPings} [500], {@code bench.talkMs} [0: operators work
 * as fast as the server lets them; otherwise each call lasts 0.5 to 1.5 times this], {@code bench.fork} [true:
 * the server runs in a JVM of its own], {@code bench.serverJvmArgs} [{@code -XX:+UseZGC -Xmx512m},
 * as in {@code ops/systemd/tiphotline.service}],
 * {@code bench.serverProperties} [none; extra application properties for the server, {@code key=value;...}],
 * {@code bench.stages} [false; where the pop's time goes inside the server, see {@link ServerStages}],
 * {@code bench.presenceAfterSubmit} [false; operators also click "available" after each submit],
 * {@code bench.supervisor} [false; a supervisor watches the live queue], {@code bench.tick} [500ms, the routing
 * tick], {@code bench.phaseTimeoutSeconds} [300], {@code bench.maxMinutes} [30], {@code bench.targetP99Ms} [50].
 */
public final class ScreenPopBenchmark {

    record Settings(int calls, int operators, int concurrency, int runs, int warmupCalls, int floorCalls,
            int floorPings, long talkMs, boolean fork, String serverJvmArgs, String serverProperties,
            boolean stages, boolean presenceAfterSubmit, boolean supervisor, String tick,
            int phaseTimeoutSeconds, int maxMinutes, double targetP99Ms) {

        static Settings fromSystemProperties() {
            return new Settings(
                    integer("bench.calls", 1000, 1, 100_000),
                    integer("bench.operators", 50, 1, 500),
                    integer("bench.concurrency", 100, 1, 2_000),
                    integer("bench.runs", 3, 1, 20),
                    integer("bench.warmupCalls", 2000, 0, 100_000),
                    integer("bench.floorCalls", 100, 0, 10_000),
                    integer("bench.floorPings", 500, 0, 100_000),
                    integer("bench.talkMs", 0, 0, 60_000),
                    Boolean.parseBoolean(text("bench.fork", "true")),
                    text("bench.serverJvmArgs", "-XX:+UseZGC -Xmx512m"),
                    text("bench.serverProperties", ""),
                    Boolean.parseBoolean(text("bench.stages", "false")),
                    Boolean.parseBoolean(text("bench.presenceAfterSubmit", "false")),
                    Boolean.parseBoolean(text("bench.supervisor", "false")),
                    text("bench.tick", "500ms"),
                    integer("bench.phaseTimeoutSeconds", 300, 10, 3_600),
                    integer("bench.maxMinutes", 30, 1, 240),
                    Double.parseDouble(text("bench.targetP99Ms", "50")));
        }

        /** Empty values count as unset, so the Maven profile can pass every property through. */
        static String text(String name, String fallback) {
            String value = System.getProperty(name);
            return value == null || value.isBlank() ? fallback : value.strip();
        }

        static int integer(String name, int fallback, int min, int max) {
            int value = Integer.parseInt(text(name, Integer.toString(fallback)));
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + value);
            }
            return value;
        }
    }

    /** What the benchmark needs from the server, wherever it runs. */
    interface Target extends AutoCloseable {
        int port();

        long heapAfterGc();

        /** Cumulative GC count, GC milliseconds and CPU nanoseconds of the server's JVM; heap used and committed now. */
        long[] stats();

        /** The server-side stages since the last call (empty unless bench.stages). */
        Latencies.Summary[] stages();

        String gcName();

        @Override
        void close();
    }

    /** One batch of calls, from the first placement to the last submitted report. */
    static final class Phase {
        final int total;
        final Semaphore slots;
        final Latencies pops;
        /** The pops of the phase's first wave (as many as there are operators, all ringing at once) and the rest. */
        final Latencies firstWave;
        final Latencies afterFirstWave;
        final int waveSize;
        final AtomicInteger popCount = new AtomicInteger();
        final CountDownLatch finished;
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicReference<String> firstError = new AtomicReference<>();
        volatile long startNanos;
        final AtomicLong lastDoneNanos = new AtomicLong();

        /** How long operators talk on this phase's calls (the floor phases do not talk). */
        final long talkMs;

        Phase(int total, int concurrency, long talkMs, int waveSize) {
            this.total = total;
            this.talkMs = talkMs;
            this.slots = new Semaphore(concurrency);
            this.pops = new Latencies(total);
            this.waveSize = Math.min(concurrency, waveSize);
            this.firstWave = new Latencies(this.waveSize);
            this.afterFirstWave = new Latencies(total);
            this.finished = new CountDownLatch(total);
        }

        void pop(long micros) {
            pops.add(micros);
            (popCount.getAndIncrement() < waveSize ? firstWave : afterFirstWave).add(micros);
        }

        void error(String what) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, what);
        }

        void callDone(boolean ok) {
            (ok ? done : failed).incrementAndGet();
            lastDoneNanos.accumulateAndGet(System.nanoTime(), Math::max);
            finished.countDown();
        }

        double callsPerSecond() {
            long span = lastDoneNanos.get() - startNanos;
            return span <= 0 ? 0 : done.get() / (span / 1e9);
        }
    }

    record RunResult(Latencies.Summary pop, Latencies.Summary firstWave, Latencies.Summary afterFirstWave,
            double callsPerSecond, int errors, Latencies.Summary stompFloor,
            double pingRate, Latencies.Summary quietPop, long heapBytes, long gcCount, long gcMillis,
            Cpu cpu, Latencies.Summary[] stages, Latencies.Summary[] quietStages) {}

    /**
     * CPU use during a load phase, in cores (2.0 = both cores of a 2-core machine busy all the time). What is
     * left is the OS and other processes: on a machine shared with other work it shows the figures are disturbed.
     */
    record Cpu(double machine, double server, double benchmark, double postgres) {

        double others() {
            return machine - server - benchmark - postgres;
        }
    }

    private final Settings settings;
    private final AtomicReference<Phase> current = new AtomicReference<>();
    private final AtomicInteger callNumber = new AtomicInteger();
    private final AtomicInteger strayPops = new AtomicInteger();
    private final ExecutorService lineCalls = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running = true;
    private ConsoleClient line;
    private List<BenchConsole> operators;

    private ScreenPopBenchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        quietLogging();
        Settings settings = Settings.fromSystemProperties();
        exitWithin(settings.maxMinutes(), () -> new ScreenPopBenchmark(settings).run());
    }

    /** A benchmark's whole life: exits with its status, or with 3 if it runs past the limit. */
    static void exitWithin(int maxMinutes, java.util.concurrent.Callable<Integer> benchmark) throws Exception {
        Thread watchdog = Thread.ofPlatform().daemon().start(() -> {
            try {
                Thread.sleep(Duration.ofMinutes(maxMinutes));
                System.err.println("[bench] stopped: over the " + maxMinutes + " minute limit");
                System.exit(3);
            } catch (InterruptedException e) {
                // finished in time
            }
        });
        int status = benchmark.call();
        watchdog.interrupt();
        System.exit(status);
    }

    private int run() throws Exception {
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path data = Files.createTempDirectory("screen-pop-bench-");
        printMachine();
        long started = System.nanoTime();
        try (Target target = settings.fork() ? Forked.start(data, settings, password) : inProcess(data, password)) {
            String base = "http://127.0.0.1:" + target.port();
            System.out.printf(Locale.ROOT, "server: %s, GC %s, routing tick %s%s%n",
                    settings.fork() ? "own JVM (" + settings.serverJvmArgs() + ")" : "in the benchmark's JVM",
                    target.gcName(), settings.tick(), settings.serverProperties().isBlank() ? ""
                            : ", extra properties " + settings.serverProperties());
            List<RunResult> results = measure(target, base, password, data);
            report(results);
            System.out.printf(Locale.ROOT, "total time %.0f s%n", (System.nanoTime() - started) / 1e9);
            return results.stream().allMatch(r -> r.errors() == 0) ? 0 : 1;
        } finally {
            running = false;
            lineCalls.shutdownNow();
            deleteQuietly(data);
        }
    }

    private List<RunResult> measure(Target target, String base, String password, Path data) throws Exception {
        ThreadPoolTaskScheduler heartbeats = heartbeats();
        WebSocketStompClient stomp = stompClient(heartbeats);
        List<BenchConsole> consoles = new ArrayList<>();
        try {
            line = ConsoleClient.login(base, BenchServer.LINE_USER, password);
            if (settings.supervisor()) {
                consoles.add(BenchConsole.open(stomp, base, BenchServer.LINE_USER, password, false, true));
            }
            operators = new ArrayList<>();
            for (int i = 1; i <= settings.operators(); i++) {
                BenchConsole op = BenchConsole.open(stomp, base, BenchServer.operatorName(i), password, true, false);
                operators.add(op);
                consoles.add(op);
            }
            for (BenchConsole op : operators) {
                op.presence("AVAILABLE");
                op.awaitPresence("AVAILABLE", 10);
            }
            System.out.printf(Locale.ROOT, "%d operators connected and available%s%n", operators.size(),
                    settings.supervisor() ? ", 1 supervisor watching the queue" : "");
            for (BenchConsole op : operators) {
                Thread.ofVirtual().name("bench-" + op.username).start(() -> work(op));
            }

            if (settings.warmupCalls() > 0) {
                Phase warm = phase(settings.warmupCalls(), settings.concurrency(), settings.talkMs());
                pings(Math.min(500, Math.max(50, settings.floorPings())), Math.max(20, warm.callsPerSecond()));
                if (settings.floorCalls() > 0) {
                    phase(Math.min(20, settings.floorCalls()), 1, 0);
                }
                System.out.printf(Locale.ROOT, "warm-up: %d calls at %.1f calls/s, %d errors%n",
                        warm.done.get(), warm.callsPerSecond(), warm.errors.get());
            }

            List<RunResult> results = new ArrayList<>();
            for (int run = 1; run <= settings.runs(); run++) {
                target.stages();
                long[] before = target.stats();
                long benchCpu = BenchServer.cpuNanos();
                long postgres = postgresTicks(data);
                long[] machine = machineTicks();
                long wall = System.nanoTime();
                Phase load = phase(settings.calls(), settings.concurrency(), settings.talkMs());
                double seconds = (System.nanoTime() - wall) / 1e9;
                long[] machineAfter = machineTicks();
                long postgresAfter = postgresTicks(data);
                long[] after = target.stats();
                Cpu cpu = new Cpu(machineAfter[1] - machine[1] <= 0 ? Double.NaN
                        : Runtime.getRuntime().availableProcessors() * (double) (machineAfter[0] - machine[0])
                                / (machineAfter[1] - machine[1]),
                        (after[2] - before[2]) / 1e9 / seconds, (BenchServer.cpuNanos() - benchCpu) / 1e9 / seconds,
                        (postgresAfter - postgres) / (double) CLOCK_TICKS / seconds);
                Latencies.Summary[] stages = target.stages();
                long heap = target.heapAfterGc();
                double rate = Math.max(1, load.callsPerSecond());
                Latencies.Summary stompFloor = pings(settings.floorPings(), rate);
                target.stages();
                Latencies.Summary quiet = settings.floorCalls() > 0 ? phase(settings.floorCalls(), 1, 0).pops.summary()
                        : Latencies.Summary.EMPTY;
                Latencies.Summary[] quietStages = target.stages();
                RunResult result = new RunResult(load.pops.summary(), load.firstWave.summary(),
                        load.afterFirstWave.summary(), load.callsPerSecond(), load.errors.get(), stompFloor, rate,
                        quiet, heap,
                        after[0] - before[0], after[1] - before[1], cpu, stages, quietStages);
                results.add(result);
                printRun(run, load, result);
            }
            if (BenchConsole.SERVER_ERRORS.get() > 0) {
                System.out.println("note: the server sent " + BenchConsole.SERVER_ERRORS.get()
                        + " errors on the operators' error queues (first ones printed above)");
            }
            if (strayPops.get() > 0) {
                System.out.println("note: " + strayPops.get() + " pops arrived outside any measured phase");
            }
            return results;
        } finally {
            running = false;
            closeAll(consoles, stomp, heartbeats);
        }
    }

    /** Closes the operators' sessions, then the STOMP client; the server may already be going. */
    static void closeAll(List<BenchConsole> consoles, WebSocketStompClient stomp, ThreadPoolTaskScheduler heartbeats)
            throws InterruptedException {
        for (BenchConsole console : consoles) {
            try {
                console.close();
            } catch (RuntimeException e) {
                // the server may already be going
            }
        }
        // Let the server handle the disconnects before it is stopped.
        Thread.sleep(1000);
        stomp.stop();
        heartbeats.shutdown();
    }

    /** One thread sending the consoles' STOMP heart-beats; shut it down after the client. */
    static ThreadPoolTaskScheduler heartbeats() {
        ThreadPoolTaskScheduler heartbeats = new ThreadPoolTaskScheduler();
        heartbeats.setPoolSize(1);
        heartbeats.setThreadNamePrefix("bench-heartbeat-");
        heartbeats.setDaemon(true);
        heartbeats.initialize();
        return heartbeats;
    }

    /** A STOMP-over-WebSocket client with the browser console's heart-beats. */
    static WebSocketStompClient stompClient(ThreadPoolTaskScheduler heartbeats) {
        WebSocketStompClient stomp = new WebSocketStompClient(new StandardWebSocketClient());
        stomp.setTaskScheduler(heartbeats);
        stomp.setDefaultHeartbeat(new long[] {10_000, 10_000});
        stomp.setInboundMessageSizeLimit(64 * 1024);
        return stomp;
    }

    /** Places {@code total} calls keeping {@code concurrency} in progress, and waits until all are done. */
    private Phase phase(int total, int concurrency, long talkMs) throws InterruptedException {
        Phase phase = new Phase(total, concurrency, talkMs, operators.size());
        current.set(phase);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.phaseTimeoutSeconds());
        phase.startNanos = System.nanoTime();
        for (int i = 0; i < total; i++) {
            if (!phase.slots.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                break;
            }
            int n = callNumber.incrementAndGet();
            lineCalls.execute(() -> place(phase, n));
        }
        boolean complete = phase.finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        current.compareAndSet(phase, null);
        if (!complete) {
            phase.error("phase timed out with " + phase.finished.getCount() + " of " + total + " calls unfinished");
            System.out.println("WARNING: phase of " + total + " calls did not finish within "
                    + settings.phaseTimeoutSeconds() + " s; " + phase.finished.getCount() + " unfinished");
        }
        return phase;
    }

    /** The line: a caller dials in and answers the IVR (English, not in immediate danger, someone else). */
    private void place(Phase phase, int n) {
        // Obviously fake numbers (555-01xx), a thousand distinct callers, so some call again as real callers do.
        String number = String.format(Locale.ROOT, "+1 555 0100 %04d", n % 1000);
        try {
            ConsoleClient.Response placed = line.post("/api/sim/calls", Map.of("callerNumber", number,
                    "language", "en", "immediateDanger", "NO", "callerType", "SOMEONE_ELSE"));
            if (placed.status() != 201) {
                phase.error("placing a call answered " + placed.status());
                phase.slots.release();
                phase.callDone(false);
            }
        } catch (RuntimeException e) {
            phase.error("placing a call failed: " + e.getClass().getSimpleName());
            phase.slots.release();
            phase.callDone(false);
        }
    }

    /** An operator at work: each pop is answered, the form opened and filled, the call ended, the report submitted. */
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
            Phase phase = current.get();
            if (phase == null) {
                strayPops.incrementAndGet();
                phase = new Phase(1, 1, 0, 1);
            }
            JsonNode pop = arrival.body();
            Instant ringingAt = Instant.parse(pop.get("ringingAt").asString());
            phase.pop(ChronoUnit.MICROS.between(ringingAt, arrival.at()));
            String report = pop.get("report").asString();
            String sim = "/api/sim/calls/" + pop.get("providerCallId").asString();
            boolean slotHeld = true;
            try {
                expect(phase, "open report", op.http.get("/api/reports/" + report), 200);
                expect(phase, "answer", op.http.post(sim + "/answer", null), 204);
                if (phase.talkMs > 0) {
                    // Talk times vary (here 0.5 to 1.5 times the setting), so operators do not finish in lockstep.
                    Thread.sleep((long) (phase.talkMs * (0.5 + ThreadLocalRandom.current().nextDouble())));
                }
                expect(phase, "save field", op.http.put("/api/reports/" + report + "/fields/situation",
                        Map.of("value", "POTENTIAL")), 200);
                expect(phase, "hang up", op.http.post(sim + "/operator-hangup", null), 204);
                phase.slots.release();
                slotHeld = false;
                expect(phase, "submit", op.http.post("/api/reports/" + report + "/submit", null), 200);
                if (settings.presenceAfterSubmit()) {
                    op.presence("AVAILABLE");
                }
                phase.callDone(true);
            } catch (RuntimeException | InterruptedException e) {
                phase.error(op.username + ": " + e.getMessage());
                if (slotHeld) {
                    phase.slots.release();
                }
                phase.callDone(false);
                // Whatever state the call was left in, this operator wants the next one.
                op.presence("AVAILABLE");
            }
        }
    }

    private static void expect(Phase phase, String step, ConsoleClient.Response response, int status) {
        if (response.status() != status) {
            throw new IllegalStateException(step + " answered " + response.status() + " instead of " + status);
        }
    }

    /**
     * The floor: a STOMP frame the product's channel refuses (an unknown presence) and answers on the sender's
     * error queue, through the same inbound channel, security, message handling, broker and outbound channel
     * as a pop; spread over the operators' sessions at {@code rate} per second.
     */
    private Latencies.Summary pings(int count, double rate) throws InterruptedException {
        if (count == 0) {
            return Latencies.Summary.EMPTY;
        }
        Latencies rtts = new Latencies(count);
        CountDownLatch answered = new CountDownLatch(count);
        for (BenchConsole op : operators) {
            op.onPingReply(nanos -> {
                rtts.add(nanos / 1000);
                answered.countDown();
            });
        }
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            operators.get(i % operators.size()).ping();
            next += interval;
            for (long wait; (wait = next - System.nanoTime()) > 0;) {
                LockSupport.parkNanos(wait);
            }
        }
        if (!answered.await(10, TimeUnit.SECONDS)) {
            System.out.println("WARNING: " + answered.getCount() + " of " + count + " pings unanswered");
        }
        return rtts.summary();
    }

    private void printRun(int run, Phase load, RunResult r) {
        System.out.printf(Locale.ROOT, "%nrun %d/%d: %d calls done, %d concurrent, %d operators, %.1f calls/s "
                        + "sustained, %d errors%s%n", run, settings.runs(), load.done.get(), settings.concurrency(),
                settings.operators(), r.callsPerSecond(), r.errors(),
                load.firstError.get() == null ? "" : " (first: " + load.firstError.get() + ")");
        System.out.println("  screen pop, ringing -> operator's STOMP client:  " + r.pop().format());
        System.out.println("    of which the first wave (all ring at once):    " + r.firstWave().format());
        System.out.println("    of which the rest:                             " + r.afterFirstWave().format());
        System.out.printf(Locale.ROOT,
                "  floor, bare STOMP round trip at %5.1f/s:     %s   pop/floor p50 x%.1f p99 x%.1f%n",
                r.pingRate(), r.stompFloor().format(), r.pop().p50() / r.stompFloor().p50(),
                r.pop().p99() / r.stompFloor().p99());
        System.out.printf(Locale.ROOT,
                "  floor, screen pop one call at a time:        %s   pop/floor p50 x%.1f p99 x%.1f%n",
                r.quietPop().format(), r.pop().p50() / r.quietPop().p50(), r.pop().p99() / r.quietPop().p99());
        System.out.printf(Locale.ROOT,
                "  server heap used after GC %.1f MB; GC pauses during the load: %d, %d ms in all%n",
                r.heapBytes() / 1048576.0, r.gcCount(), r.gcMillis());
        System.out.printf(Locale.ROOT,
                "  CPU during the load, in cores: machine %.2f of %d, server JVM %.2f, PostgreSQL %.2f, "
                        + "benchmark JVM %.2f, OS and other processes %.2f%n", r.cpu().machine(),
                Runtime.getRuntime().availableProcessors(), r.cpu().server(), r.cpu().postgres(), r.cpu().benchmark(),
                r.cpu().others());
        if (r.cpu().others() > OTHERS_WARNING) {
            System.out.printf(Locale.ROOT,
                    "  WARNING: other processes used %.2f cores during this run: its figures are "
                    + "disturbed%n", r.cpu().others());
        }
        printStages("load", r.stages());
        printStages("one call at a time", r.quietStages());
    }

    private static void printStages(String phase, Latencies.Summary[] stages) {
        for (int i = 0; i < stages.length && i < ServerStages.NAMES.length; i++) {
            System.out.printf(Locale.ROOT, "  %s, server stage ringing -> %-29s %s%n", phase,
                    ServerStages.NAMES[i] + ":",
                    stages[i].format());
        }
    }

    /** Linux's USER_HZ, the unit of /proc/[pid]/stat times; 100 on every common kernel build. */
    static final int CLOCK_TICKS = 100;

    /** Above this many cores used by the OS and other processes, a run is flagged as disturbed. */
    static final double OTHERS_WARNING = 0.25;

    /**
     * CPU ticks (user + system) of the embedded PostgreSQL's processes, found as the processes working in the
     * benchmark's data directory (PostgreSQL runs in its data directory); 0 where /proc cannot tell.
     */
    static long postgresTicks(Path data) {
        Path dir = data.toAbsolutePath();
        long ticks = 0;
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Path> pids = procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList();
            for (Path proc : pids) {
                try {
                    if (!Files.readSymbolicLink(proc.resolve("cwd")).startsWith(dir)) {
                        continue;
                    }
                    String stat = Files.readString(proc.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // Fields 14 and 15 of /proc/[pid]/stat, counted after the command name.
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks;
    }

    /** Busy and total jiffies of all CPUs, from /proc/stat; zeros where there is none. */
    static long[] machineTicks() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String cpu = lines.filter(l -> l.startsWith("cpu ")).findFirst().orElse("");
            long[] f = Arrays.stream(cpu.substring(3).strip().split("\\s+")).mapToLong(Long::parseLong).toArray();
            long total = Arrays.stream(f).limit(8).sum();
            long idle = f[3] + f[4];
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private void report(List<RunResult> results) {
        Latencies.Summary pop = Latencies.Summary.medianOf(results.stream().map(RunResult::pop).toList());
        Latencies.Summary stompFloor = Latencies.Summary.medianOf(results.stream().map(RunResult::stompFloor).toList());
        Latencies.Summary quiet = Latencies.Summary.medianOf(results.stream().map(RunResult::quietPop).toList());
        double rate = Latencies.median(results.stream().mapToDouble(RunResult::callsPerSecond).toArray());
        double heap = Latencies.median(results.stream().mapToDouble(RunResult::heapBytes).toArray()) / 1048576.0;
        double machineCpu = Latencies.median(results.stream().mapToDouble(r -> r.cpu().machine()).toArray());
        double serverCpu = Latencies.median(results.stream().mapToDouble(r -> r.cpu().server()).toArray());
        double benchCpu = Latencies.median(results.stream().mapToDouble(r -> r.cpu().benchmark()).toArray());
        double postgresCpu = Latencies.median(results.stream().mapToDouble(r -> r.cpu().postgres()).toArray());
        double othersCpu = Latencies.median(results.stream().mapToDouble(r -> r.cpu().others()).toArray());
        System.out.printf(Locale.ROOT,
                "%n== median of %d runs (%d calls each, %d concurrent, %d operators, talk %d ms)%n",
                results.size(), settings.calls(), settings.concurrency(), settings.operators(), settings.talkMs());
        System.out.println("screen pop:              " + pop.format());
        System.out.println("  first wave:            "
                + Latencies.Summary.medianOf(results.stream().map(RunResult::firstWave).toList()).format());
        System.out.println("  after the first wave:  "
                + Latencies.Summary.medianOf(results.stream().map(RunResult::afterFirstWave).toList()).format());
        System.out.println("floor, STOMP round trip: " + stompFloor.format());
        System.out.println("floor, one call at once: " + quiet.format());
        System.out.printf(Locale.ROOT, "ratio to STOMP floor:    p50 x%.1f  p99 x%.1f%n", pop.p50() / stompFloor.p50(),
                pop.p99() / stompFloor.p99());
        System.out.printf(Locale.ROOT, "ratio to quiet pop:      p50 x%.1f  p99 x%.1f%n", pop.p50() / quiet.p50(),
                pop.p99() / quiet.p99());
        System.out.printf(Locale.ROOT, "sustained:               %.1f calls/s; server heap after GC %.1f MB%n", rate,
                heap);
        System.out.printf(Locale.ROOT, "CPU in cores:            machine %.2f, server JVM %.2f, PostgreSQL %.2f, "
                + "benchmark JVM %.2f, OS and others %.2f%n", machineCpu, serverCpu, postgresCpu, benchCpu, othersCpu);
        long disturbed = results.stream().filter(r -> r.cpu().others() > OTHERS_WARNING).count();
        if (disturbed > 0) {
            System.out.printf(Locale.ROOT, "WARNING: %d of %d runs shared the machine with other work (see above)%n",
                    disturbed, results.size());
        }
        System.out.printf(Locale.ROOT, "target p99 < %.0f ms:      %s (p99 %.2f ms)%n", settings.targetP99Ms(),
                pop.p99() < settings.targetP99Ms() ? "MET" : "NOT MET", pop.p99());
    }

    static void printMachine() {
        long ram = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.replaceFirst(".*:\\s*", ""))
                    .orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        System.out.printf(Locale.ROOT, "machine: %d CPUs (%s), %.1f GiB RAM, %s %s; JDK %s %s; benchmark GC %s%n",
                Runtime.getRuntime().availableProcessors(), cpu, ram / 1073741824.0, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("java.runtime.version"), BenchServer.gcName());
    }

    private Target inProcess(Path data, String password) {
        return inProcess(BenchServer.start(data, settings.operators(), password, settings.tick(),
                settings.serverProperties(), settings.stages()), settings.stages());
    }

    /** A server started in this JVM, as a {@link Target} (the benchmarks' {@code bench.fork=false}). */
    static Target inProcess(BenchServer server, boolean stages) {
        return new Target() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public long heapAfterGc() {
                return BenchServer.heapAfterGc();
            }

            @Override
            public long[] stats() {
                return BenchServer.stats();
            }

            @Override
            public Latencies.Summary[] stages() {
                return stages ? BenchServer.parseStages(BenchServer.drainStages()) : new Latencies.Summary[0];
            }

            @Override
            public String gcName() {
                return BenchServer.gcName();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** The server in a JVM of its own, on the same classpath, driven over its stdin and stdout. */
    static final class Forked implements Target {
        private final Process process;
        private final Writer commands;
        private final BlockingQueue<String> replies;
        private final int port;
        private final String gcName;
        private boolean stages;

        private Forked(Process process, BlockingQueue<String> replies, String ready) {
            this.process = process;
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.replies = replies;
            String[] parts = ready.split(" ");
            this.port = Integer.parseInt(parts[1]);
            this.gcName = parts[2].replace('_', ' ');
        }

        static Forked start(Path data, Settings settings, String password) throws Exception {
            return start(data, settings.serverJvmArgs(), settings.operators(), settings.tick(),
                    settings.serverProperties(), settings.stages(), password);
        }

        static Forked start(Path data, String jvmArgs, int operators, String tick, String properties,
                boolean stages, String password) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(Arrays.stream(jvmArgs.split("\\s+")).filter(a -> !a.isBlank()).toList());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchServer.class.getName(),
                    data.toString(), Integer.toString(operators), tick, properties, Boolean.toString(stages)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("BENCH_PASSWORD", password);
            Process process = builder.start();
            // If the benchmark is stopped: SIGTERM lets the server stop its PostgreSQL; the server may then hang
            // closing (see docs/benchmarks.md), so it is killed after a grace period.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.destroy();
                try {
                    if (!process.waitFor(15, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            }));
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            Thread.ofPlatform().daemon().name("bench-server-output").start(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = out.readLine()) != null;) {
                        if (l.startsWith(BenchServer.REPLY)) {
                            replies.add(l.substring(BenchServer.REPLY.length()));
                        } else {
                            System.err.println("[server] " + l);
                        }
                    }
                } catch (IOException e) {
                    // the server is gone
                }
                replies.add("gone");
            });
            String ready = replies.poll(180, TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("ready ")) {
                process.destroyForcibly();
                throw new IllegalStateException("the benchmark server did not start: " + ready);
            }
            Forked forked = new Forked(process, replies, ready);
            forked.stages = stages;
            return forked;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public String gcName() {
            return gcName;
        }

        @Override
        public long heapAfterGc() {
            return Long.parseLong(ask("heap").split(" ")[1]);
        }

        @Override
        public long[] stats() {
            String[] parts = ask("stats").split(" ");
            return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]),
                Long.parseLong(parts[4]), Long.parseLong(parts[5])};
        }

        @Override
        public Latencies.Summary[] stages() {
            return stages ? BenchServer.parseStages(ask("stages").substring("stages ".length()))
                    : new Latencies.Summary[0];
        }

        private synchronized String ask(String command) {
            try {
                commands.write(command + "\n");
                commands.flush();
                String reply = replies.poll(60, TimeUnit.SECONDS);
                if (reply == null || !reply.startsWith(command + " ")) {
                    throw new IllegalStateException("the benchmark server answered '" + reply + "' to " + command);
                }
                return reply;
            } catch (IOException e) {
                throw new IllegalStateException("the benchmark server is gone", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                commands.write("stop\n");
                commands.close();
            } catch (IOException e) {
                // already gone
            }
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static void quietLogging() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.err.println("[bench] could not delete " + dir);
        }
    }
}
