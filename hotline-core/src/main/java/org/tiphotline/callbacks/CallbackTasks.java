package org.tiphotline.callbacks;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLBACK_REFUSAL;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLBACK_TASK_CALL;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.db.tables.records.CallRecord;
import org.tiphotline.db.tables.records.CallbackTaskRecord;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;

/**
 * Opens callback tasks. One open task per number: another unanswered call from a number that has one adds to it
 * (the count grows, the latest call is the one to dial, urgency sticks) instead of queueing the same person twice.
 * The latest call's safety answer decides whether the task may be dialled: a caller who now says "not safe" is
 * not called on an earlier "yes". The reference to a caller's recorded message is personal data: stored
 * encrypted, bound to its task, and its creation audited. The same call reported twice (a provider retrying a
 * webhook) is one task.
 */
@Service
public class CallbackTasks {

    /** Why a caller is to be called back: how the latest call went unanswered. */
    public enum Reason { VOICEMAIL, ABANDONED_IN_IVR, ABANDONED_IN_QUEUE, ABANDONED_RINGING, LOST }

    private final DSLContext db;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Calls calls;
    private final ApplicationEventPublisher events;

    public CallbackTasks(DSLContext db, FieldCipher cipher, AuditTrail audit, TransactionTemplate tx, Clock clock,
            Calls calls, ApplicationEventPublisher events) {
        this.db = db;
        this.cipher = cipher;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.calls = calls;
        this.events = events;
    }

    /**
     * Opens a task for the call, or adds the call to its number's open task; {@code recording} may be null.
     * Returns whether the call was added now (false: it already was).
     */
    public boolean open(CallId callId, Reason reason, String recording, String actor) {
        if (recording != null && recording.length() > 500) {
            throw new IllegalArgumentException("a recording reference is at most 500 characters");
        }
        Call call = calls.load(callId).orElseThrow(() -> new UnknownCall(callId.toString()));
        UUID task = tx.execute(status -> {
            CallRecord row = db.selectFrom(CALL).where(CALL.ID.eq(callId.value())).fetchSingle();
            byte[] hash = row.getCallerHash();
            if (hash != null) {
                // Two endings from one number at once would each find no open task and open two.
                db.select(DSL.field("pg_advisory_xact_lock(hashtextextended(encode({0}, 'hex'), 18))", hash))
                        .fetch();
            }
            if (db.fetchExists(CALLBACK_TASK_CALL, CALLBACK_TASK_CALL.CALL_ID.eq(callId.value())
                    .and(CALLBACK_TASK_CALL.REASON.eq(reason.name())))) {
                return null;
            }
            Instant now = clock.instant();
            OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
            String doNotCall = doNotCall(call, hash);
            CallbackTaskRecord open = hash == null ? null : db.selectFrom(CALLBACK_TASK)
                    .where(CALLBACK_TASK.CALLER_HASH.eq(hash)).and(CALLBACK_TASK.DONE_AT.isNull()).forUpdate()
                    .fetchOne();
            UUID id;
            if (open == null) {
                id = UUID.randomUUID();
                db.insertInto(CALLBACK_TASK)
                        .set(CALLBACK_TASK.ID, id)
                        .set(CALLBACK_TASK.CALL_ID, callId.value())
                        .set(CALLBACK_TASK.REASON, reason.name())
                        .set(CALLBACK_TASK.RECORDING_ENC, recording == null ? null
                                : cipher.encrypt(recording, "callback_task.recording:" + id))
                        .set(CALLBACK_TASK.CREATED_AT, at)
                        .set(CALLBACK_TASK.CALLER_HASH, hash)
                        .set(CALLBACK_TASK.CALLER_MASK, row.getCallerMask())
                        .set(CALLBACK_TASK.LATEST_CALL_ID, callId.value())
                        .set(CALLBACK_TASK.LAST_CALL_AT, call.arrivedAt().atOffset(ZoneOffset.UTC))
                        .set(CALLBACK_TASK.URGENT, call.urgent())
                        .set(CALLBACK_TASK.DO_NOT_CALL, doNotCall)
                        .execute();
            } else {
                id = open.getId();
                var update = db.update(CALLBACK_TASK)
                        .set(CALLBACK_TASK.CALL_COUNT, CALLBACK_TASK.CALL_COUNT.plus(1))
                        .set(CALLBACK_TASK.REASON, reason.name())
                        .set(CALLBACK_TASK.URGENT, call.urgent() ? DSL.inline(true) : CALLBACK_TASK.URGENT)
                        .set(CALLBACK_TASK.DO_NOT_CALL, doNotCall);
                // Reports can arrive out of order: the call to dial stays the one that came in last.
                if (!call.arrivedAt().isBefore(open.getLastCallAt().toInstant())) {
                    update = update.set(CALLBACK_TASK.LATEST_CALL_ID, callId.value())
                            .set(CALLBACK_TASK.LAST_CALL_AT, call.arrivedAt().atOffset(ZoneOffset.UTC))
                            .set(CALLBACK_TASK.CALLER_MASK, row.getCallerMask());
                }
                if (recording != null) {
                    // The newest message is the one worth hearing before calling back.
                    update = update.set(CALLBACK_TASK.RECORDING_ENC,
                            cipher.encrypt(recording, "callback_task.recording:" + id));
                }
                update.where(CALLBACK_TASK.ID.eq(id)).execute();
            }
            db.insertInto(CALLBACK_TASK_CALL)
                    .set(CALLBACK_TASK_CALL.CALL_ID, callId.value())
                    .set(CALLBACK_TASK_CALL.REASON, reason.name())
                    .set(CALLBACK_TASK_CALL.TASK_ID, id)
                    .set(CALLBACK_TASK_CALL.AT, at)
                    .execute();
            if (recording != null) {
                audit.record(actor, AuditTrail.Action.CREATE, "callback_task", id, List.of("recording"));
            }
            return id;
        });
        if (task == null) {
            return false;
        }
        events.publishEvent(new CallbackTask.Changed(task));
        return true;
    }

