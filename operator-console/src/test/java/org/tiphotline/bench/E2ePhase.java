package org.tiphotline.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One window of {@link EndToEndBenchmark}'s load; samples count only while it is open (the drain after the last
 * one is not measured). Each figure is kept overall and per node: for a webhook and an AGI session the node it was
 * sent to, for a pop the node the operator's console is connected to (with two nodes the call's webhooks or AGI
 * session may have reached the other one, and the pop came through the broker relay).
 */
final class E2ePhase {

    /** The figures of one node, or of all of them. */
    static final class Figures {
        final Latencies pop = new Latencies(8192);
        final Latencies popTwilio = new Latencies(4096);
        final Latencies popAsterisk = new Latencies(4096);
        final Latencies webhook = new Latencies(32768);
        final Map<String, Latencies> byHook = new ConcurrentHashMap<>();
        final Latencies agi = new Latencies(32768);
        final Latencies agiStart = new Latencies(4096);
    }

    final Figures all = new Figures();
    final Figures[] nodes;
    final AtomicInteger twilioDone = new AtomicInteger();
    final AtomicInteger asteriskDone = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final AtomicLong maxUsed = new AtomicLong();
    final AtomicLong maxCommitted = new AtomicLong();
    final long startNanos = System.nanoTime();
    final long startMillis = System.currentTimeMillis();
    final long deadline;

    E2ePhase(int seconds, int nodeCount) {
        deadline = startNanos + TimeUnit.SECONDS.toNanos(seconds);
        nodes = new Figures[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            nodes[i] = new Figures();
        }
    }

    boolean inWindow() {
        return System.nanoTime() < deadline;
    }

    void error(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    void pop(int node, boolean twilio, long micros) {
        if (inWindow()) {
            for (Figures f : new Figures[] {all, nodes[node]}) {
                f.pop.add(micros);
                (twilio ? f.popTwilio : f.popAsterisk).add(micros);
            }
        }
    }

    void webhook(int node, String path, long micros) {
        if (inWindow()) {
            int query = path.indexOf('?');
            String hook = query < 0 ? path : path.substring(0, query);
            for (Figures f : new Figures[] {all, nodes[node]}) {
                f.webhook.add(micros);
                f.byHook.computeIfAbsent(hook, p -> new Latencies(4096)).add(micros);
            }
        }
    }

    /** One FastAGI session's start and round trips, if it ended inside the window. */
    void agi(int node, AgiBenchmark.Timed timed) {
        if (inWindow()) {
            for (Figures f : new Figures[] {all, nodes[node]}) {
                f.agiStart.add(timed.first);
                timed.reported.forEach(f.agi::add);
                timed.plain.forEach(f.agi::add);
            }
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
