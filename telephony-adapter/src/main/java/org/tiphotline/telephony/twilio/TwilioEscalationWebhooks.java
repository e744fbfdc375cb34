package org.tiphotline.telephony.twilio;

import com.twilio.twiml.VoiceResponse;
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

/**
 * Twilio's webhooks of an escalation: the operator's leg joining the call's conference, the escalation line's call
 * (answered or not) and the conference's joins and leaves. Apart from {@link TwilioWebhooks}, which carries the
 * caller from arrival to an operator.
 */
@RestController
@ConditionalOnProperty(prefix = "hotline.telephony.twilio", name = "enabled", havingValue = "true")
@RequestMapping(path = "/twilio", produces = MediaType.APPLICATION_XML_VALUE)
class TwilioEscalationWebhooks {

    private static final String EMPTY = new VoiceResponse.Builder().build().toXml();

    private final Switchboard switchboard;
    private final TwilioIvr ivr;
    private final TwilioLine line;
    private final PendingReports pending;

    TwilioEscalationWebhooks(Switchboard switchboard, TwilioIvr ivr, TwilioLine line, PendingReports pending) {
        this.switchboard = switchboard;
        this.ivr = ivr;
        this.line = line;
        this.pending = pending;
    }

    /** The operator's leg, moved here by the adapter, joins the call's escalation conference. */
    @PostMapping("/conference")
    String conferenceLeg(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call, @RequestParam("role") String role) {
        if (!role.equals("operator")) {
            throw new IllegalArgumentException("role must be operator");
        }
        // The leg's own CallSid is not a hotline call: nothing is stored for it.
        return ivr.conference(TwilioForms.callSid(call), false).toXml();
    }

    /** The escalation line's call: answered (the escalation worked) or not. */
    @PostMapping("/escalation-status")
    String escalationStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call, @RequestParam("mode") String mode) {
        if (!mode.equals("conference") && !mode.equals("transfer")) {
            throw new IllegalArgumentException("mode must be conference or transfer");
        }
        CallRef ref = new CallRef(TwilioLine.PROVIDER, TwilioForms.callSid(call));
        String leg = TwilioForms.required(form, "CallSid");
        String status = TwilioForms.required(form, "CallStatus");
        switch (status) {
            case "in-progress", "answered" -> {
                store(ref, "escalated", () -> switchboard.once("escalation:" + leg + ":answered").escalated(ref,
                        mode, true, null));
                if (mode.equals("transfer")) {
                    store(ref, "transferred", () -> switchboard.once("escalation:" + leg + ":transferred")
                            .transferred(ref,
                            "escalation line"));
                    store(ref, "ended", () -> switchboard.once("escalation:" + leg + ":ended").ended(ref,
                            "transfer"));
                }
                line.escalationAnswered(ref.providerCallId());
            }
            case "busy", "no-answer", "failed", "canceled", "completed" -> {
                // "completed" after an answer is the line hanging up later; before one, it never answered.
                if (line.conferenced(ref.providerCallId())) {
                    store(ref, "escalated", () -> switchboard.once("escalation:" + leg + ":failed").escalated(ref,
                            mode, false,
                            "escalation line: " + status));
                    line.escalationFailed(ref.providerCallId());
                }
            }
            default -> { }
        }
        return EMPTY;
    }

    /** Joins and leaves in a call's escalation conference. */
    @PostMapping("/conference-status")
    String conferenceStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call) {
        String event = form.getOrDefault("StatusCallbackEvent", "");
        String participant = form.get("CallSid");
        if (participant != null && (event.equals("participant-join") || event.equals("participant-leave"))) {
            // Participants are kept in the database: only a call SID goes there.
            line.conferenceChanged(TwilioForms.callSid(call), TwilioForms.callSid(participant),
                    event.equals("participant-join"), form.get("ConferenceSid"));
        }
        return EMPTY;
    }

    private void store(CallRef ref, String what, java.util.function.BooleanSupplier report) {
        TwilioForms.store(pending, ref, what, report);
    }
}