    /** How many tasks are open: what a supervisor's dashboard counts. */
    public int openCount() {
        return db.fetchCount(CALLBACK_TASK, CALLBACK_TASK.DONE_AT.isNull());
    }

    /** Why this call's caller must not be called back, as of this call; null when they may be. */
    private String doNotCall(Call call, byte[] hash) {
        if (hash == null) {
            return CallbackTask.DoNotCall.WITHHELD.name();
        }
        if (db.fetchExists(CALLBACK_REFUSAL, CALLBACK_REFUSAL.CALLER_HASH.eq(hash))) {
            return CallbackTask.DoNotCall.ASKED_NOT_TO_BE_CALLED.name();
        }
        Boolean safe = call.safeToCallBack();
        if (safe == null) {
            return CallbackTask.DoNotCall.NOT_ASKED.name();
        }
        return safe ? null : CallbackTask.DoNotCall.SAID_NO.name();
    }

    /** Whether a call that ended this way is one the hotline failed to answer, and which reason it is. */
    static Reason reasonFor(Call call) {
        if (call.outcome() == null) {
            return null;
        }
        return switch (call.outcome()) {
            // Before the danger question a hang-up is mostly a wrong number; after it, a person who tried.
            case ABANDONED_IN_IVR -> call.ivrPath().containsKey(IvrQuestion.IMMEDIATE_DANGER.name())
                    ? Reason.ABANDONED_IN_IVR : null;
            case ABANDONED_IN_QUEUE -> Reason.ABANDONED_IN_QUEUE;
            case ABANDONED_RINGING -> Reason.ABANDONED_RINGING;
            case LOST -> Reason.LOST;
            // Answered, or handed to the fallback line (whose unanswered end leaves a voicemail, a task of its own).
            case COMPLETED, TRANSFERRED, NOT_REACHED -> null;
        };
    }
}
