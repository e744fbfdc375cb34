package org.tiphotline.callbacks;

import static org.tiphotline.db.Tables.CALLBACK_ATTEMPT;
import static org.tiphotline.db.Tables.CALLBACK_REFUSAL;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLBACK_TASK_CALL;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.callbacks.CallbackTask.ClosedAs;
import org.tiphotline.callbacks.CallbackTask.Outcome;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Calls;
import org.tiphotline.db.tables.records.CallbackAttemptRecord;
import org.tiphotline.db.tables.records.CallbackTaskRecord;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;

/**
 * Working the callback queue: an operator takes a task (which dials through {@link CallbackDialer}), records what
 * came of it, or gives it back. Every refusal is checked before anything is stored or dialled: a task closed, one
 * whose caller must not be called, one outside the safe hours, one another operator is calling.
 */
@Service
public class CallbackWork {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", java.util.Locale.ENGLISH);

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SafeHours safeHours;
    private final CallbackSettings settings;
    private final CallbackQueue queue;
    private final ObjectProvider<CallbackDialer> dialer;
    private final AuditTrail audit;
    private final ApplicationEventPublisher events;
    private final Calls calls;
    private final ZoneId zone;

    public CallbackWork(DSLContext db, TransactionTemplate tx, Clock clock, SafeHours safeHours,
            CallbackSettings settings, CallbackQueue queue, ObjectProvider<CallbackDialer> dialer, AuditTrail audit,
            ApplicationEventPublisher events, Calls calls, JurisdictionSettings jurisdiction) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.safeHours = safeHours;
        this.settings = settings;
        this.queue = queue;
        this.dialer = dialer;
        this.audit = audit;
        this.events = events;
        this.calls = calls;
        this.zone = ZoneId.of(jurisdiction.timeZone());
    }

    /** Takes the task and dials the caller's latest call back, the operator's phone first. */
    public CallbackTask take(UUID id, Actor actor) {
        CallbackDialer dial = dialer.getIfAvailable();
        if (dial == null) {
            throw new IllegalStateException("calling back is not available on this hotline: no line can dial out");
        }
        UUID attempt = UUID.randomUUID();
        CallId latest = tx.execute(status -> {
            CallbackTaskRecord task = lock(id);
            if (task.getDoneAt() != null) {
                throw new IllegalStateException("this callback is already closed");
            }
            if (task.getDoNotCall() != null) {
                throw new IllegalStateException("this caller must not be called back");
            }
            Instant now = clock.instant();
            Instant due = safeHours.dueAt(now);
            if (due.isAfter(now)) {
                throw new IllegalStateException("it is outside the safe hours for calling back: this callback can be "
                        + "taken from " + WHEN.format(due.atZone(zone)));
            }
            if (openAttempt(id).isPresent()) {
                throw new IllegalStateException("another operator is already calling this caller back");
            }
            db.insertInto(CALLBACK_ATTEMPT)
                    .set(CALLBACK_ATTEMPT.ID, attempt)
                    .set(CALLBACK_ATTEMPT.TASK_ID, id)
                    .set(CALLBACK_ATTEMPT.OPERATOR_ID, actor.id().value())
                    .set(CALLBACK_ATTEMPT.TAKEN_AT, now.atOffset(ZoneOffset.UTC))
                    .execute();
            return new CallId(task.getLatestCallId());
        });
        CallId dialled;
        try {
            dialled = dial.dial(id, latest, actor.id());
        } catch (RuntimeException e) {
            // Nothing was dialled: the task goes back to the queue, the attempt not counted.
            tx.executeWithoutResult(status -> finish(attempt, "DIAL_FAILED"));
            events.publishEvent(new CallbackTask.Changed(id));
            throw e instanceof IllegalStateException ? e
                    : new IllegalStateException("the call back could not be dialled; the task is back in the queue");
        }
        db.update(CALLBACK_ATTEMPT).set(CALLBACK_ATTEMPT.CALL_ID, dialled.value())
                .where(CALLBACK_ATTEMPT.ID.eq(attempt)).execute();
        events.publishEvent(new CallbackTask.Changed(id));
        return queue.find(id).orElseThrow();
    }

    /** Gives a taken task back to the queue without an outcome: its taker, or a supervisor. */
    public CallbackTask release(UUID id, Actor actor) {
        tx.executeWithoutResult(status -> {
            lock(id);
            CallbackAttemptRecord attempt = ownAttempt(id, actor);
            finish(attempt.getId(), "RELEASED");
        });
        events.publishEvent(new CallbackTask.Changed(id));
        return queue.find(id).orElseThrow();
    }

    /** What came of the call back: its taker records it, or a supervisor. */
    public CallbackTask record(UUID id, Outcome outcome, Actor actor) {
        if (outcome == null) {
            throw new IllegalArgumentException("outcome must be one of " + java.util.Arrays.toString(Outcome.values()));
        }
        tx.executeWithoutResult(status -> {
            CallbackTaskRecord task = lock(id);
            CallbackAttemptRecord attempt = ownAttempt(id, actor);
            finish(attempt.getId(), outcome.name());
            apply(task, outcome, actor.id().value());
            audit.record(actor.username(), AuditTrail.Action.CHANGE, "callback_task", id,
                    List.of("outcome:" + outcome.name()));
        });
        events.publishEvent(new CallbackTask.Changed(id));
        return queue.find(id).orElseThrow();
    }

    /** A task whose caller must not be called, seen and set aside: it leaves the queue. */
    public CallbackTask noted(UUID id, Actor actor) {
        tx.executeWithoutResult(status -> {
            CallbackTaskRecord task = lock(id);
            if (task.getDoneAt() != null) {
                throw new IllegalStateException("this callback is already closed");
            }
            if (task.getDoNotCall() == null) {
                throw new IllegalStateException("only a callback marked do-not-call can be set aside unworked");
            }
            close(id, ClosedAs.NOTED);
            audit.record(actor.username(), AuditTrail.Action.CHANGE, "callback_task", id, List.of("closed:NOTED"));
        });
        events.publishEvent(new CallbackTask.Changed(id));
        return queue.find(id).orElseThrow();
    }

    /**
     * The call back's line ended with nobody answering: one attempt, recorded for the operator who dialled. Found
     * by the dialled call, or by the task its first event names when the end came before the dial returned.
     */
    public void notReached(CallId dialled) {
        Optional<UUID> task = tx.execute(status -> {
            CallbackAttemptRecord attempt = db.selectFrom(CALLBACK_ATTEMPT)
                    .where(CALLBACK_ATTEMPT.CALL_ID.eq(dialled.value())).fetchOne();
            if (attempt == null) {
                String named = calls.load(dialled).map(c -> c.events().getFirst().detail("task")).orElse(null);
                if (named == null) {
                    return Optional.<UUID>empty();
                }
                attempt = openAttempt(UUID.fromString(named)).orElse(null);
            }
            if (attempt == null || attempt.getOutcome() != null) {
                return Optional.<UUID>empty();
            }
            CallbackTaskRecord locked = lock(attempt.getTaskId());
            finish(attempt.getId(), Outcome.NO_ANSWER.name());
            apply(locked, Outcome.NO_ANSWER, attempt.getOperatorId());
            return Optional.of(attempt.getTaskId());
        });
        task.ifPresent(id -> events.publishEvent(new CallbackTask.Changed(id)));
    }

    /**
     * An agency alerted by this call's IVR danger answer asks the hotline to call the caller back: the task moves
     * to the top (urgent) and says who asked. Returns the task as it is now; empty when the call has no open task.
     */
    public Optional<CallbackTask> requestedByAgency(CallId call, String agency) {
        Optional<UUID> task = tx.execute(status -> {
            var open = db.select(CALLBACK_TASK.ID).from(CALLBACK_TASK).join(CALLBACK_TASK_CALL)
                    .on(CALLBACK_TASK_CALL.TASK_ID.eq(CALLBACK_TASK.ID))
                    .where(CALLBACK_TASK_CALL.CALL_ID.eq(call.value())).and(CALLBACK_TASK.DONE_AT.isNull())
                    .forUpdate().of(CALLBACK_TASK).fetchOptional(CALLBACK_TASK.ID);
            open.ifPresent(id -> db.update(CALLBACK_TASK).set(CALLBACK_TASK.URGENT, true)
                    .set(CALLBACK_TASK.REQUESTED_BY, agency)
                    .set(CALLBACK_TASK.REQUESTED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                    .where(CALLBACK_TASK.ID.eq(id)).execute());
            return open;
        });
        task.ifPresent(id -> events.publishEvent(new CallbackTask.Changed(id)));
        return task.flatMap(queue::find);
    }

    private void apply(CallbackTaskRecord task, Outcome outcome, long by) {
        switch (outcome) {
            case REACHED -> close(task.getId(), ClosedAs.REACHED);
            case WRONG_NUMBER -> close(task.getId(), ClosedAs.WRONG_NUMBER);
            case ASKED_NOT_TO_BE_CALLED -> {
                close(task.getId(), ClosedAs.ASKED_NOT_TO_BE_CALLED);
                if (task.getCallerHash() != null) {
                    db.insertInto(CALLBACK_REFUSAL).set(CALLBACK_REFUSAL.CALLER_HASH, task.getCallerHash())
                            .set(CALLBACK_REFUSAL.AT, clock.instant().atOffset(ZoneOffset.UTC))
                            .set(CALLBACK_REFUSAL.RECORDED_BY, by).onConflictDoNothing().execute();
                }
            }
            case NO_ANSWER, SOMEONE_ELSE -> {
                int attempts = task.getAttempts() + 1;
                db.update(CALLBACK_TASK).set(CALLBACK_TASK.ATTEMPTS, attempts)
                        .where(CALLBACK_TASK.ID.eq(task.getId())).execute();
                if (attempts >= settings.maxAttempts()) {
                    close(task.getId(), ClosedAs.NOT_REACHED);
                }
            }
        }
    }

    private void close(UUID id, ClosedAs how) {
        db.update(CALLBACK_TASK).set(CALLBACK_TASK.CLOSED_AS, how.name())
                .set(CALLBACK_TASK.DONE_AT, clock.instant().atOffset(ZoneOffset.UTC))
                .where(CALLBACK_TASK.ID.eq(id)).execute();
    }

    private void finish(UUID attempt, String outcome) {
        db.update(CALLBACK_ATTEMPT).set(CALLBACK_ATTEMPT.OUTCOME, outcome)
                .set(CALLBACK_ATTEMPT.OUTCOME_AT, clock.instant().atOffset(ZoneOffset.UTC))
                .where(CALLBACK_ATTEMPT.ID.eq(attempt)).and(CALLBACK_ATTEMPT.OUTCOME.isNull()).execute();
    }

    private CallbackTaskRecord lock(UUID id) {
        return db.selectFrom(CALLBACK_TASK).where(CALLBACK_TASK.ID.eq(id)).forUpdate().fetchOptional()
                .orElseThrow(() -> new CallbackTaskNotFound(id));
    }

    private Optional<CallbackAttemptRecord> openAttempt(UUID task) {
        return db.selectFrom(CALLBACK_ATTEMPT).where(CALLBACK_ATTEMPT.TASK_ID.eq(task))
                .and(CALLBACK_ATTEMPT.OUTCOME.isNull()).fetchOptional();
    }

    private CallbackAttemptRecord ownAttempt(UUID task, Actor actor) {
        CallbackAttemptRecord attempt = openAttempt(task)
                .orElseThrow(() -> new IllegalStateException("nobody is working this callback now"));
        if (attempt.getOperatorId() != actor.id().value() && !actor.is(Role.SUPERVISOR)) {
            throw new SecurityException("only the operator who took this callback, or a supervisor, can do that");
        }
        return attempt;
    }
}
