package org.tiphotline.telephony.twilio;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALL_EVENT;
import static org.tiphotline.db.Tables.TWILIO_ESCALATION;
import static org.tiphotline.db.Tables.TWILIO_SUPERVISOR_LEG;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * An inbound call's escalation as the database keeps it ({@code twilio_escalation}), so that Twilio's next webhook
 * or the operator's next command finds it on whichever node it reaches. Each change is one statement that reads
 * and writes together, so two nodes answering two webhooks of the same call at once cannot both take the same
 * step (dial the police twice, let the operator go twice). Nothing of it is on the path of a call that is never
 * escalated but one primary-key read when an operator's Dial ends with the caller still on the line.
 */
final class TwilioEscalationState {

    /** What a claim found: the operator's leg to move, or why the call cannot be escalated now. */
    sealed interface Claim {
        record Claimed(String operatorLeg) implements Claim {}

        record Refused(String why) implements Claim {}
    }

    /** What the end of an escalation line's ringing left to do: let the operator go (a transfer) or nothing. */
    record Settled(String mode, String operatorLeg) {}

    /** The delivery key under which an operator's answer was stored ({@link TwilioOperatorWebhooks}). */
    private static final Pattern ANSWER_DELIVERY = Pattern.compile("op:(CA[0-9a-fA-F]{32}):.*");

    private final DSLContext db;

    TwilioEscalationState(DSLContext db) {
        this.db = db;
    }

