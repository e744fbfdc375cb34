package org.tiphotline.retention;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLBACK_TASK_CALL;
import static org.tiphotline.db.Tables.CALLER_FLAG;
import static org.tiphotline.db.Tables.CASE_DOCUMENT;
import static org.tiphotline.db.Tables.CASE_DOCUMENT_KEY;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * What each rule erases and when a record falls under it, in SQL: the same condition chooses a batch's records at
 * proposal and is asked again, of each record, with the record locked, in the transaction that erases it (a draft
 * submitted since, a case reopened since, a caller flagged since, no longer qualifies and is skipped).
 *
 * <p>An abandoned call keeps its skeleton: times, states, outcome, IVR answers, its timeline (call_event, append-only
 * and without personal data) and the floor's projections, all counted by the floor's figures and statistics. Its
 * personal fields go: the encrypted number, its keyed hash, the mask, and the provider's call id (which the
 * provider's own logs tie to the number); so do those of the callback task that stood for it once every call of that
 * task is erased.
 */
@Component
class Erasures {

    /** What an erased call's and task's mask says instead of the last digits. */
    static final String ERASED_MASK = "erased";

    private static final List<String> ABANDONED = List.of("ABANDONED_IN_IVR", "ABANDONED_IN_QUEUE",
            "ABANDONED_RINGING");

    private final DSLContext db;

    Erasures(DSLContext db) {
        this.db = db;
    }

    /** The fields an erasure of this kind removes, as the audit trail lists them. */
    static List<String> fields(RetentionKind kind) {
        return switch (kind) {
            case ABANDONED_CALLS -> List.of("caller_number", "caller_hash", "caller_mask", "provider_call_id");
            case UNSUBMITTED_DRAFTS -> List.of("hotline_report");
            case CLOSED_CASE_DOCUMENTS -> List.of("content", "document_key");
        };
    }

    /** The ids of up to {@code limit} records under the rule at {@code cutoff}, oldest first. */
    List<UUID> due(RetentionKind kind, OffsetDateTime cutoff, int limit) {
        return switch (kind) {
            case ABANDONED_CALLS -> db.select(CALL.ID).from(CALL).where(callDue(cutoff)).orderBy(CALL.ENDED_AT, CALL.ID)
                    .limit(limit).fetch(CALL.ID);
            case UNSUBMITTED_DRAFTS -> db.select(HOTLINE_REPORT.ID).from(HOTLINE_REPORT).where(draftDue(cutoff))
                    .orderBy(HOTLINE_REPORT.UPDATED_AT, HOTLINE_REPORT.ID).limit(limit).fetch(HOTLINE_REPORT.ID);
            case CLOSED_CASE_DOCUMENTS -> db.select(CASE_DOCUMENT.ID).from(CASE_DOCUMENT).where(documentDue(cutoff))
                    .orderBy(CASE_DOCUMENT.UPLOADED_AT, CASE_DOCUMENT.ID).limit(limit).fetch(CASE_DOCUMENT.ID);
        };
    }

