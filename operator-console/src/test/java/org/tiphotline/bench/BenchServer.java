package org.tiphotline.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;

/**
 * The hotline as the benchmark runs it: the whole application (embedded durable PostgreSQL, simulated line,
 * console) on loopback only, with no demo accounts but {@code bench-op-NN} operators and one {@code bench-line}
 * account that places the simulated calls. All names are obviously fake; nothing personal is involved.
 *
 * <p>Runs in the benchmark's JVM, or (the default) in a JVM of its own through {@link #main}, which the
 * benchmark drives over stdin/stdout: {@code heap} answers the heap in use after a full GC, {@code stats} the
 * cumulative collection count and time and CPU time, {@code stages} the {@link ServerStages} since the last
 * time; {@code stop} or the end of stdin (the benchmark died) shuts it down.
 */
final class BenchServer implements AutoCloseable {

    static final String LINE_USER = "bench-line";
    static final String REPLY = "@@bench ";

    private final RunningHotline hotline;

    private BenchServer(RunningHotline hotline) {
        this.hotline = hotline;
    }

    static final String WALL_USER = "bench-wall";
    static final int SUPERVISORS = 5;

    static String supervisorName(int i) {
        return "bench-sup-" + i;
    }

    static String operatorName(int i) {
        return String.format(Locale.ROOT, "bench-op-%02d", i);
    }

    /**
     * Starts the application on {@code dataDir} and creates {@code operators} operators plus the line account (none
     * with 0: a second node on the first's database).
     */
    static BenchServer start(Path dataDir, int operators, String password, String tick, String extraProperties,
            boolean stages) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.address", "127.0.0.1");
        properties.put("hotline.demo.accounts", "false");
        // The production default (RunningHotline's 100 ms suits tests that wait for offer timeouts).
        properties.put("hotline.routing.tick", tick);
        properties.put("logging.level.root", "WARN");
        properties.putAll(parseProperties(extraProperties));
        if (stages) {
            properties.merge("spring.main.sources", ServerStages.class.getName(), (a, b) -> a + "," + b);
        }
        RunningHotline hotline = RunningHotline.start(dataDir, properties);
        if (operators == 0) {
            // A second node of two (EndToEndBenchmark): the accounts are the first node's, in the shared database.
            return new BenchServer(hotline);
        }
        Operators accounts = hotline.bean(Operators.class);
        // One Argon2 hash for all: hashing is deliberately slow, and every account has the same throw-away password.
        String hash = hotline.bean(PasswordEncoder.class).encode(password);
        for (int i = 1; i <= operators; i++) {
            accounts.create(operatorName(i), String.format(Locale.ROOT, "Bench Operator %02d (fake)", i), hash,
                    Role.OPERATOR, List.of("en"), null);
        }
        accounts.create(LINE_USER, "Bench Line (fake)", hash, Role.SUPERVISOR, List.of("en"), null);
        // The watchers of bench.watchers: a wall display and five supervisors.
        accounts.create(WALL_USER, "Bench Wall (fake)", hash, Role.WALLBOARD, List.of("en"), null);
        for (int i = 1; i <= SUPERVISORS; i++) {
            accounts.create(supervisorName(i), String.format(Locale.ROOT, "Bench Supervisor %d (fake)", i), hash,
                    Role.SUPERVISOR, List.of("en"), null);
        }
        return new BenchServer(hotline);
    }

    /** {@code key=value;key=value}, for trying the server with other settings (see docs/benchmarks.md). */
    static Map<String, String> parseProperties(String text) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String pair : text == null ? new String[0] : text.split(";")) {
            if (!pair.isBlank()) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("server properties are key=value;key=value: " + pair);
                }
                properties.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return properties;
    }

    int port() {
        return hotline.port();
    }

    /** Bytes of heap in use right after a full collection: the live set, in this JVM. */
    static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Cumulative count and milliseconds of this JVM's GC pauses, its CPU nanoseconds, and the heap in use and
     * committed now (bytes). Pauses only: ZGC's
     * "Cycles" and G1's "Concurrent GC" collectors report time spent alongside the application, not stopping it.
     */
    static long[] stats() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Cycles") || gc.getName().contains("Concurrent")) {
                continue;
            }
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        java.lang.management.MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new long[] {count, millis, cpuNanos(), heap.getUsed(), heap.getCommitted()};
    }

    static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** The server-side stages recorded since the last call, as {@code count p50 p90 p99 max} per stage. */
    static String drainStages() {
        StringBuilder reply = new StringBuilder();
        for (Latencies stage : ServerStages.drain()) {
            Latencies.Summary s = stage.summary();
            reply.append(String.format(Locale.ROOT, " %d %.3f %.3f %.3f %.3f", s.count(), s.p50(), s.p90(), s.p99(),
                    s.max()));
        }
        return reply.toString().strip();
    }

    static Latencies.Summary[] parseStages(String reply) {
        String[] f = reply.strip().split("\\s+");
        Latencies.Summary[] stages = new Latencies.Summary[f.length / 5];
        for (int i = 0; i < stages.length; i++) {
            stages[i] = new Latencies.Summary(Integer.parseInt(f[5 * i]), Double.parseDouble(f[5 * i + 1]),
                    Double.parseDouble(f[5 * i + 2]), Double.parseDouble(f[5 * i + 3]),
                    Double.parseDouble(f[5 * i + 4]));
        }
        return stages;
    }

    static String gcName() {
        return String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
    }

    @Override
    public void close() {
        hotline.close();
    }

    /**
     * Arguments: data directory, number of operators, routing tick, extra properties ({@code key=value;...}, may be
     * empty), whether to record {@link ServerStages}. The password comes in the environment variable
     * BENCH_PASSWORD, so it is never on a command line.
     */
    public static void main(String[] args) throws Exception {
        String password = System.getenv("BENCH_PASSWORD");
        if (args.length != 5 || password == null || password.isBlank()) {
            System.err.println("usage: BenchServer <data-dir> <operators> <tick> <properties> <stages>, "
                    + "password in BENCH_PASSWORD");
            System.exit(64);
        }
        try (BenchServer server = start(Path.of(args[0]), Integer.parseInt(args[1]), password, args[2], args[3],
                Boolean.parseBoolean(args[4]))) {
            reply("ready " + server.port() + " " + gcName().replace(' ', '_'));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String command; (command = in.readLine()) != null && !command.equals("stop");) {
                switch (command) {
                    case "heap" -> reply("heap " + heapAfterGc());
                    case "stats" -> {
                        long[] stats = stats();
                        reply("stats " + stats[0] + " " + stats[1] + " " + stats[2] + " " + stats[3] + " "
                                + stats[4]);
                    }
                    case "stages" -> reply("stages " + drainStages());
                    default -> reply("error unknown command");
                }
            }
        }
        System.exit(0);
    }

    private static void reply(String line) {
        synchronized (System.out) {
            System.out.println(REPLY + line);
            System.out.flush();
        }
    }
}
