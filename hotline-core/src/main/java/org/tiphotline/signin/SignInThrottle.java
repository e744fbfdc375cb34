package org.tiphotline.signin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Counts failed sign-ins per account and per address. After the free tries each failure makes the next try wait
 * twice as long (refused, not slept: a request thread is never held), and enough failures lock the account or the
 * address for a while. The account's count is by the name as typed, known or not, so the answers never tell an
 * existing account from an unknown one. Kept in memory: a restart forgives, which the database log does not.
 */
@Component
public class SignInThrottle {

    /** What a failure led to. */
    public enum Verdict { FAILED, LOCKED_OUT }

    private static final class Count {
        int failures;
        Instant last;
        Instant lockedUntil;
    }

    private final SignInSettings settings;
    private final Clock clock;
    private final Map<String, Count> accounts;
    private final Map<String, Count> addresses;

    public SignInThrottle(SignInSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.accounts = bounded(settings.tracked());
        this.addresses = bounded(settings.tracked());
    }

    /** How long until a try for this account from this address is heard; empty when it may try now. */
    public synchronized Optional<Duration> waitFor(String username, String address) {
        Instant now = clock.instant();
        Duration account = wait(accounts.get(account(username)), settings.freeTries(), settings.lockAfter(), now);
        Duration from = wait(addresses.get(address), settings.addressFreeTries(), settings.addressLockAfter(), now);
        Duration longest = account.compareTo(from) >= 0 ? account : from;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    /** A wrong password (or unknown name): counts for the account and the address. */
    public synchronized Verdict failed(String username, String address) {
        Instant now = clock.instant();
        boolean accountLocked = count(accounts, account(username), settings.lockAfter(), now);
        boolean addressLocked = count(addresses, address, settings.addressLockAfter(), now);
        return accountLocked || addressLocked ? Verdict.LOCKED_OUT : Verdict.FAILED;
    }

    /** The account's count starts again; the address's does not, or one's own account would launder guessing. */
    public synchronized void succeeded(String username) {
        accounts.remove(account(username));
    }

    private boolean count(Map<String, Count> counts, String key, int lockAfter, Instant now) {
        Count count = counts.get(key);
        if (count == null || forgotten(count, now)) {
            count = new Count();
        }
        counts.remove(key);
        counts.put(key, count);
        count.failures++;
        count.last = now;
        if (count.failures == lockAfter) {
            count.lockedUntil = now.plus(settings.lockFor());
            return true;
        }
        if (count.failures > lockAfter && (count.lockedUntil == null || !now.isBefore(count.lockedUntil))) {
            // Still failing after a lock ended: locked again at once.
            count.lockedUntil = now.plus(settings.lockFor());
            return true;
        }
        return false;
    }

    private Duration wait(Count count, int freeTries, int lockAfter, Instant now) {
        if (count == null || forgotten(count, now)) {
            return Duration.ZERO;
        }
        Instant until;
        if (count.lockedUntil != null && now.isBefore(count.lockedUntil)) {
            until = count.lockedUntil;
        } else {
            int beyond = count.failures - freeTries;
            if (beyond <= 0 || count.failures >= lockAfter) {
                return Duration.ZERO;
            }
            until = count.last.plus(delay(beyond));
        }
        return now.isBefore(until) ? Duration.between(now, until) : Duration.ZERO;
    }

    /** first delay × 2^(n-1), at most the maximum. */
    Duration delay(int beyondFree) {
        Duration delay = settings.firstDelay();
        for (int i = 1; i < beyondFree && delay.compareTo(settings.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(settings.maxDelay()) > 0 ? settings.maxDelay() : delay;
    }

    private boolean forgotten(Count count, Instant now) {
        boolean locked = count.lockedUntil != null && now.isBefore(count.lockedUntil);
        return !locked && !now.isBefore(count.last.plus(settings.forgetAfter()));
    }

    private static String account(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Count> bounded(int size) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Count> eldest) {
                return size() > size;
            }
        };
    }
}
