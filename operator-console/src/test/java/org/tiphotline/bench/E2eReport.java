package org.tiphotline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.tiphotline.bench.EndToEndBenchmark.NodeResult;
import org.tiphotline.bench.EndToEndBenchmark.RunResult;

/**
 * What {@link EndToEndBenchmark} prints: each run, the medians of one configuration (overall and per node), the
 * webhooks' time inside the server from each node's Tomcat access log and, with {@code bench.stages}, by part
 * ({@link WebhookStages}); at the end the configurations side by side.
 */
final class E2eReport {

    /** One configuration's medians, for the side-by-side table. */
    record Headline(int nodes, Latencies.Summary pop, Latencies.Summary webhook, Latencies.Summary inServer,
            Latencies.Summary agi, double callsPerSecond, double heapMb, int errors, double machineCpu,
            double othersCpu, boolean targetsMet) {}

    private final EndToEndBenchmark.Settings settings;
    private final E2eNodes nodes;
    /** Each measured window, in wall-clock milliseconds: start, end. */
    final List<long[]> windows = new ArrayList<>();

    E2eReport(EndToEndBenchmark.Settings settings, E2eNodes nodes) {
        this.settings = settings;
        this.nodes = nodes;
    }

    void printRun(int run, E2ePhase load, RunResult r) {
        System.out.printf(Locale.ROOT, "%n-- run %d/%d, %s: %d s, %d calls in progress, %d operators: %.1f calls/s "
                + "(Twilio %.1f, FastAGI %.1f), %d errors%s%n", run, settings.runs(), nodesName(nodes.count()),
                settings.seconds(), settings.calls(), settings.operators(), r.callsPerSecond(), r.twilioPerSecond(),
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
        for (int n = 0; n < r.nodes().size(); n++) {
            NodeResult node = r.nodes().get(n);
            if (r.nodes().size() > 1) {
                printNode(n, node);
            }
            for (int i = 0; i < node.stages().length && i < ServerStages.NAMES.length; i++) {
                System.out.printf(Locale.ROOT, "  %sserver stage ringing -> %-29s %s%n",
                        r.nodes().size() > 1 ? "node " + E2eNodes.NAMES[n] + " " : "", ServerStages.NAMES[i] + ":",
                        node.stages()[i].format());
            }
        }
    }

    private static void printNode(int n, NodeResult node) {
        System.out.printf(Locale.ROOT, "node %s: server JVM %.2f cores, heap after GC %.1f MB%n", E2eNodes.NAMES[n],
                node.serverCpu(), node.heapAfterGc() / 1048576.0);
        System.out.println("  screen pop (its consoles): " + node.pop().format());
        System.out.println("  Twilio webhooks (to it):   " + node.webhook().format());
        System.out.println("  AGI round trip (to it):    " + node.agi().format());
    }

    private static void printCpu(String label, ScreenPopBenchmark.Cpu cpu) {
        System.out.printf(Locale.ROOT, "%s machine %.2f of %d, server JVM(s) %.2f, PostgreSQL %.2f, benchmark JVM "
                + "%.2f, OS and other processes %.2f%n", label, cpu.machine(),
                Runtime.getRuntime().availableProcessors(), cpu.server(), cpu.postgres(), cpu.benchmark(),
                cpu.others());
    }

    static String nodesName(int count) {
        return count == 1 ? "one node" : count + " nodes";
    }

    /**
     * The Twilio webhooks' time inside the server per measured window, from the access logs of {@code logs}
     * ({@code %D}: microseconds from reading the request to writing the response); empty if there is no log.
     */
    private List<Latencies.Summary> serverSide(List<Path> logs) {
        List<String> lines = new ArrayList<>();
        for (Path dir : logs) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    lines.addAll(Files.readAllLines(file));
                }
            } catch (IOException e) {
                return List.of();
            }
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
     * With {@code bench.stages}: per webhook path, over all measured windows and all nodes, where the time inside
     * the server went ({@link WebhookStages}): p50 and p99 of each part, and the mean number of transactions,
     * statements and commits per request. "Other" is the total less the three measured parts.
     */
    private void printWebhookStages() {
        List<String> lines = new ArrayList<>();
        for (Path file : nodes.webhookStages) {
            try {
                lines.addAll(Files.readAllLines(file));
            } catch (IOException e) {
                // no such file: stages were off, or the node wrote none
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        // path -> parts (total, begin, sql, commit, other) and counts (requests, begins, statements, commits)
        Map<String, Latencies[]> parts = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>();
        List<String[]> measured = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 12) {
                continue;
            }
            long begin = Long.parseLong(f[0]);
            if (windows.stream().noneMatch(w -> begin >= w[0] && begin < w[1])) {
                continue;
            }
            measured.add(f);
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
        // The slowest 1 %, one line each: where a tail request's time went, which statement it waited in, and when
        // (tails that share a moment point at something the whole server did then: a commit's fsync, a tick).
        measured.sort(java.util.Comparator.comparingLong((String[] f) -> Long.parseLong(f[2])).reversed());
        int tail = Math.max(1, measured.size() / 100);
        System.out.printf(Locale.ROOT, "the slowest %d webhooks inside the server (at ms since the first window, "
                + "path, total/sql/commit ms, slowest statement ms and its round trip, its start):%n", tail);
        long first = windows.stream().mapToLong(w -> w[0]).min().orElse(0);
        measured.stream().limit(tail).sorted(java.util.Comparator.comparingLong(f -> Long.parseLong(f[0])))
                .forEach(f -> System.out.printf(Locale.ROOT, "  %7d %-24s %5.1f/%4.1f/%4.1f  %4.1f/%4.1f %s%n",
                        Long.parseLong(f[0]) - first, f[1], Long.parseLong(f[2]) / 1000.0,
                        Long.parseLong(f[5]) / 1000.0, Long.parseLong(f[7]) / 1000.0, Long.parseLong(f[9]) / 1000.0,
                        Long.parseLong(f[10]) / 1000.0, f[11]));
    }

    /** The medians of one configuration, overall and per node; answers its headline. */
    Headline report(List<RunResult> results, int allErrors) {
        Latencies.Summary pop = median(results, RunResult::pop);
        Latencies.Summary webhook = median(results, RunResult::webhook);
        Latencies.Summary agi = median(results, RunResult::agi);
        double heapMb = medianOf(results, RunResult::heapAfterGc) / 1048576.0;
        double maxCommittedMb = results.stream().mapToLong(RunResult::maxCommitted).max().orElse(0) / 1048576.0;
        double maxUsedMb = results.stream().mapToLong(RunResult::maxUsed).max().orElse(0) / 1048576.0;
        int errors = results.stream().mapToInt(RunResult::errors).sum();
        System.out.printf(Locale.ROOT, "%n== %s: median of %d runs (%d s each; %d calls in progress, %d%% through "
                + "Twilio, the rest through FastAGI; %d operators answering, saving %d fields, submitting)%n",
                nodesName(nodes.count()), results.size(), settings.seconds(), settings.calls(),
                settings.twilioPercent(), settings.operators(), E2eTraffic.FIELDS.size());
        System.out.println("screen pop, all:           " + pop.format());
        System.out.println("  Twilio calls:            " + median(results, RunResult::popTwilio).format());
        System.out.println("  FastAGI calls:           " + median(results, RunResult::popAsterisk).format());
        System.out.println("Twilio webhooks, all:      " + webhook.format());
        System.out.println("  voice webhook:           " + median(results, RunResult::voice).format());
        List<Latencies.Summary> inServer = serverSide(nodes.accessLogs);
        Latencies.Summary inServerMedian = Latencies.Summary.EMPTY;
        if (!inServer.isEmpty()) {
            for (int i = 0; i < inServer.size(); i++) {
                System.out.printf(Locale.ROOT, "  in the server, run %d:    %s%n", i + 1, inServer.get(i).format());
            }
            inServerMedian = Latencies.Summary.medianOf(inServer);
            System.out.println("  in the server (Tomcat):  " + inServerMedian.format());
        }
        printWebhookStages();
        System.out.println("AGI round trip:            " + agi.format());
        System.out.println("  AGI session start:       " + median(results, RunResult::agiStart).format());
        if (nodes.count() > 1) {
            for (int n = 0; n < nodes.count(); n++) {
                int i = n;
                Function<Function<NodeResult, Latencies.Summary>, Latencies.Summary> perNode = figure ->
                        median(results, r -> figure.apply(r.nodes().get(i)));
                System.out.printf(Locale.ROOT, "node %s (median): server JVM %.2f cores, heap after GC %.1f MB%n",
                        E2eNodes.NAMES[n], medianOf(results, r -> r.nodes().get(i).serverCpu()),
                        medianOf(results, r -> r.nodes().get(i).heapAfterGc()) / 1048576.0);
                System.out.println("  screen pop (its consoles): " + perNode.apply(NodeResult::pop).format());
                System.out.println("  Twilio webhooks (to it):   " + perNode.apply(NodeResult::webhook).format());
                List<Latencies.Summary> its = serverSide(List.of(nodes.accessLogs.get(n)));
                if (!its.isEmpty()) {
                    System.out.println("    in the server (Tomcat):  " + Latencies.Summary.medianOf(its).format());
                }
                System.out.println("  AGI round trip (to it):    " + perNode.apply(NodeResult::agi).format());
            }
        }
        double callsPerSecond = medianOf(results, RunResult::callsPerSecond);
        System.out.printf(Locale.ROOT, "sustained:                 %.1f calls/s (Twilio %.1f, FastAGI %.1f), "
                + "reports submitted%n", callsPerSecond, medianOf(results, RunResult::twilioPerSecond),
                medianOf(results, RunResult::asteriskPerSecond));
        System.out.printf(Locale.ROOT, "server heap:               %.1f MB in use after GC (median; the larger node's "
                + "with two), at most %.1f MB in use and %.1f MB committed during the runs%n", heapMb, maxUsedMb,
                maxCommittedMb);
        System.out.printf(Locale.ROOT, "errors:                    %d in the measured runs, %d in all%n", errors,
                allErrors);
        ScreenPopBenchmark.Cpu cpu = new ScreenPopBenchmark.Cpu(medianOf(results, r -> r.cpu().machine()),
                medianOf(results, r -> r.cpu().server()), medianOf(results, r -> r.cpu().benchmark()),
                medianOf(results, r -> r.cpu().postgres()));
        printCpu("CPU in cores (median):    ", cpu);
        long disturbed = results.stream().filter(r -> r.cpu().others() > ScreenPopBenchmark.OTHERS_WARNING).count();
        System.out.printf(Locale.ROOT, "disturbed:                 %s%n", disturbed == 0 ? "no"
                : disturbed + " of " + results.size() + " runs shared the machine with other work (see above)");
        boolean met = pop.p99() < settings.targetPopP99Ms() && webhook.p99() < settings.targetWebhookP99Ms()
                && heapMb < settings.targetHeapMb() && allErrors == 0;
        System.out.printf(Locale.ROOT, "targets (%s, %d calls, %d operators): screen pop p99 < %.0f ms %s (%.2f); "
                + "webhook p99 < %.0f ms %s (%.2f); heap < %d MB %s (%.1f after GC, %.1f committed at most); "
                + "no errors %s (%d)%n", nodesName(nodes.count()), settings.calls(), settings.operators(),
                settings.targetPopP99Ms(), pass(pop.p99() < settings.targetPopP99Ms()), pop.p99(),
                settings.targetWebhookP99Ms(), pass(webhook.p99() < settings.targetWebhookP99Ms()), webhook.p99(),
                settings.targetHeapMb(), pass(heapMb < settings.targetHeapMb()), heapMb, maxCommittedMb,
                pass(allErrors == 0), allErrors);
        return new Headline(nodes.count(), pop, webhook, inServerMedian, agi, callsPerSecond, heapMb, allErrors,
                cpu.machine(), cpu.others(), met);
    }

    /** The configurations of one invocation side by side (medians of each one's runs). */
    static void printSideBySide(List<Headline> headlines) {
        if (headlines.size() < 2) {
            return;
        }
        System.out.printf(Locale.ROOT, "%n== side by side (medians of each configuration's runs; ms)%n");
        System.out.printf(Locale.ROOT, "%-10s %-17s %-17s %-13s %-10s %-9s %-9s %-7s %-12s %s%n", "", "pop p50/p99",
                "webhook p50/p99", "in server p99", "AGI p99", "calls/s", "heap MB", "errors", "CPU (others)",
                "targets");
        for (Headline h : headlines) {
            System.out.printf(Locale.ROOT, "%-10s %-17s %-17s %-13s %-10s %-9s %-9s %-7d %-12s %s%n",
                    nodesName(h.nodes()), String.format(Locale.ROOT, "%.2f / %.2f", h.pop().p50(), h.pop().p99()),
                    String.format(Locale.ROOT, "%.2f / %.2f", h.webhook().p50(), h.webhook().p99()),
                    String.format(Locale.ROOT, "%.2f", h.inServer().p99()),
                    String.format(Locale.ROOT, "%.2f", h.agi().p99()),
                    String.format(Locale.ROOT, "%.1f", h.callsPerSecond()),
                    String.format(Locale.ROOT, "%.1f", h.heapMb()), h.errors(),
                    String.format(Locale.ROOT, "%.2f (%.2f)", h.machineCpu(), h.othersCpu()),
                    pass(h.targetsMet()));
        }
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
