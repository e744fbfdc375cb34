package org.tiphotline.calls;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * A provider's report about a call that could not be stored because the database was away is kept and stored
 * once it is back, in the order the reports came for that call. The provider has had its answer (a Twilio webhook
 * its TwiML, an AMI event is never sent twice) and will not send the report again: without this, a "queued" lost
 * in a database restart left its caller on hold, recorded as still in the IVR, never routed to an operator
 * (docs/reliability.md, PostgreSQL restart).
 *
 * <p>While reports of a call wait, its later reports wait behind them, so an IVR answer (immediate danger) is
 * never stored after the "queued" that routes the call. Kept in memory: a report kept here is lost if the
 * application itself stops before the database returns (the restart's reconciliation then ends calls the provider
 * no longer carries). A report refused for what it says (a constraint) is not kept: retrying cannot change that.
 */
@Component
public class PendingReports implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PendingReports.class);
    /** Beyond this a report is dropped with a warning: a database away for longer needs a person anyway. */
    static final Duration GIVE_UP_AFTER = Duration.ofMinutes(30);
    /** Memory bound: at a few calls a minute, thousands of reports mean something else is wrong. */
    static final int MAX_KEPT = 10_000;
    private static final long RETRY_EVERY_MS = 1_000;

    private record Kept(String what, BooleanSupplier report, Instant since) {}

    private final Clock clock;
    /** Calls with reports waiting, oldest first; guarded by {@code this}. */
    private final Map<CallRef, Deque<Kept>> waiting = new LinkedHashMap<>();
    private int kept;
    private final Object retrying = new Object();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pending-reports").daemon().factory());

    public PendingReports(Clock clock) {
        this.clock = clock;
        retries.scheduleWithFixedDelay(this::retrySafely, RETRY_EVERY_MS, RETRY_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Stores a report now, unless reports of this call are waiting (then it waits behind them) or the database
     * is away (then it is kept). {@code what} names the report in logs: never personal data.
     *
     * @return true if stored now; false if kept for later or refused as not fitting the call's life
     */
    public boolean report(CallRef call, String what, BooleanSupplier report) {
        synchronized (this) {
            if (waiting.containsKey(call)) {
                keep(call, new Kept(what, report, clock.instant()), false);
                return false;
            }
        }
        try {
            return report.getAsBoolean();
        } catch (DataAccessException | TransactionException e) {
            if (!databaseAway(e)) {
                throw e;
            }
            boolean keptIt;
            synchronized (this) {
                // Reports that came meanwhile wait behind this one: it came first.
                keptIt = keep(call, new Kept(what, report, clock.instant()), true);
            }
            if (keptIt) {
                log.warn("{} of {} call {} kept until the database is back: {}", what, call.provider(),
                        call.providerCallId(), e.getClass().getSimpleName());
            }
            return false;
        }
    }

    /**
     * Stores a report on this component's own thread, after the call's reports already waiting, and returns at
     * once: for a provider that must be answered whether or not the database is there (Twilio's fallback URL,
     * reached when our webhooks failed or took too long, which a database that is away makes them do).
     */
    public void later(CallRef call, String what, BooleanSupplier report) {
        synchronized (this) {
            keep(call, new Kept(what, report, clock.instant()), false);
        }
        retries.execute(this::retrySafely);
    }

    /** How many reports wait, for the health view and tests. */
    public synchronized int waiting() {
        return kept;
    }

    /**
     * Tries every waiting call's reports in order; a call whose oldest report still fails waits for the next
     * round. Runs every second on its own thread; tests call it directly.
     */
    public void retryNow() {
        synchronized (retrying) {
            retryRound();
        }
    }

    /** One round at a time: two at once could store a call's oldest report twice. */
    private void retryRound() {
        List<CallRef> calls;
        synchronized (this) {
            calls = new ArrayList<>(waiting.keySet());
        }
        for (CallRef call : calls) {
            while (true) {
                Kept next;
                synchronized (this) {
                    Deque<Kept> queue = waiting.get(call);
                    if (queue == null || queue.isEmpty()) {
                        waiting.remove(call);
                        break;
                    }
                    next = queue.peekFirst();
                }
                if (!store(call, next)) {
                    break;
                }
                synchronized (this) {
                    Deque<Kept> queue = waiting.get(call);
                    queue.pollFirst();
                    kept--;
                    if (queue.isEmpty()) {
                        waiting.remove(call);
                    }
                }
            }
        }
    }

    /** True when the report is done with: stored, refused for what it says, or given up. */
    private boolean store(CallRef call, Kept next) {
        try {
            next.report().getAsBoolean();
            log.info("{} of {} call {} stored after waiting for the database", next.what(), call.provider(),
                    call.providerCallId());
            return true;
        } catch (DataAccessException | TransactionException e) {
            if (!databaseAway(e)) {
                log.warn("{} of {} call {} refused after waiting for the database: {}", next.what(),
                        call.provider(), call.providerCallId(), e.getClass().getSimpleName());
                return true;
            }
            if (Duration.between(next.since(), clock.instant()).compareTo(GIVE_UP_AFTER) > 0) {
                log.error("{} of {} call {} not stored: the database was away for more than {}", next.what(),
                        call.provider(), call.providerCallId(), GIVE_UP_AFTER);
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            // The core refused it (a call it never knew): waiting cannot change that either.
            log.warn("{} of {} call {} refused after waiting for the database: {}", next.what(), call.provider(),
                    call.providerCallId(), e.getClass().getSimpleName());
            return true;
        }
    }

    /**
     * Keeps a report for its call: first (it came before those already waiting) or last. Called holding this
     * object's lock; false when the memory bound drops it.
     */
    private boolean keep(CallRef call, Kept report, boolean first) {
        if (kept >= MAX_KEPT) {
            log.error("{} of {} call {} dropped: {} reports already kept while the database is away",
                    report.what(), call.provider(), call.providerCallId(), kept);
            return false;
        }
        Deque<Kept> queue = waiting.computeIfAbsent(call, c -> new ArrayDeque<>());
        if (first) {
            queue.addFirst(report);
        } else {
            queue.addLast(report);
        }
        kept++;
        return true;
    }

    /** Anything but a refusal of the data itself: no connection, a cut connection, a failed commit. */
    private static boolean databaseAway(RuntimeException e) {
        return !(e instanceof DataIntegrityViolationException);
    }

    private void retrySafely() {
        try {
            retryNow();
        } catch (RuntimeException e) {
            log.warn("retrying kept reports failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void destroy() {
        retries.shutdownNow();
        synchronized (this) {
            if (kept > 0) {
                log.error("{} provider reports were never stored: the application stopped while the database was "
                        + "away", kept);
            }
        }
    }
}
