package org.tiphotline.console.online;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A fixed window per address, in memory, with a bounded table. The table is kept in the order windows started,
 * so expired windows are dropped from its head and, when it is full, the window closest to its end is forgotten
 * first: memory stays bounded and the worst a flood of addresses does is reset other addresses' counts early.
 *
 * <p>IPv6 addresses are counted per /64: one household or phone usually holds a whole /64 and could otherwise
 * take a fresh address for every report.
 */
public final class AddressRateLimit {

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

    AddressRateLimit(int limit, Duration length, int capacity, Clock clock) {
        this.limit = limit;
        this.length = length;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Counts one attempt; empty when allowed, else how long until the address may try again. */
    synchronized Optional<Duration> attempt(String address) {
        Instant now = clock.instant();
        dropExpired(now);
        String key = key(address);
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

    synchronized int tracked() {
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

    /** The unit an address is counted by: itself, or its /64 for IPv6 (shared by sign-in throttling). */
    public static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            // A literal only (the servlet gives one): no name lookup happens here.
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                prefix.append(String.format("%02x", bytes[i]));
            }
            return prefix.append("::/64").toString();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
