package org.tiphotline.callbacks;

import static org.tiphotline.db.Tables.CALLBACK_TASK;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;

/**
 * Opens callback tasks. The reference to a caller's recorded message is personal data: stored encrypted, bound
 * to its task, and its creation audited. Opening the same task twice (a provider retrying a webhook) is one task.
 */
@Service
public class CallbackTasks {

    /** Why a caller is to be called back. */
    public enum Reason { VOICEMAIL }

    private final DSLContext db;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    public CallbackTasks(DSLContext db, FieldCipher cipher, AuditTrail audit, TransactionTemplate tx, Clock clock) {
        this.db = db;
        this.cipher = cipher;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Opens a task for the call unless one for the same reason exists; {@code recording} may be null.
     * Returns whether a task was created now.
     */
    public boolean open(CallId call, Reason reason, String recording, String actor) {
        if (recording != null && recording.length() > 500) {
            throw new IllegalArgumentException("a recording reference is at most 500 characters");
        }
        Boolean created = tx.execute(status -> {
            UUID id = UUID.randomUUID();
            int inserted = db.insertInto(CALLBACK_TASK)
                    .set(CALLBACK_TASK.ID, id)
                    .set(CALLBACK_TASK.CALL_ID, call.value())
                    .set(CALLBACK_TASK.REASON, reason.name())
                    .set(CALLBACK_TASK.RECORDING_ENC, recording == null ? null
                            : cipher.encrypt(recording, "callback_task.recording:" + id))
                    .set(CALLBACK_TASK.CREATED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                    .onConflict(CALLBACK_TASK.CALL_ID, CALLBACK_TASK.REASON).doNothing()
                    .execute();
            if (inserted == 1 && recording != null) {
                audit.record(actor, AuditTrail.Action.CREATE, "callback_task", id, List.of("recording"));
            }
            return inserted == 1;
        });
        return Boolean.TRUE.equals(created);
    }

    /** How many tasks are open: what a supervisor's dashboard counts. */
    public int openCount() {
        return db.fetchCount(CALLBACK_TASK, CALLBACK_TASK.DONE_AT.isNull());
    }
}
