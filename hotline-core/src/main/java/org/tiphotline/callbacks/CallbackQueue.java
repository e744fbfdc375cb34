package org.tiphotline.callbacks;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLBACK_ATTEMPT;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLBACK_TASK_CALL;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/**
 * The callback queue as operators and supervisors read it: dialable tasks first, urgent before the rest, oldest
 * first; callers who must not be called after them, marked. Nothing here carries a number beyond its mask, nor the
 * recorded message's reference.
 */
@Service
public class CallbackQueue {

    private static final Field<OffsetDateTime> FIRST_CALL = DSL.field(DSL.select(DSL.min(CALL.ARRIVED_AT))
            .from(CALLBACK_TASK_CALL).join(CALL).on(CALL.ID.eq(CALLBACK_TASK_CALL.CALL_ID))
            .where(CALLBACK_TASK_CALL.TASK_ID.eq(CALLBACK_TASK.ID))).as("first_call_at");

    private final DSLContext db;
    private final Clock clock;
    private final SafeHours safeHours;
    private final CallbackSettings settings;

    public CallbackQueue(DSLContext db, Clock clock, SafeHours safeHours, CallbackSettings settings) {
        this.db = db;
        this.clock = clock;
        this.safeHours = safeHours;
        this.settings = settings;
    }

    /** Every open task, in the order to work them. */
    public List<CallbackTask> open() {
        return read(CALLBACK_TASK.DONE_AT.isNull(), 500);
    }

    public Optional<CallbackTask> find(UUID id) {
        return read(CALLBACK_TASK.ID.eq(id), 1).stream().findFirst();
    }

    /**
     * The task a call belongs to, the open one if any, else the latest closed: what an agency alerted about this
     * call may learn about the way back to the caller.
     */
    public Optional<CallbackTask> forCall(CallId call) {
        return read(CALLBACK_TASK.ID.in(DSL.select(CALLBACK_TASK_CALL.TASK_ID).from(CALLBACK_TASK_CALL)
                .where(CALLBACK_TASK_CALL.CALL_ID.eq(call.value()))), 20).stream()
                .min((a, b) -> a.closedAs() == null ? -1 : b.closedAs() == null ? 1
                        : b.closedAt().compareTo(a.closedAt()));
    }

    private List<CallbackTask> read(Condition which, int limit) {
        Instant now = clock.instant();
        Instant due = safeHours.dueAt(now);
        return db.select(CALLBACK_TASK.asterisk(), FIRST_CALL, CALLBACK_ATTEMPT.OPERATOR_ID,
                        CALLBACK_ATTEMPT.TAKEN_AT, CALLBACK_ATTEMPT.CALL_ID, APP_USER.DISPLAY_NAME)
                .from(CALLBACK_TASK)
                .leftJoin(CALLBACK_ATTEMPT).on(CALLBACK_ATTEMPT.TASK_ID.eq(CALLBACK_TASK.ID)
                        .and(CALLBACK_ATTEMPT.OUTCOME.isNull()))
                .leftJoin(APP_USER).on(APP_USER.ID.eq(CALLBACK_ATTEMPT.OPERATOR_ID))
                .where(which)
                .orderBy(CALLBACK_TASK.DO_NOT_CALL.isNotNull(), CALLBACK_TASK.URGENT.desc(),
                        CALLBACK_TASK.CREATED_AT, CALLBACK_TASK.ID)
                .limit(limit)
                .fetch(r -> task(r, now, due));
    }

    private CallbackTask task(Record r, Instant now, Instant due) {
        CallbackTask.DoNotCall doNotCall = r.get(CALLBACK_TASK.DO_NOT_CALL) == null ? null
                : CallbackTask.DoNotCall.valueOf(r.get(CALLBACK_TASK.DO_NOT_CALL));
        CallbackTask.ClosedAs closedAs = r.get(CALLBACK_TASK.CLOSED_AS) == null ? null
                : CallbackTask.ClosedAs.valueOf(r.get(CALLBACK_TASK.CLOSED_AS));
        Long taker = r.get(CALLBACK_ATTEMPT.OPERATOR_ID);
        Instant dueAt = closedAs != null || doNotCall != null ? null : due;
        CallbackTask.Status status = closedAs != null ? CallbackTask.Status.CLOSED
                : doNotCall != null ? CallbackTask.Status.DO_NOT_CALL
                : taker != null ? CallbackTask.Status.TAKEN
                : dueAt.isAfter(now) ? CallbackTask.Status.LATER : CallbackTask.Status.WAITING;
        OffsetDateTime first = r.get(FIRST_CALL);
        return new CallbackTask(r.get(CALLBACK_TASK.ID), status,
                CallbackTasks.Reason.valueOf(r.get(CALLBACK_TASK.REASON)), r.get(CALLBACK_TASK.CALLER_MASK),
                r.get(CALLBACK_TASK.CALL_COUNT), first == null ? r.get(CALLBACK_TASK.CREATED_AT).toInstant()
                        : first.toInstant(),
                r.get(CALLBACK_TASK.LAST_CALL_AT).toInstant(), new CallId(r.get(CALLBACK_TASK.LATEST_CALL_ID)),
                r.get(CALLBACK_TASK.URGENT), doNotCall, r.get(CALLBACK_TASK.ATTEMPTS), settings.maxAttempts(),
                dueAt, taker == null ? null : new OperatorId(taker), r.get(APP_USER.DISPLAY_NAME),
                r.get(CALLBACK_ATTEMPT.TAKEN_AT) == null ? null : r.get(CALLBACK_ATTEMPT.TAKEN_AT).toInstant(),
                r.get(CALLBACK_ATTEMPT.CALL_ID) == null ? null : new CallId(r.get(CALLBACK_ATTEMPT.CALL_ID)),
                closedAs, r.get(CALLBACK_TASK.DONE_AT) == null ? null : r.get(CALLBACK_TASK.DONE_AT).toInstant(),
                r.get(CALLBACK_TASK.REQUESTED_BY));
    }
}
