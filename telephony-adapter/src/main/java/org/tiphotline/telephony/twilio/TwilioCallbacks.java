package org.tiphotline.telephony.twilio;

import static org.tiphotline.db.Tables.TWILIO_CALLBACK_DIAL;

import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.CallerNumbers;
import org.tiphotline.protection.FieldCipher;

/**
 * Callbacks on Twilio. The operator's leg is created with the Calls API from the hotline's Twilio number (the one
 * the caller had dialled); once they answer, its TwiML puts them in a conference named after the callback, and the
 * person is added to it with the Participants API, again from the hotline's number. The person's number goes into
 * that one REST request and nowhere else: never into TwiML, a log or a listing. Until the operator answers (the
 * phone's ring time) it waits in {@code twilio_callback_dial}, encrypted, so that the operator's answer may reach
 * either node; it is erased as soon as it is sent, and the row when the callback ends. Signed status callbacks
 * ({@link TwilioCallbackWebhooks}) report ringing, answered and completed.
 */
final class TwilioCallbacks {

    static final String CONFERENCE_PREFIX = "hotline-";
    /** Provider call ids of callbacks: the core's {@code cb-} and the new call's UUID. */
    static final String REF = "cb-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String ACTOR = "system:twilio";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioCallbacks.class);

    private final TwilioApi api;
    private final TwilioSettings settings;
    private final Calls calls;
    private final DSLContext db;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final TransactionTemplate tx;

    TwilioCallbacks(TwilioApi api, TwilioSettings settings, Calls calls, DSLContext db, FieldCipher cipher,
            AuditTrail audit, TransactionTemplate tx) {
        this.api = api;
        this.settings = settings;
        this.calls = calls;
        this.db = db;
        this.cipher = cipher;
        this.audit = audit;
        this.tx = tx;
    }

    Optional<String> cannotCallBack(Operator operator) {
        if (phoneOf(operator) == null) {
            return Optional.of("the operator has no phone on Twilio");
        }
        return Optional.empty();
    }

    /** Where Twilio rings this user: their phone number, else their browser phone when on; null when neither. */
    String phoneOf(Operator operator) {
        String phone = settings.operatorPhones().get(operator.username());
        return phone != null ? phone : settings.browserPhone() ? "client:" + TwilioTokens.identity(operator.id())
                : null;
    }

    /** Rings the operator's phone (Calls API); the person is added once they answer ({@link #operatorAnswered}). */
    void dial(CallRef ref, Operator operator, String number) {
        CallerNumbers.requireDiallable(number);
        // The hotline's own Twilio number: the one the caller dialled, copied onto the callback's record.
        Call call = calls.idOf(ref).flatMap(calls::load)
                .orElseThrow(() -> new IllegalStateException("the hotline's Twilio number for this call is unknown"));
        String from = Optional.ofNullable(call.dialled()).filter(n -> n.matches("\\+?[0-9]{2,20}"))
                .orElseThrow(() -> new IllegalStateException("the hotline's Twilio number for this call is unknown"));
        String phone = settings.operatorPhones().get(operator.username());
        String to = phone != null ? phone : "client:" + TwilioTokens.identity(operator.id());
        String id = ref.providerCallId();
        tx.executeWithoutResult(status -> {
            db.insertInto(TWILIO_CALLBACK_DIAL)
                    .set(TWILIO_CALLBACK_DIAL.CALL_REF, id)
                    .set(TWILIO_CALLBACK_DIAL.OPERATOR_ID, operator.id().value())
                    .set(TWILIO_CALLBACK_DIAL.FROM_NUMBER, from)
                    .set(TWILIO_CALLBACK_DIAL.NUMBER_ENC, cipher.encrypt(number, bound(id))).execute();
            audit.record(ACTOR, AuditTrail.Action.CREATE, "call", call.id(), List.of("callback_number"));
        });
        String leg;
        try {
            leg = api.createCall(to, from, "/twilio/callback/operator?call=" + id,
                    "/twilio/callback/operator-status?call=" + id, settings.ringSeconds());
        } catch (RuntimeException e) {
            db.deleteFrom(TWILIO_CALLBACK_DIAL).where(TWILIO_CALLBACK_DIAL.CALL_REF.eq(id)).execute();
            throw e;
        }
        // The leg's webhooks can come before this (the operator's phone answers fast): none of them needs it.
        db.update(TWILIO_CALLBACK_DIAL).set(TWILIO_CALLBACK_DIAL.OPERATOR_LEG, leg)
                .where(TWILIO_CALLBACK_DIAL.CALL_REF.eq(id)).execute();
    }

