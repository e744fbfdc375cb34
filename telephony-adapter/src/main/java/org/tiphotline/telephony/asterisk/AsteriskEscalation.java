package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.ref;
import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import java.util.Collection;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.action.SetVarAction;
import org.asteriskjava.manager.event.ConfbridgeJoinEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.tiphotline.calls.CallRef;

/**
 * Conference and transfer to the escalation line: caller and operator are Redirected together into a ConfBridge
 * named after the call and the line is Originated into it. A transfer is the same conference that the operator
 * leaves once the line has joined, so a caller is never alone with a line that does not answer.
 */
final class AsteriskEscalation {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);
    private static final long ESCALATION_TIMEOUT_MS = 60_000;
    /** Conference names: this prefix and the caller channel's Uniqueid. */
    static final String CONFERENCE_PREFIX = "hotline-";

    private final AsteriskCalls calls;

    AsteriskEscalation(AsteriskCalls calls) {
        this.calls = calls;
    }

    void escalate(LiveCall c, String number, boolean thenLeave) {
        String mode = thenLeave ? "transfer" : "conference";
        requireNumber(number);
        String conference = CONFERENCE_PREFIX + c.uniqueId;
        String operatorChannel;
        synchronized (c) {
            if (c.talking == null || c.operatorChannel == null) {
                throw new IllegalStateException("only a call an operator is talking on can be escalated");
            }
            c.conferencing = true;
            operatorChannel = c.operatorChannel;
        }
        AsteriskSettings settings = calls.settings;
        AmiLink ami = calls.ami;
        String context = settings.dialplan().conference();
        OriginateAction originate = new OriginateAction();
        originate.setChannel(settings.escalationDial().replace("{number}", number));
        originate.setContext(context);
        // The escalation line joins with its own ConfBridge profile (ops/asterisk/confbridge.conf).
        originate.setExten("police");
        originate.setPriority(1);
        originate.setAsync(true);
        originate.setTimeout(45_000L);
        originate.setVariable("HOTLINE_CONFERENCE", conference);
        intoConference(calls, c, operatorChannel)
                .thenCompose(r -> ami.sendCollecting(originate, ESCALATION_TIMEOUT_MS))
                .whenComplete((events, failure) -> {
                    String reason = failure != null ? rootMessage(failure) : originateFailure(events.getEvents());
                    ami.onEventThread(() -> escalationDone(c, mode, reason, operatorChannel));
                });
    }

    /**
     * Caller and operator Redirected together into the call's conference, after the SetVars its dialplan reads (an
     * escalation line or an interpreter line is then Originated into it).
     */
    static java.util.concurrent.CompletableFuture<org.asteriskjava.manager.response.ManagerResponse> intoConference(
            AsteriskCalls calls, LiveCall c, String operatorChannel) {
        AmiLink ami = calls.ami;
        String conference = CONFERENCE_PREFIX + c.uniqueId;
        String context = calls.settings.dialplan().conference();
        return ami.send(new SetVarAction(c.channel, "HOTLINE_CONFERENCE", conference))
                .thenCompose(r -> ami.send(new SetVarAction(operatorChannel, "HOTLINE_CONFERENCE", conference)))
                // The operator joins as a marked user (exten "operator"), so the caller is never left alone in
                // the conference: see ops/asterisk/confbridge.conf.
                .thenCompose(r -> ami.send(new RedirectAction(c.channel, operatorChannel, context, "s", 1, context,
                        "operator", 1)));
    }

    /** Refused before anything is sent or handed over. */
    static void requireNumber(String number) {
        if (number == null || !number.matches("\\+?[0-9]{2,20}")) {
            throw new IllegalArgumentException("an escalation number is 2-20 digits, optionally after +");
        }
    }

    private void escalationDone(LiveCall c, String mode, String failure, String operatorChannel) {
        CallRef ref = ref(c.uniqueId);
        calls.report(ref, "escalated", () -> calls.switchboard.escalated(ref, mode, failure == null, failure));
        if (failure == null && mode.equals("transfer")) {
            calls.report(ref, "transferred", () -> calls.switchboard.transferred(ref, "escalation line"));
            boolean leaveNow;
            synchronized (c) {
                c.endReported = true;
                // Leaving before the escalation line is in would leave the caller without any marked user, and
                // ConfBridge would end the caller's call.
                leaveNow = c.escalationJoined;
                c.operatorLeaves = !leaveNow;
            }
            calls.report(ref, "ended", () -> calls.switchboard.ended(ref, "transfer"));
            if (leaveNow) {
                operatorLeaves(c, operatorChannel);
            }
        }
    }

    private void operatorLeaves(LiveCall c, String operatorChannel) {
        calls.ami.send(new HangupAction(operatorChannel)).exceptionally(e -> {
            log.warn("operator leg of asterisk call {} did not leave the conference: {}", c.uniqueId,
                    rootMessage(e));
            return null;
        });
    }

    /** Someone joined a hotline conference: when it is the escalation line, a transfer can let the operator go. */
    void joinedConference(ConfbridgeJoinEvent join) {
        String conference = join.getConference();
        if (conference == null || !conference.startsWith(CONFERENCE_PREFIX)) {
            return;
        }
        LiveCall c = calls.live.get(conference.substring(CONFERENCE_PREFIX.length()));
        if (c == null) {
            return;
        }
        String operatorChannel;
        synchronized (c) {
            if (!c.conferencing || c.uniqueId.equals(join.getUniqueId())
                    || join.getUniqueId() != null && join.getUniqueId().equals(c.operatorUniqueId)) {
                return;
            }
            c.escalationJoined = true;
            if (!c.operatorLeaves) {
                return;
            }
            c.operatorLeaves = false;
            operatorChannel = c.operatorChannel;
        }
        operatorLeaves(c, operatorChannel);
    }

    private static String originateFailure(Collection<ResponseEvent> events) {
        for (ResponseEvent event : events) {
            if (event instanceof OriginateResponseEvent response) {
                return "Success".equalsIgnoreCase(response.getResponse()) ? null
                        : "escalation line did not answer (reason " + response.getReason() + ")";
            }
        }
        return "no answer from Asterisk about the escalation call";
    }
}
