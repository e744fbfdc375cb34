package org.tiphotline.console.online;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.tiphotline.console.web.RateWindows;

/**
 * A fixed window per address ({@link RateWindows}).
 *
 * <p>IPv6 addresses are counted per /64: one household or phone usually holds a whole /64 and could otherwise
 * take a fresh address for every report.
 */
public final class AddressRateLimit {

    private final RateWindows windows;

    AddressRateLimit(int limit, Duration length, int capacity, Clock clock) {
        this.windows = new RateWindows(limit, length, capacity, clock);
    }

    /** Counts one attempt; empty when allowed, else how long until the address may try again. */
    Optional<Duration> attempt(String address) {
        return windows.attempt(key(address));
    }

    int tracked() {
        return windows.tracked();
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
