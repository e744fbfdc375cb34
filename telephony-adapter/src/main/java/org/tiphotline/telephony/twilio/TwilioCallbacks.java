package org.tiphotline.telephony.twilio;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.CallerNumbers;

/**
 * Callbacks on Twilio. The operator's leg is created with the Calls API from the hotline's Twilio number (the one
 * the caller had dialled); once they answer, its TwiML puts them in a conference named after the callback, and the
 * person is added to it with the Participants API, again from the hotline's number. The person's number goes into
 * that one REST request and nowhere else: never into TwiML, a log or a listing. Until the operator answers (the
 * phone's ring time) it is held here in memory with the callback, and dropped as soon as it is sent or the callback
 * ends. Signed status callbacks ({@link TwilioCallbackWebhooks}) report ringing, answered and completed.
 */
final class TwilioCallbacks {

    static final String CONFERENCE_PREFIX = "hotline-";
    /** Provider call ids of callbacks: the core's {@code cb-} and the new call's UUID. */
    static final String REF = "cb-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioCallbacks.class);

    /** A callback in progress; {@code number} is null once it has been sent. */
    private static final class Dial {
        final OperatorId operator;
        final String from;
        volatile String number;
        volatile String operatorLeg;
        volatile boolean operatorAnswered;

        Dial(OperatorId operator, String from, String number) {
            this.operator = operator;
            this.from = from;
            this.number = number;
        }
    }

    private final TwilioApi api;
    private final TwilioSettings settings;
    private final Calls calls;
    private final Map<String, Dial> live = new ConcurrentHashMap<>();

    TwilioCallbacks(TwilioApi api, TwilioSettings settings, Calls calls) {
        this.api = api;
        this.settings = settings;
        this.calls = calls;
    }

    Optional<String> cannotCallBack(Operator operator) {
        if (!settings.operatorPhones().containsKey(operator.username()) && !settings.browserPhone()) {
            return Optional.of("the operator has no phone on Twilio");
        }
        return Optional.empty();
    }

    /** Rings the operator's phone (Calls API); the person is added once they answer ({@link #operatorAnswered}). */
    void dial(CallRef ref, Operator operator, String number) {
        CallerNumbers.requireDiallable(number);
        // The hotline's own Twilio number: the one the caller dialled, copied onto the callback's record.
        String from = calls.idOf(ref).flatMap(calls::load).map(Call::dialled)
                .filter(n -> n.matches("\\+?[0-9]{2,20}"))
                .orElseThrow(() -> new IllegalStateException("the hotline's Twilio number for this call is unknown"));
        String phone = settings.operatorPhones().get(operator.username());
        String to = phone != null ? phone : "client:" + TwilioTokens.identity(operator.id());
        String id = ref.providerCallId();
        Dial dial = new Dial(operator.id(), from, number);
        live.put(id, dial);
        try {
            dial.operatorLeg = api.createCall(to, from, "/twilio/callback/operator?call=" + id,
                    "/twilio/callback/operator-status?call=" + id, settings.ringSeconds());
        } catch (RuntimeException e) {
            live.remove(id);
            throw e;
        }
    }

    /** The operator picked up: the person is dialled into the conference now, from the hotline's number. */
    void operatorAnswered(CallRef ref) {
        Dial dial = live.get(ref.providerCallId());
        if (dial == null) {
            return;
        }
        dial.operatorAnswered = true;
        String number = dial.number;
        dial.number = null;
        if (number != null) {
            api.addParticipant(conference(ref), dial.from, number,
                    "/twilio/callback/status?call=" + ref.providerCallId(), null, "callback", settings.ringSeconds());
        }
    }

    /** The callback is over: nothing of it is kept, and the operator's leg is hung up if it still rings or talks. */
    void ended(CallRef ref, boolean hangUpOperator) {
        Dial dial = live.remove(ref.providerCallId());
        if (dial != null && hangUpOperator && dial.operatorLeg != null) {
            try {
                api.complete(dial.operatorLeg);
            } catch (RuntimeException e) {
                log.warn("hanging up the operator's leg of callback {} failed: {}", ref.providerCallId(),
                        e.getMessage());
            }
        }
    }

    Optional<OperatorId> operator(CallRef ref) {
        return Optional.ofNullable(live.get(ref.providerCallId())).map(d -> d.operator);
    }

    boolean operatorAnsweredYet(CallRef ref) {
        Dial dial = live.get(ref.providerCallId());
        return dial != null && dial.operatorAnswered;
    }

    static String conference(CallRef ref) {
        return CONFERENCE_PREFIX + ref.providerCallId();
    }
}
