package org.tiphotline.callers;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallDirection;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.intake.ReportSummaries;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;

/**
 * What the hotline already knows about the caller of a ringing call, so nobody asks them twice: the earlier calls
 * from the same number (matched on the keyed hash, never by decrypting; a withheld number has no hash and matches
 * nothing), each with its outcome, operator, the operator's summary and the case it became, and the supervisors'
 * flags in force. Need to know: the operator the call is offered to or talking with, and supervisors; the listing
 * is audited as one row naming every call, summary and note it showed.
 */
@Service
public class EarlierContacts {

    /** The pop shows the newest of them; the total says how many more there are. */
    static final int SHOWN = 20;

    public record Contact(CallId call, Instant arrivedAt, CallDirection direction, String provider, String state,
            CallOutcome outcome, String operatorName, String reportStatus, String summary, String caseReference) {}

    public record History(CallId call, String callerMask, int total, List<Contact> contacts, List<CallerFlag> flags) {}

    private final DSLContext db;
    private final Calls calls;
    private final ReportSummaries summaries;
    private final CallerFlags flags;
    private final AuditTrail audit;

    EarlierContacts(DSLContext db, Calls calls, ReportSummaries summaries, CallerFlags flags, AuditTrail audit) {
        this.db = db;
        this.calls = calls;
        this.summaries = summaries;
        this.flags = flags;
        this.audit = audit;
    }

    @Transactional
    public History of(Actor actor, CallId id) {
        Call call = calls.load(id).orElseThrow(() -> new UnknownCall(id));
        requireNeedToKnow(actor, call);
        byte[] hash = db.select(CALL.CALLER_HASH).from(CALL).where(CALL.ID.eq(id.value())).fetchOne(CALL.CALLER_HASH);
        var me = CALL.as("me");
        List<Contact> contacts = new ArrayList<>();
        int total = 0;
        if (hash != null) {
            var rows = db.select(CALL.ID, CALL.ARRIVED_AT, CALL.DIRECTION, CALL.PROVIDER, CALL.STATE, CALL.OUTCOME,
                            CALL.ANSWERED_AT,
                            APP_USER.DISPLAY_NAME, HOTLINE_REPORT.ID, HOTLINE_REPORT.STATUS, REGISTRY_CASE.REFERENCE)
                    .from(CALL)
                    .join(me).on(me.ID.eq(id.value()))
                    .leftJoin(APP_USER).on(APP_USER.ID.eq(CALL.OPERATOR_ID))
                    .leftJoin(HOTLINE_REPORT).on(HOTLINE_REPORT.CALL_ID.eq(CALL.ID))
                    .leftJoin(CASE_SOURCE).on(CASE_SOURCE.HOTLINE_REPORT_ID.eq(HOTLINE_REPORT.ID))
                    .leftJoin(REGISTRY_CASE).on(REGISTRY_CASE.ID.eq(CASE_SOURCE.CASE_ID))
                    .where(CALL.CALLER_HASH.eq(hash)).and(CALL.ID.ne(id.value()))
                    .and(CALL.ARRIVED_AT.lt(me.ARRIVED_AT))
                    .orderBy(CALL.ARRIVED_AT.desc(), CALL.ID.desc())
                    .limit(SHOWN)
                    .fetch();
            total = calls.earlierContacts(id);
            List<UUID> reports = rows.stream().map(r -> r.get(HOTLINE_REPORT.ID)).filter(r -> r != null).toList();
            Map<UUID, String> summary = summaries.of(reports);
            for (var r : rows) {
                UUID report = r.get(HOTLINE_REPORT.ID);
                contacts.add(new Contact(new CallId(r.get(CALL.ID)), r.get(CALL.ARRIVED_AT).toInstant(),
                        CallDirection.valueOf(r.get(CALL.DIRECTION)), r.get(CALL.PROVIDER), r.get(CALL.STATE),
                        r.get(CALL.OUTCOME) == null ? null : CallOutcome.valueOf(r.get(CALL.OUTCOME)),
                        // Who took it: a call that only rang at someone was taken by nobody.
                        r.get(CALL.ANSWERED_AT) == null ? null : r.get(APP_USER.DISPLAY_NAME),
                        r.get(HOTLINE_REPORT.STATUS),
                        report == null ? null : summary.get(report), r.get(REGISTRY_CASE.REFERENCE)));
            }
        }
        List<CallerFlag> inForce = flags.inForceFor(hash);
        List<String> read = new ArrayList<>();
        for (Contact c : contacts) {
            read.add("call:" + c.call() + (c.summary() != null ? ":summaryForNextOperator" : ""));
        }
        read.addAll(CallerFlags.noteFields(inForce));
        audit.record(actor.username(), AuditTrail.Action.READ, "caller_history", id, read);
        return new History(id, call.callerMask(), Math.max(total, contacts.size()), List.copyOf(contacts), inForce);
    }

    /**
     * The operator the call is ringing at or talking with, or a supervisor. Anyone else, the call's own operator
     * after it ended included, is refused: the listing is for the moment the caller is on the line.
     */
    private static void requireNeedToKnow(Actor actor, Call call) {
        if (actor.is(Role.SUPERVISOR)) {
            return;
        }
        boolean mine = actor.is(Role.OPERATOR)
                && (call.state() == CallState.RINGING && actor.id().equals(call.lastOffered())
                        || call.state() == CallState.TALKING && actor.id().equals(call.operator()));
        if (!mine) {
            throw new SecurityException("the caller's earlier contacts are for the operator the call rings at or "
                    + "who is talking with the caller, and for supervisors");
        }
    }
}
