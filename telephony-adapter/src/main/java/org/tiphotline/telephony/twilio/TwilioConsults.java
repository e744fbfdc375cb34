package org.tiphotline.telephony.twilio;

import static org.tiphotline.db.Tables.TWILIO_ESCALATION;

import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Consults and interpreter lines on Twilio, in the call's conference (the one escalation and supervision move it
 * into, {@link TwilioLine}): the colleague's phone and the interpreter line are added with the Participants API; the
 * caller is held and taken off hold by an update of their participant ({@code Hold}), which Twilio addresses by the
 * conference's SID, so that SID is kept from the conference's join events (V60). A consult started before the
 * caller is in the conference (the first move into it) holds them as soon as their join is reported. Without a
 * {@code HoldUrl}, Twilio plays its own hold music. What a consult needs between steps (the colleague's leg, whether
 * one is under way) is in {@code twilio_escalation}, so the next step may run on either node.
 */
final class TwilioConsults {

    /** What a consult's end found: the legs it needs to move; {@code conferenceSid} null when not known yet. */
    record Ended(String conferenceSid, String consultLeg, String operatorLeg) {}

    private final TwilioApi api;
    private final DSLContext db;

    TwilioConsults(TwilioApi api, DSLContext db) {
        this.api = api;
        this.db = db;
    }

    /**
     * Marks the call consulting and holds the caller if the conference is known, then rings the colleague into it.
     * Refused (in words) when a consult is under way already.
     */
    void consult(String callSid, String from, String colleaguePhone) {
        // The record, not its value: the conference's SID is null until Twilio reported a join.
        Optional<org.jooq.Record1<String>> marked = db.update(TWILIO_ESCALATION)
                .set(TWILIO_ESCALATION.CONSULTING, true)
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).and(TWILIO_ESCALATION.CONSULTING.isFalse())
                .returningResult(TWILIO_ESCALATION.CONFERENCE_SID).fetchOptional();
        if (marked.isEmpty()) {
            throw new IllegalStateException("a colleague is being asked about this call already");
        }
        try {
            String conference = marked.get().value1();
            if (conference != null) {
                api.hold(conference, callSid, true);
            }
            String leg = api.addLeg(TwilioLine.CONFERENCE_PREFIX + callSid, from, colleaguePhone, "colleague",
                    Map.of(), 30);
            db.update(TWILIO_ESCALATION).set(TWILIO_ESCALATION.CONSULT_LEG, leg)
                    .where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).execute();
        } catch (RuntimeException e) {
            db.update(TWILIO_ESCALATION).set(TWILIO_ESCALATION.CONSULTING, false)
                    .where(TWILIO_ESCALATION.CALL_SID.eq(callSid)).execute();
            throw e;
        }
    }

    /** A warm transfer: the colleague's leg becomes the call's operator leg, the caller is taken off hold. */
    void handOver(String callSid) {
        Ended ended = end(callSid, true).orElseThrow(() -> new IllegalStateException(
                "no colleague is on the line to hand over to"));
        if (ended.conferenceSid() != null) {
            api.hold(ended.conferenceSid(), callSid, false);
        }
        if (ended.operatorLeg() != null) {
            api.complete(ended.operatorLeg());
        }
    }

    /** The consult is called off: the colleague's leg ends, the caller is taken off hold. */
    void callOff(String callSid) {
        end(callSid, false).ifPresent(ended -> {
            if (ended.consultLeg() != null) {
                try {
                    api.complete(ended.consultLeg());
                } catch (TwilioApi.Failure gone) {
                    // The colleague hung up already.
                }
            }
            if (ended.conferenceSid() != null) {
                api.hold(ended.conferenceSid(), callSid, false);
            }
        });
    }

    /** An interpreter line rung into the call's conference, with nobody held: all three talk. */
    void interpreter(String callSid, String from, String number) {
        api.addLeg(TwilioLine.CONFERENCE_PREFIX + callSid, from, number, "interpreter", Map.of(), 45);
    }

    /**
     * The conference of the call is {@code conferenceSid} (from a join event); returns whether the caller should be
     * held now: they just joined while a consult is under way.
     */
    boolean joined(String callSid, String participant, String conferenceSid) {
        if (conferenceSid == null || !conferenceSid.matches("CF[0-9a-fA-F]{32}")) {
            return false;
        }
        Boolean consulting = db.update(TWILIO_ESCALATION).set(TWILIO_ESCALATION.CONFERENCE_SID, conferenceSid)
                .where(TWILIO_ESCALATION.CALL_SID.eq(callSid))
                .returningResult(TWILIO_ESCALATION.CONSULTING).fetchOptional(org.jooq.Record1::value1).orElse(false);
        if (Boolean.TRUE.equals(consulting) && participant.equals(callSid)) {
            api.hold(conferenceSid, callSid, true);
            return true;
        }
        return false;
    }

    /** Ends the consult once (either node): what it found, or empty when none was under way. */
    private Optional<Ended> end(String callSid, boolean handOver) {
        var before = TWILIO_ESCALATION.as("before");
        var old = DSL.select(before.CONFERENCE_SID, before.CONSULT_LEG, before.OPERATOR_LEG).from(before)
                .where(before.CALL_SID.eq(callSid)).and(before.CONSULTING).forUpdate().asTable("old");
        var update = db.update(TWILIO_ESCALATION).set(TWILIO_ESCALATION.CONSULTING, false)
                .set(TWILIO_ESCALATION.CONSULT_LEG, (String) null)
                .set(TWILIO_ESCALATION.UPDATED_AT, DSL.currentOffsetDateTime());
        if (handOver) {
            // Whom a coach speaks to, and whose leaving no longer matters: the colleague's leg from now on.
            update = update.set(TWILIO_ESCALATION.OPERATOR_LEG, old.field(before.CONSULT_LEG));
        }
        return update.from(old).where(TWILIO_ESCALATION.CALL_SID.eq(callSid))
                .returningResult(old.field(before.CONFERENCE_SID), old.field(before.CONSULT_LEG),
                        old.field(before.OPERATOR_LEG))
                .fetchOptional(r -> new Ended(r.value1(), r.value2(), r.value3()));
    }
}
