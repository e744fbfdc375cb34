package org.tiphotline.telephony.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Client;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Identity;
import com.twilio.twiml.voice.Number;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;

/**
 * Twilio's webhooks of ringing an operator: the TwiML that dials their phone or browser, and that leg's ringing and
 * answer. Apart from {@link TwilioWebhooks}, which carries the caller; the end of the operator's dial comes back
 * there ({@code /dial-done}), since what follows is the caller's.
 */
@RestController
@ConditionalOnProperty(prefix = "hotline.telephony.twilio", name = "enabled", havingValue = "true")
@RequestMapping(path = "/twilio", produces = MediaType.APPLICATION_XML_VALUE)
class TwilioOperatorWebhooks {

    private static final String EMPTY = new VoiceResponse.Builder().build().toXml();

    private final Switchboard switchboard;
    private final Operators operators;
    private final TwilioSettings settings;
    private final PendingReports pending;
    /** The dial TwiML per operator: from settings only (see TwilioWebhooks' cache, same reason). */
    private final Map<Long, String> rendered = new java.util.concurrent.ConcurrentHashMap<>();

    TwilioOperatorWebhooks(Switchboard switchboard, Operators operators, TwilioSettings settings,
            PendingReports pending) {
        this.switchboard = switchboard;
        this.operators = operators;
        this.settings = settings;
        this.pending = pending;
    }

    /** The adapter moved the call here to ring the operator the routing brain chose. */
    @PostMapping("/connect")
    String connect(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("operator") long operatorId) {
        TwilioForms.arrived(pending, switchboard, form);
        Operator operator = operators.byId(new OperatorId(operatorId))
                .orElseThrow(() -> new IllegalArgumentException("no such operator"));
        // Per operator, from settings only: as many copies as operators.
        return rendered.computeIfAbsent(operator.id().value(), id -> dialOperator(operator).toXml());
    }

    private VoiceResponse dialOperator(Operator operator) {
        long operatorId = operator.id().value();
        String status = settings.publicBaseUrl() + "/twilio/operator-status?operator=" + operatorId;
        Dial.Builder dial = new Dial.Builder().answerOnBridge(true).timeout(settings.ringSeconds())
                .action("/twilio/dial-done?operator=" + operatorId).method(HttpMethod.POST);
        String phone = settings.operatorPhones().get(operator.username());
        if (phone != null) {
            dial.number(new Number.Builder(phone).statusCallback(status).statusCallbackMethod(HttpMethod.POST)
                    .statusCallbackEvents(java.util.List.of(Number.Event.RINGING, Number.Event.ANSWERED)).build());
        } else {
            dial.client(new Client.Builder().identity(new Identity.Builder(TwilioTokens.identity(operator.id()))
                    .build()).statusCallback(status)
                    .statusCallbackMethod(HttpMethod.POST)
                    .statusCallbackEvents(java.util.List.of(Client.Event.RINGING, Client.Event.ANSWERED)).build());
        }
        return new VoiceResponse.Builder().dial(dial.build()).build();
    }

    /** The operator's leg rings or answers. */
    @PostMapping("/operator-status")
    String operatorStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("operator") long operatorId) {
        String parent = TwilioForms.required(form, "ParentCallSid");
        String leg = TwilioForms.required(form, "CallSid");
        String status = TwilioForms.required(form, "CallStatus");
        CallRef ref = new CallRef(TwilioLine.PROVIDER, parent);
        OperatorId operator = new OperatorId(operatorId);
        String key = "op:" + leg + ":" + status;
        switch (status) {
            case "ringing" -> store(ref, "ringing", () -> switchboard.once(key).ringing(ref, operator));
            case "in-progress", "answered" -> {
                // The answer's delivery key names the leg: an escalation reads it from the call's record there.
                // Status callbacks can overtake each other: an answer implies the ringing, which brings the
                // operator's screen pop. The real ringing callback, if it comes later, is the same delivery.
                store(ref, "ringing", () -> switchboard.once("op:" + leg + ":ringing").ringingImplied(ref, operator));
                store(ref, "answered", () -> switchboard.once(key).answered(ref, operator));
            }
            default -> { }
        }
        return EMPTY;
    }

    private void store(CallRef ref, String what, java.util.function.BooleanSupplier report) {
        TwilioForms.store(pending, ref, what, report);
    }
}