    /**
     * In the caller's transaction: locks the record, asks the rule again (a new statement, so it sees what committed
     * while it waited for the lock) and erases it if it still falls under it. Returns whether it did.
     */
    boolean eraseIfDue(RetentionKind kind, UUID id, OffsetDateTime cutoff) {
        return switch (kind) {
            case ABANDONED_CALLS -> {
                if (db.select(CALL.ID).from(CALL).where(CALL.ID.eq(id)).forUpdate().fetchOne() == null
                        || !db.fetchExists(CALL, CALL.ID.eq(id).and(callDue(cutoff)))) {
                    yield false;
                }
                eraseTasksOf(id);
                db.update(CALL).set(CALL.CALLER_NUMBER_ENC, (byte[]) null).set(CALL.CALLER_HASH, (byte[]) null)
                        .set(CALL.CALLER_MASK, ERASED_MASK)
                        .set(CALL.PROVIDER_CALL_ID, DSL.concat(DSL.inline("erased-"), CALL.ID.cast(String.class)))
                        .where(CALL.ID.eq(id)).execute();
                yield true;
            }
            case UNSUBMITTED_DRAFTS -> {
                if (db.select(HOTLINE_REPORT.ID).from(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.eq(id)).forUpdate()
                        .fetchOne() == null || !db.fetchExists(HOTLINE_REPORT, HOTLINE_REPORT.ID.eq(id)
                        .and(draftDue(cutoff)))) {
                    yield false;
                }
                yield db.deleteFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.eq(id)).execute() == 1;
            }
            case CLOSED_CASE_DOCUMENTS -> {
                UUID caseId = db.select(CASE_DOCUMENT.CASE_ID).from(CASE_DOCUMENT).where(CASE_DOCUMENT.ID.eq(id))
                        .fetchOne(CASE_DOCUMENT.CASE_ID);
                // The case's row, shared: a reopening (an update of it) waits for this erasure or goes first.
                if (caseId == null || db.select(REGISTRY_CASE.ID).from(REGISTRY_CASE)
                        .where(REGISTRY_CASE.ID.eq(caseId)).forShare().fetchOne() == null
                        || !db.fetchExists(CASE_DOCUMENT, CASE_DOCUMENT.ID.eq(id).and(documentDue(cutoff)))) {
                    yield false;
                }
                // The key first: from this statement on, no copy of the content anywhere can be read.
                db.deleteFrom(CASE_DOCUMENT_KEY).where(CASE_DOCUMENT_KEY.DOCUMENT_ID.eq(id)).execute();
                yield db.deleteFrom(CASE_DOCUMENT).where(CASE_DOCUMENT.ID.eq(id)).execute() == 1;
            }
        };
    }

    private static Condition callDue(OffsetDateTime cutoff) {
        return CALL.DIRECTION.eq("INBOUND").and(CALL.OUTCOME.in(ABANDONED)).and(CALL.ENDED_AT.lt(cutoff))
                .and(CALL.CALLER_NUMBER_ENC.isNotNull().or(CALL.CALLER_HASH.isNotNull()))
                .andNotExists(DSL.selectOne().from(HOTLINE_REPORT).where(HOTLINE_REPORT.CALL_ID.eq(CALL.ID)))
                // An escalation is evidence of danger; a flag is a supervisor's warning still tied to the call.
                .andNotExists(DSL.selectOne().from(ESCALATION).where(ESCALATION.CALL_ID.eq(CALL.ID)))
                .andNotExists(DSL.selectOne().from(CALLER_FLAG).where(CALLER_FLAG.CALL_ID.eq(CALL.ID)))
                // A callback still to be made needs the number.
                .andNotExists(DSL.selectOne().from(CALLBACK_TASK).where(CALLBACK_TASK.DONE_AT.isNull())
                        .and(CALLBACK_TASK.CALL_ID.eq(CALL.ID).or(CALLBACK_TASK.LATEST_CALL_ID.eq(CALL.ID))
                                .or(CALLBACK_TASK.ID.in(DSL.select(CALLBACK_TASK_CALL.TASK_ID).from(CALLBACK_TASK_CALL)
                                        .where(CALLBACK_TASK_CALL.CALL_ID.eq(CALL.ID))))));
    }

    private static Condition draftDue(OffsetDateTime cutoff) {
        return HOTLINE_REPORT.STATUS.eq("DRAFT").and(HOTLINE_REPORT.UPDATED_AT.lt(cutoff))
                .andNotExists(DSL.selectOne().from(ESCALATION).where(ESCALATION.REPORT_ID.eq(HOTLINE_REPORT.ID)))
                .andNotExists(DSL.selectOne().from(CASE_SOURCE)
                        .where(CASE_SOURCE.HOTLINE_REPORT_ID.eq(HOTLINE_REPORT.ID)));
    }

    private static Condition documentDue(OffsetDateTime cutoff) {
        return DSL.exists(DSL.selectOne().from(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(CASE_DOCUMENT.CASE_ID))
                .and(REGISTRY_CASE.STATUS.eq("CLOSED")).and(REGISTRY_CASE.UPDATED_AT.lt(cutoff)));
    }

    /** The caller's fields of each (closed) task of this call whose other calls are all erased already. */
    private void eraseTasksOf(UUID call) {
        List<UUID> tasks = db.select(CALLBACK_TASK.ID).from(CALLBACK_TASK)
                .where(CALLBACK_TASK.CALL_ID.eq(call).or(CALLBACK_TASK.LATEST_CALL_ID.eq(call))
                        .or(CALLBACK_TASK.ID.in(DSL.select(CALLBACK_TASK_CALL.TASK_ID).from(CALLBACK_TASK_CALL)
                                .where(CALLBACK_TASK_CALL.CALL_ID.eq(call)))))
                .forUpdate().fetch(CALLBACK_TASK.ID);
        for (UUID task : tasks) {
            var other = CALL.as("other");
            boolean othersKept = db.fetchExists(DSL.selectOne().from(other).where(other.ID.ne(call))
                    .and(other.CALLER_NUMBER_ENC.isNotNull().or(other.CALLER_HASH.isNotNull()))
                    .and(other.ID.in(DSL.select(CALLBACK_TASK_CALL.CALL_ID).from(CALLBACK_TASK_CALL)
                                    .where(CALLBACK_TASK_CALL.TASK_ID.eq(task)))
                            .or(other.ID.in(DSL.select(CALLBACK_TASK.CALL_ID).from(CALLBACK_TASK)
                                    .where(CALLBACK_TASK.ID.eq(task))))
                            .or(other.ID.in(DSL.select(CALLBACK_TASK.LATEST_CALL_ID).from(CALLBACK_TASK)
                                    .where(CALLBACK_TASK.ID.eq(task))))));
            if (!othersKept) {
                db.update(CALLBACK_TASK).set(CALLBACK_TASK.CALLER_HASH, (byte[]) null)
                        .set(CALLBACK_TASK.CALLER_MASK, ERASED_MASK).set(CALLBACK_TASK.RECORDING_ENC, (byte[]) null)
                        .where(CALLBACK_TASK.ID.eq(task)).execute();
            }
        }
    }
}
