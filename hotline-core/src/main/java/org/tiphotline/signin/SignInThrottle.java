package org.tiphotline.signin;

import static org.tiphotline.db.Tables.SIGN_IN_THROTTLE;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.db.tables.records.SignInThrottleRecord;

/**
 * Counts failed sign-ins per account and per address. After the free tries each failure makes the next try wait
 * twice as long (refused, not slept: a request thread is never held), and enough failures lock the account or the
 * address for a while. The account's count is by the name as typed, known or not, so the answers never tell an
 * existing account from an unknown one. Kept in PostgreSQL ({@code sign_in_throttle}), so that the nodes count
 * together (an attacker alternating between them gets no extra try) and a restart forgives nothing; times come
 * from the injected clock.
 */
@Component
public class SignInThrottle {

    /** What a failure led to. */
    public enum Verdict { FAILED, LOCKED_OUT }

    private static final String ACCOUNT = "ACCOUNT";
    private static final String ADDRESS = "ADDRESS";

    private final SignInSettings settings;
    private final Clock clock;
    private final DSLContext db;
    private final Leadership leadership;

    public SignInThrottle(SignInSettings settings, Clock clock, DSLContext db, Leadership leadership) {
        this.settings = settings;
        this.clock = clock;
        this.db = db;
        this.leadership = leadership;
    }

    /** How long until a try for this account from this address is heard; empty when it may try now. One read. */
    public Optional<Duration> waitFor(String username, String address) {
        Instant now = clock.instant();
        Duration account = Duration.ZERO;
        Duration from = Duration.ZERO;
        for (SignInThrottleRecord count : db.selectFrom(SIGN_IN_THROTTLE)
                .where(SIGN_IN_THROTTLE.KIND.eq(ACCOUNT).and(SIGN_IN_THROTTLE.KEY.eq(account(username))))
                .or(SIGN_IN_THROTTLE.KIND.eq(ADDRESS).and(SIGN_IN_THROTTLE.KEY.eq(address(address))))
                .fetch()) {
            if (ACCOUNT.equals(count.getKind())) {
                account = wait(count, settings.freeTries(), settings.lockAfter(), now);
            } else {
                from = wait(count, settings.addressFreeTries(), settings.addressLockAfter(), now);
            }
        }
        Duration longest = account.compareTo(from) >= 0 ? account : from;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    /** A wrong password (or unknown name): counts for the account and the address. */
    public Verdict failed(String username, String address) {
        Instant now = clock.instant();
        boolean accountLocked = count(ACCOUNT, account(username), settings.lockAfter(), now);
        boolean addressLocked = count(ADDRESS, address(address), settings.addressLockAfter(), now);
        return accountLocked || addressLocked ? Verdict.LOCKED_OUT : Verdict.FAILED;
    }

    /** The account's count starts again; the address's does not, or one's own account would launder guessing. */
    public void succeeded(String username) {
        db.deleteFrom(SIGN_IN_THROTTLE).where(SIGN_IN_THROTTLE.KIND.eq(ACCOUNT))
                .and(SIGN_IN_THROTTLE.KEY.eq(account(username))).execute();
    }

    /**
     * One failure more for a key, serialised by the row's lock: two nodes counting at once both count. True when
     * this failure locks the key.
     */
    private boolean count(String kind, String key, int lockAfter, Instant now) {
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            t.insertInto(SIGN_IN_THROTTLE).set(SIGN_IN_THROTTLE.KIND, kind).set(SIGN_IN_THROTTLE.KEY, key)
                    .set(SIGN_IN_THROTTLE.FAILURES, 0).set(SIGN_IN_THROTTLE.LAST_FAILURE, at(now))
                    .onConflictDoNothing().execute();
            SignInThrottleRecord count = t.selectFrom(SIGN_IN_THROTTLE).where(SIGN_IN_THROTTLE.KIND.eq(kind))
                    .and(SIGN_IN_THROTTLE.KEY.eq(key)).forUpdate().fetchSingle();
            // A row just inserted holds 0: counted from there like any other.
            int failures = forgotten(count, now) ? 1 : count.getFailures() + 1;
            Instant lockedUntil = count.getLockedUntil() == null || forgotten(count, now) ? null
                    : count.getLockedUntil().toInstant();
            boolean locks = failures == lockAfter
                    // Still failing after a lock ended: locked again at once.
                    || failures > lockAfter && (lockedUntil == null || !now.isBefore(lockedUntil));
            if (locks) {
                lockedUntil = now.plus(settings.lockFor());
            }
            t.update(SIGN_IN_THROTTLE).set(SIGN_IN_THROTTLE.FAILURES, failures)
                    .set(SIGN_IN_THROTTLE.LAST_FAILURE, at(now))
                    .set(SIGN_IN_THROTTLE.LOCKED_UNTIL, lockedUntil == null ? null : at(lockedUntil))
                    .where(SIGN_IN_THROTTLE.KIND.eq(kind)).and(SIGN_IN_THROTTLE.KEY.eq(key)).execute();
            return locks;
        });
    }

    private Duration wait(SignInThrottleRecord count, int freeTries, int lockAfter, Instant now) {
        if (forgotten(count, now)) {
            return Duration.ZERO;
        }
        Instant until;
        if (count.getLockedUntil() != null && now.isBefore(count.getLockedUntil().toInstant())) {
            until = count.getLockedUntil().toInstant();
        } else {
            int beyond = count.getFailures() - freeTries;
            if (beyond <= 0 || count.getFailures() >= lockAfter) {
                return Duration.ZERO;
            }
            until = count.getLastFailure().toInstant().plus(delay(beyond));
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

    private boolean forgotten(SignInThrottleRecord count, Instant now) {
        boolean locked = count.getLockedUntil() != null && now.isBefore(count.getLockedUntil().toInstant());
        return !locked && !now.isBefore(count.getLastFailure().toInstant().plus(settings.forgetAfter()));
    }

    /** The leading node forgets, now and then, the counts that no longer mean anything (bounded table). */
    @Scheduled(fixedDelayString = "${hotline.sign-in.sweep:10m}", initialDelayString = "${hotline.sign-in.sweep:10m}")
    void scheduledForget() {
        if (leadership.leads()) {
            forget();
        }
    }

    /** Deletes the counts that are forgotten and not locked; how many. */
    public int forget() {
        OffsetDateTime now = at(clock.instant());
        return db.deleteFrom(SIGN_IN_THROTTLE)
                .where(SIGN_IN_THROTTLE.LAST_FAILURE.le(at(clock.instant().minus(settings.forgetAfter()))))
                .and(SIGN_IN_THROTTLE.LOCKED_UNTIL.isNull().or(SIGN_IN_THROTTLE.LOCKED_UNTIL.le(now)))
                .execute();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String account(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    private static String address(String address) {
        return address == null ? "unknown" : address;
    }
}
