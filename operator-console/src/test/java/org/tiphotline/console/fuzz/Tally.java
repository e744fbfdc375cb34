package org.tiphotline.console.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the inputs each edge received and the statuses it answered, so a campaign's figures (inputs, 5xx,
 * dropped connections) come from the run itself; appended to {@code target/fuzz-summary.txt}.
 */
final class Tally {

    private final String name;
    private final long started = System.nanoTime();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    Tally(String name) {
        this.name = name;
    }

    void count(String edge, int status) {
        counts.computeIfAbsent(edge + " " + (status < 0 ? "dropped" : status / 100 + "xx"), k -> new AtomicLong())
                .incrementAndGet();
        long n = counts.computeIfAbsent("inputs", k -> new AtomicLong()).incrementAndGet();
        // A long campaign stopped from outside still leaves its figures up to the last checkpoint.
        if (n % 10_000 == 0) {
            System.out.println("(progress) " + summary());
        }
    }

    /** One input to the edge that has no status of its own (a STOMP frame is answered, if at all, later). */
    void input(String edge) {
        counts.computeIfAbsent(edge, k -> new AtomicLong()).incrementAndGet();
        counts.computeIfAbsent("inputs", k -> new AtomicLong()).incrementAndGet();
    }

    /** Something observed, counted apart from the inputs. */
    void note(String what) {
        counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    long inputs() {
        AtomicLong n = counts.get("inputs");
        return n == null ? 0 : n.get();
    }

    String summary() {
        StringBuilder s = new StringBuilder(name).append(": ").append(inputs()).append(" inputs in ")
                .append((System.nanoTime() - started) / 1_000_000_000).append(" s");
        new TreeMap<>(counts).forEach((k, v) -> {
            if (!k.equals("inputs")) {
                s.append("; ").append(k).append(' ').append(v.get());
            }
        });
        return s.toString();
    }

    void write() {
        String line = summary();
        System.out.println(line);
        try {
            Files.writeString(Path.of("target", "fuzz-summary.txt"), java.time.Instant.now() + " " + line + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not write the fuzz summary: " + e);
        }
    }
}
