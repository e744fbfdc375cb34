package org.tiphotline.telephony.twilio;

import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Conference;
import com.twilio.twiml.voice.Dial;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.OperatorId;

/**
 * Twilio's webhooks for callbacks ({@link TwilioCallbacks}), signed like every other ({@link TwilioSignature}) and
 * stored once per delivery: {@code cb-op:<status>} for the operator's leg, {@code cb-person:<status>} for the
 * person's. The TwiML here puts the operator in the callback's conference and never names the person's number.
 */
@RestController
@ConditionalOnProperty(prefix = "hotline.telephony.twilio", name = "enabled", havingValue = "true")
@RequestMapping(path = "/twilio/callback", produces = MediaType.APPLICATION_XML_VALUE)
class TwilioCallbackWebhooks implements DisposableBean {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioCallbackWebhooks.class);
    private static final Set<String> FINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private final Switchboard switchboard;
    private final Calls calls;
    private final TwilioCallbacks callbacks;
    private final TwilioSettings settings;
    private final PendingReports pending;
    /** The person is added after the operator's TwiML is answered: Twilio waits for that answer, not for the REST. */
    private final ExecutorService commands = Executors.newVirtualThreadPerTaskExecutor();

    TwilioCallbackWebhooks(Switchboard switchboard, Calls calls, TwilioCallbacks callbacks, TwilioSettings settings,
            PendingReports pending) {
        this.switchboard = switchboard;
        this.calls = calls;
        this.callbacks = callbacks;
        this.settings = settings;
        this.pending = pending;
    }

    /** The operator answered their phone: into the callback's conference, and the person is dialled. */
    @PostMapping("/operator")
    String operatorAnswered(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call) {
        CallRef ref = ref(call);
        commands.execute(() -> {
            try {
                callbacks.operatorAnswered(ref);
            } catch (RuntimeException e) {
                // Twilio's own failures carry its status and code only; any other message might quote the request.
                log.warn("dialling the person of callback {} failed: {}", call,
                        e instanceof TwilioApi.Failure ? e.getMessage() : e.getClass().getSimpleName());
                callbacks.ended(ref, true);
                store(ref, "ended", () -> switchboard.once("cb-person:failed").ended(ref, "the call to the person "
                        + "failed"));
            }
        });
        Conference room = new Conference.Builder(TwilioCallbacks.conference(ref)).beep(Conference.Beep.FALSE)
                .startConferenceOnEnter(true).endConferenceOnExit(true).build();
        return new VoiceResponse.Builder().dial(new Dial.Builder().conference(room).build()).build().toXml();
    }

    /** The operator's leg rings, is answered, or ends. */
    @PostMapping("/operator-status")
    String operatorStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call) {
        CallRef ref = ref(call);
        String status = required(form, "CallStatus");
        OperatorId operator = operator(ref);
        if (status.equals("ringing")) {
            store(ref, "ringing", () -> switchboard.once("cb-op:ringing").ringing(ref, operator));
        } else if (FINAL.contains(status)) {
            String why = talking(ref) ? "operator" : callbacks.operatorAnsweredYet(ref)
                    ? "operator hung up before an answer" : "operator's phone not answered (" + status + ")";
            callbacks.ended(ref, false);
            store(ref, "ended", () -> switchboard.once("cb-op:end").ended(ref, why));
        }
        return empty();
    }

    /** The person's leg (the participant): answered, or ended with why. */
    @PostMapping("/status")
    String personStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call) {
        CallRef ref = ref(call);
        String status = required(form, "CallStatus");
        OperatorId operator = operator(ref);
        if (status.equals("in-progress") || status.equals("answered")) {
            store(ref, "answered", () -> switchboard.once("cb-person:answered").answered(ref, operator));
        } else if (FINAL.contains(status)) {
            boolean talking = talking(ref);
            callbacks.ended(ref, true);
            store(ref, "ended", () -> talking ? switchboard.once("cb-person:end").callerHungUp(ref)
                    : switchboard.once("cb-person:end").ended(ref, status.equals("completed") ? "no answer"
                            : status));
        }
        return empty();
    }

    @Override
    public void destroy() {
        commands.close();
    }

    private OperatorId operator(CallRef ref) {
        return callbacks.operator(ref).or(() -> calls.idOf(ref).flatMap(calls::load).map(Call::lastOffered))
                .orElseThrow(() -> new IllegalArgumentException("no such callback"));
    }

    private boolean talking(CallRef ref) {
        return calls.idOf(ref).flatMap(calls::load).map(c -> c.state() == CallState.TALKING).orElse(false);
    }

    private void store(CallRef ref, String what, java.util.function.BooleanSupplier report) {
        try {
            pending.report(ref, what, report);
        } catch (org.springframework.dao.DataAccessException | org.springframework.transaction.TransactionException e) {
            log.warn("a Twilio callback report could not be stored: {}", e.getClass().getSimpleName());
        }
    }

    private static CallRef ref(String call) {
        if (call == null || !call.matches(TwilioCallbacks.REF)) {
            throw new IllegalArgumentException("call must name a callback (cb- and its id)");
        }
        return new CallRef(TwilioLine.PROVIDER, call);
    }

    private static String required(Map<String, String> form, String name) {
        String value = form.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static String empty() {
        return new VoiceResponse.Builder().build().toXml();
    }
}
