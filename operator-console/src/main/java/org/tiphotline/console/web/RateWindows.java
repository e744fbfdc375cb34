package org.tiphotline.console.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A fixed window per key (an address, a user), in memory, with a bounded table. The table is kept in the order
 * windows started, so expired windows are dropped from its head and, when it is full, the window closest to its end
 * is forgotten first: memory stays bounded and the worst a flood of keys does is reset other keys' counts early.
 */
public final class RateWindows {

    private static final class Window {
        final Instant start;
        int count;

        Window(Instant start) {
            this.start = start;
        }
    }

    private final int limit;
    private final Duration length;
    private final int capacity;
    private final Clock clock;
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    public RateWindows(int limit, Duration length, int capacity, Clock clock) {
        this.limit = limit;
        this.length = length;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Counts one attempt; empty when allowed, else how long until the key may try again. */
    public synchronized Optional<Duration> attempt(String key) {
        Instant now = clock.instant();
        dropExpired(now);
        Window window = windows.get(key);
        if (window == null) {
            if (windows.size() >= capacity) {
                Iterator<Map.Entry<String, Window>> oldest = windows.entrySet().iterator();
                oldest.next();
                oldest.remove();
            }
            window = new Window(now);
            windows.put(key, window);
        }
        if (window.count >= limit) {
            return Optional.of(Duration.between(now, window.start.plus(length)));
        }
        window.count++;
        return Optional.empty();
    }

    /**
     * Gives back an allowed attempt that turned out not to count (it was refused). Counting first and giving back
     * after, rather than counting after success, keeps parallel requests from all slipping under the limit.
     */
    public synchronized void release(String key) {
        Window window = windows.get(key);
        if (window != null && window.count > 0) {
            window.count--;
        }
    }

    public synchronized int tracked() {
        return windows.size();
    }

    private void dropExpired(Instant now) {
        Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue().start.plus(length).isAfter(now)) {
                return;
            }
            it.remove();
        }
    }
}