    /**
     * The operator picked up: the person is dialled into the conference now, from the hotline's number. The number
     * is taken out of its row in the same statement that erases it, so a repeat of this webhook, on either node,
     * dials nobody.
     */
    void operatorAnswered(CallRef ref) {
        String id = ref.providerCallId();
        var before = TWILIO_CALLBACK_DIAL.as("before");
        var old = DSL.select(before.NUMBER_ENC, before.FROM_NUMBER, before.CALL_REF).from(before)
                .where(before.CALL_REF.eq(id)).forUpdate().asTable("old");
        record Taken(byte[] number, String from) {}
        Optional<Taken> taken = tx.execute(status -> {
            Optional<Taken> row = db.update(TWILIO_CALLBACK_DIAL)
                    .set(TWILIO_CALLBACK_DIAL.OPERATOR_ANSWERED, true)
                    .set(TWILIO_CALLBACK_DIAL.NUMBER_ENC, (byte[]) null)
                    .from(old).where(TWILIO_CALLBACK_DIAL.CALL_REF.eq(old.field(before.CALL_REF)))
                    .returningResult(old.field(before.NUMBER_ENC), old.field(before.FROM_NUMBER))
                    .fetchOptional(r -> new Taken(r.value1(), r.value2()))
                    .filter(t -> t.number() != null);
            row.ifPresent(t -> calls.idOf(ref).ifPresent(call -> audit.record(ACTOR, AuditTrail.Action.READ, "call",
                    call, List.of("callback_number"))));
            return row;
        });
        taken.ifPresent(t -> api.addParticipant(conference(ref), t.from(), cipher.decrypt(t.number(), bound(id)),
                "/twilio/callback/status?call=" + id, null, "callback", settings.ringSeconds()));
    }

    /** The callback is over: nothing of it is kept, and the operator's leg is hung up if it still rings or talks. */
    void ended(CallRef ref, boolean hangUpOperator) {
        Optional<String> leg = db.deleteFrom(TWILIO_CALLBACK_DIAL)
                .where(TWILIO_CALLBACK_DIAL.CALL_REF.eq(ref.providerCallId()))
                .returningResult(TWILIO_CALLBACK_DIAL.OPERATOR_LEG).fetchOptional(org.jooq.Record1::value1);
        if (hangUpOperator && leg.isPresent()) {
            try {
                api.complete(leg.get());
            } catch (RuntimeException e) {
                log.warn("hanging up the operator's leg of callback {} failed: {}", ref.providerCallId(),
                        e.getMessage());
            }
        }
    }

    Optional<OperatorId> operator(CallRef ref) {
        return db.select(TWILIO_CALLBACK_DIAL.OPERATOR_ID).from(TWILIO_CALLBACK_DIAL)
                .where(TWILIO_CALLBACK_DIAL.CALL_REF.eq(ref.providerCallId()))
                .fetchOptional(TWILIO_CALLBACK_DIAL.OPERATOR_ID).map(OperatorId::new);
    }

    boolean operatorAnsweredYet(CallRef ref) {
        return Boolean.TRUE.equals(db.select(TWILIO_CALLBACK_DIAL.OPERATOR_ANSWERED).from(TWILIO_CALLBACK_DIAL)
                .where(TWILIO_CALLBACK_DIAL.CALL_REF.eq(ref.providerCallId()))
                .fetchOne(TWILIO_CALLBACK_DIAL.OPERATOR_ANSWERED));
    }

    /**
     * A number still waiting after any phone has stopped ringing belongs to a dial whose node went away before the
     * operator answered: erased. Rows of callbacks long over are deleted.
     */
    void forgetStale() {
        db.update(TWILIO_CALLBACK_DIAL).set(TWILIO_CALLBACK_DIAL.NUMBER_ENC, (byte[]) null)
                .where(TWILIO_CALLBACK_DIAL.NUMBER_ENC.isNotNull())
                .and(TWILIO_CALLBACK_DIAL.CREATED_AT.lt(DSL.field("now() - interval '15 minutes'",
                        org.jooq.impl.SQLDataType.TIMESTAMPWITHTIMEZONE))).execute();
        db.deleteFrom(TWILIO_CALLBACK_DIAL).where(TWILIO_CALLBACK_DIAL.CREATED_AT.lt(DSL.field(
                "now() - interval '1 day'", org.jooq.impl.SQLDataType.TIMESTAMPWITHTIMEZONE))).execute();
    }

    static String conference(CallRef ref) {
        return CONFERENCE_PREFIX + ref.providerCallId();
    }

    /** The ciphertext is bound to its row: copied to another row it does not decrypt. */
    private static String bound(String id) {
        return "twilio_callback_dial.number_enc:" + id;
    }
}