    /**
     * Claims the call for an escalation in {@code mode}: refused when one is under way, or when no operator's leg is
     * talking on it. The leg is the one whose answer the call's record holds (its delivery key names it), so
     * answering a call costs no write beyond the record; after an answered escalation it is gone (null here).
     */
    Claim claim(String callSid, String mode) {
        Optional<String> row = db.update(TWILIO_ESCALATION)
                .set(TWILIO_ESCALATION.MODE, mode)
                .set(TWILIO_ESCALATION.CONFERENCED, true)
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(TWILIO_ESCALATION.CALL_SID.eq(callSid))
                .and(TWILIO_ESCALATION.MODE.isNull()).and(TWILIO_ESCALATION.OPERATOR_LEG.isNotNull())
                .returningResult(TWILIO_ESCALATION.OPERATOR_LEG).fetchOptional().map(org.jooq.Record1::value1);
        if (row.isPresent()) {
            return new Claim.Claimed(row.get());
        }
        Record2<String, String> existing = db.select(TWILIO_ESCALATION.MODE, TWILIO_ESCALATION.OPERATOR_LEG)
                .from(TWILIO_ESCALATION).where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).fetchOne();
        if (existing != null) {
            return new Claim.Refused(existing.value1() != null ? "an escalation of this call is already under way"
                    : "only a call an operator is talking on can be escalated");
        }
        Optional<String> leg = answeredLeg(callSid);
        if (leg.isEmpty()) {
            return new Claim.Refused("only a call an operator is talking on can be escalated");
        }
        int inserted = db.insertInto(TWILIO_ESCALATION)
                .set(TWILIO_ESCALATION.CALL_SID, callSid)
                .set(TWILIO_ESCALATION.OPERATOR_LEG, leg.get())
                .set(TWILIO_ESCALATION.MODE, mode)
                .set(TWILIO_ESCALATION.CONFERENCED, true)
                .onConflictDoNothing().execute();
        // Lost the race to a claim made on the other node (or this one) at the same moment.
        return inserted == 1 ? new Claim.Claimed(leg.get())
                : new Claim.Refused("an escalation of this call is already under way");
    }

    /**
     * The call's conference for a supervisor: {@code Claimed} with the operator's leg when the operator is to be
     * moved into it now (the first supervisor; escalation does the same), {@code Refused} with null when the call
     * is in it already; {@code Refused} with words when no operator's leg is talking on it. Leaves {@code mode}
     * alone, so an escalation may still follow.
     */
    Claim conferenceForSupervision(String callSid) {
        Record2<Boolean, String> row = db.select(TWILIO_ESCALATION.CONFERENCED, TWILIO_ESCALATION.OPERATOR_LEG)
                .from(TWILIO_ESCALATION).where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).fetchOne();
        if (row != null && Boolean.TRUE.equals(row.value1())) {
            return new Claim.Refused(null);
        }
        Optional<String> leg = row != null && row.value2() != null ? Optional.of(row.value2()) : answeredLeg(callSid);
        if (leg.isEmpty()) {
            return new Claim.Refused("no operator's phone is on the call");
        }
        int moved = db.insertInto(TWILIO_ESCALATION)
                .set(TWILIO_ESCALATION.CALL_SID, callSid)
                .set(TWILIO_ESCALATION.OPERATOR_LEG, leg.get())
                .set(TWILIO_ESCALATION.CONFERENCED, true)
                .onConflict(TWILIO_ESCALATION.CALL_SID).doUpdate()
                .set(TWILIO_ESCALATION.CONFERENCED, true)
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(TWILIO_ESCALATION.CONFERENCED.isFalse()).execute();
        // Lost to another supervisor (or an escalation) moving it at the same moment: it is in the conference.
        return moved == 1 ? new Claim.Claimed(leg.get()) : new Claim.Refused(null);
    }

    /** The operator's leg in the call's conference (whom a coach speaks to), if it is still there. */
    Optional<String> operatorLeg(String callSid) {
        return Optional.ofNullable(db.select(TWILIO_ESCALATION.OPERATOR_LEG).from(TWILIO_ESCALATION)
                .where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).fetchOne(TWILIO_ESCALATION.OPERATOR_LEG));
    }

    void supervisorJoined(String callSid, long supervisor, String leg) {
        db.insertInto(TWILIO_SUPERVISOR_LEG).set(TWILIO_SUPERVISOR_LEG.CALL_SID, callSid)
                .set(TWILIO_SUPERVISOR_LEG.SUPERVISOR_ID, supervisor).set(TWILIO_SUPERVISOR_LEG.LEG_SID, leg)
                .onConflict(TWILIO_SUPERVISOR_LEG.CALL_SID, TWILIO_SUPERVISOR_LEG.SUPERVISOR_ID).doUpdate()
                .set(TWILIO_SUPERVISOR_LEG.LEG_SID, leg)
                .set(TWILIO_SUPERVISOR_LEG.UPDATED_AT, DSL.currentOffsetDateTime()).execute();
    }

    /** The supervisor's leg, taken out of the table once (a second stop, on either node, finds none). */
    Optional<String> supervisorLeaves(String callSid, long supervisor) {
        return db.deleteFrom(TWILIO_SUPERVISOR_LEG).where(TWILIO_SUPERVISOR_LEG.CALL_SID.eq(callSid))
                .and(TWILIO_SUPERVISOR_LEG.SUPERVISOR_ID.eq(supervisor))
                .returningResult(TWILIO_SUPERVISOR_LEG.LEG_SID).fetchOptional(org.jooq.Record1::value1);
    }

    /** The claim did not get as far as Twilio: the call may be escalated again. */
    void release(String callSid) {
        escalationFailed(callSid);
    }

    /** The operator's leg that answered the call, from the delivery key its answer was stored under. */
    private Optional<String> answeredLeg(String callSid) {
        List<String> deliveries = db.select(CALL_EVENT.DELIVERY).from(CALL_EVENT).join(CALL)
                .on(CALL.ID.eq(CALL_EVENT.CALL_ID))
                .where(CALL.PROVIDER.eq(TwilioLine.PROVIDER)).and(CALL.PROVIDER_CALL_ID.eq(callSid))
                .and(CALL.STATE.eq("TALKING")).and(CALL_EVENT.TYPE.eq("ANSWERED"))
                .and(CALL_EVENT.DELIVERY.isNotNull())
                .orderBy(CALL_EVENT.SEQ.desc()).fetch(CALL_EVENT.DELIVERY);
        for (String delivery : deliveries) {
            Matcher leg = ANSWER_DELIVERY.matcher(delivery);
            if (leg.matches()) {
                return Optional.of(leg.group(1));
            }
        }
        return Optional.empty();
    }

    /** Whether the operator was moved into the call's conference (the caller's Dial ending means "follow"). */
    boolean conferenced(String callSid) {
        return Boolean.TRUE.equals(db.select(TWILIO_ESCALATION.CONFERENCED).from(TWILIO_ESCALATION)
                .where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).fetchOne(TWILIO_ESCALATION.CONFERENCED));
    }

    /**
     * The escalation line answered: the escalation is settled and the operator's leg is no longer the call's.
     * Returns what was under way, once: a repeat of the same webhook (on either node) finds nothing.
     */
    Optional<Settled> escalationAnswered(String callSid) {
        var before = TWILIO_ESCALATION.as("before");
        var old = DSL.select(before.MODE, before.OPERATOR_LEG).from(before)
                .where(before.CALL_SID.eq(callSid)).and(before.MODE.isNotNull()).forUpdate().asTable("old");
        return db.update(TWILIO_ESCALATION)
                .set(TWILIO_ESCALATION.MODE, (String) null)
                .set(TWILIO_ESCALATION.OPERATOR_LEG, (String) null)
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                .from(old).where(TWILIO_ESCALATION.CALL_SID.eq(callSid))
                .returningResult(old.field(before.MODE), old.field(before.OPERATOR_LEG))
                .fetchOptional(r -> new Settled(r.value1(), r.value2()));
    }

    void escalationFailed(String callSid) {
        db.update(TWILIO_ESCALATION).set(TWILIO_ESCALATION.MODE, (String) null)
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).execute();
    }

    /** Someone joined the call's conference. */
    void joined(String callSid, String participant) {
        db.insertInto(TWILIO_ESCALATION)
                .set(TWILIO_ESCALATION.CALL_SID, callSid)
                .set(TWILIO_ESCALATION.PARTICIPANTS, new String[] {participant})
                .onConflict(TWILIO_ESCALATION.CALL_SID).doUpdate()
                .set(TWILIO_ESCALATION.PARTICIPANTS, DSL.when(DSL.val(participant).eq(DSL.any(
                        TWILIO_ESCALATION.PARTICIPANTS)), TWILIO_ESCALATION.PARTICIPANTS)
                        .otherwise(DSL.arrayAppend(TWILIO_ESCALATION.PARTICIPANTS, participant)))
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                .execute();
    }

    /**
     * Someone left the call's conference. Returns whether the caller is now alone in it with no escalation line
     * being added: then nobody is left to talk to them.
     */
    boolean leftAlone(String callSid, String participant) {
        if (participant.equals(callSid)) {
            // The caller left: the conference is over for this call.
            db.update(TWILIO_ESCALATION).set(TWILIO_ESCALATION.PARTICIPANTS, new String[0])
                    .set(TWILIO_ESCALATION.CONFERENCED, false)
                    .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).execute();
            return false;
        }
        Optional<List<String>> left = db.update(TWILIO_ESCALATION)
                .set(TWILIO_ESCALATION.PARTICIPANTS, DSL.arrayRemove(TWILIO_ESCALATION.PARTICIPANTS, participant))
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(TWILIO_ESCALATION.CALL_SID.eq(callSid))
                .returningResult(TWILIO_ESCALATION.PARTICIPANTS, TWILIO_ESCALATION.MODE)
                .fetchOptional(r -> r.value2() == null ? List.of(r.value1()) : null);
        if (left.isEmpty() || left.get() == null) {
            return false;
        }
        // A supervisor is no company for the caller: one listening in is silent, and none of them is the hotline's
        // answer to this caller once operator and escalation line have gone.
        List<String> company = new java.util.ArrayList<>(left.get());
        if (company.size() > 1) {
            company.removeAll(db.select(TWILIO_SUPERVISOR_LEG.LEG_SID).from(TWILIO_SUPERVISOR_LEG)
                    .where(TWILIO_SUPERVISOR_LEG.CALL_SID.eq(callSid)).fetch(TWILIO_SUPERVISOR_LEG.LEG_SID));
        }
        return company.equals(List.of(callSid));
    }

    /** Rows of calls long over: nothing reads them after the call's last webhook. */
    int forgetOlderThanADay() {
        db.deleteFrom(TWILIO_SUPERVISOR_LEG).where(TWILIO_SUPERVISOR_LEG.UPDATED_AT.lt(DSL.field(
                "now() - interval '1 day'", org.jooq.impl.SQLDataType.TIMESTAMPWITHTIMEZONE))).execute();
        return db.deleteFrom(TWILIO_ESCALATION)
                .where(TWILIO_ESCALATION.UPDATED_AT.lt(DSL.field("now() - interval '1 day'",
                        org.jooq.impl.SQLDataType.TIMESTAMPWITHTIMEZONE))).execute();
    }
}
