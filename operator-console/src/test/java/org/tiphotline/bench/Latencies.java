package org.tiphotline.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Latency samples in microseconds, kept exactly (a run holds at most a few hundred thousand): exact percentiles. */
final class Latencies {

    /** One phase's summary, in milliseconds. */
    record Summary(int count, double p50, double p90, double p99, double max) {

        static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        String format() {
            return String.format(Locale.ROOT, "p50 %7.2f  p90 %7.2f  p99 %7.2f  max %7.2f ms  (n=%d)", p50, p90, p99,
                    max, count);
        }

        /** The median of each figure over several runs (each taken on its own, as is usual for run-to-run medians). */
        static Summary medianOf(List<Summary> runs) {
            return new Summary((int) median(runs.stream().mapToDouble(Summary::count).toArray()),
                    median(runs.stream().mapToDouble(Summary::p50).toArray()),
                    median(runs.stream().mapToDouble(Summary::p90).toArray()),
                    median(runs.stream().mapToDouble(Summary::p99).toArray()),
                    median(runs.stream().mapToDouble(Summary::max).toArray()));
        }
    }

    private long[] micros;
    private int size;

    Latencies(int expected) {
        micros = new long[Math.max(16, expected)];
    }

    synchronized void add(long sampleMicros) {
        if (size == micros.length) {
            micros = Arrays.copyOf(micros, size * 2);
        }
        micros[size++] = sampleMicros;
    }

    synchronized int size() {
        return size;
    }

    synchronized Summary summary() {
        if (size == 0) {
            return Summary.EMPTY;
        }
        long[] sorted = Arrays.copyOf(micros, size);
        Arrays.sort(sorted);
        return new Summary(size, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), sorted[size - 1] / 1000.0);
    }

    /** Nearest-rank percentile: the smallest sample with at least {@code p} of all samples at or below it. */
    private static double rank(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
