package org.tiphotline.telephony.twilio;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.telephony.SupervisionMode;
import org.tiphotline.telephony.TelephonyPort;

/**
 * The core's telephony port on Twilio. A waiting caller runs our hold TwiML in a loop; to connect, withdraw or
 * hang up, the adapter moves the live call to other TwiML of ours with the Calls REST API, and Twilio's webhooks
 * ({@link TwilioWebhooks}) report what happened, as Asterisk's events do for the Asterisk adapter.
 *
 * <p>Escalation: the operator's leg is moved into a conference named after the call, which ends the caller's
 * {@code <Dial>}; its action then puts the caller in the same conference, and the escalation line is added with
 * the Participants API. A transfer is that conference which the operator leaves once the line has answered.
 * What this needs to remember about live calls (the operator's leg, escalations, who is in a conference) is in
 * PostgreSQL ({@link TwilioEscalationState}): a webhook of the escalation may reach either node, and so may the
 * operator's command; the operator's leg is read from the call's record, where its answer was stored.
 */
final class TwilioLine implements TelephonyPort, AutoCloseable {

    static final String PROVIDER = "twilio";
    static final String CONFERENCE_PREFIX = "hotline-";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioLine.class);

    private final TwilioApi api;
    private final TwilioCallbacks callbacks;
    private final Switchboard switchboard;
    private final Calls calls;
    /** The operator's leg, the escalation under way, who is in the conference: shared by every node. */
    private final TwilioEscalationState state;
    private final TwilioConsults consults;
    /** REST requests for escalations leave the caller's thread: the core's commands return at once. */
    private final ExecutorService commands = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("twilio-commands").daemon().factory());

    TwilioLine(TwilioApi api, Switchboard switchboard, Calls calls, TwilioCallbacks callbacks,
            TwilioEscalationState state, TwilioConsults consults) {
        this.callbacks = callbacks;
        this.consults = consults;
        this.state = state;
        this.api = api;
        this.switchboard = switchboard;
        this.calls = calls;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void connect(CallRef call, Operator operator) {
        api.redirect(call.providerCallId(), "/twilio/connect?operator=" + operator.id().value());
    }

    @Override
    public void withdraw(CallRef call, Operator operator) {
        // Back to the hold loop; the Dial to the operator ends with the move.
        api.redirect(call.providerCallId(), "/twilio/wait");
    }

    @Override
    public void conference(CallRef call, String number) {
        escalate(call, number, "conference");
    }

    @Override
    public void transfer(CallRef call, String number) {
        escalate(call, number, "transfer");
    }

    private void escalate(CallRef ref, String number, String mode) {
        if (number == null || !number.matches("\\+?[0-9]{2,20}")) {
            throw new IllegalArgumentException("an escalation number is 2-20 digits, optionally after +");
        }
        String sid = ref.providerCallId();
        String leg = switch (state.claim(sid, mode)) {
            case TwilioEscalationState.Claim.Claimed claimed -> claimed.operatorLeg();
            case TwilioEscalationState.Claim.Refused refused -> throw new IllegalStateException(refused.why());
        };
        Call call = calls.idOf(ref).flatMap(calls::load).orElseThrow();
        commands.execute(() -> {
            try {
                // The operator first: their leaving ends the caller's Dial, whose action joins the caller. The
                // claim marked the call conferenced already, so that action finds it on whichever node it reaches.
                api.redirect(leg, "/twilio/conference?call=" + sid + "&role=operator");
                api.addParticipant(CONFERENCE_PREFIX + sid, call.dialled(), number,
                        "/twilio/escalation-status?call=" + sid + "&mode=" + mode,
                        "/twilio/conference-status?call=" + sid);
            } catch (RuntimeException e) {
                state.release(sid);
                log.warn("escalation of twilio call {} failed: {}", sid, e.getMessage());
                switchboard.escalated(ref, mode, false, e.getMessage());
            }
        });
    }

    @Override
    public void hangUp(CallRef call) {
        api.complete(call.providerCallId());
    }

    @Override
    public Optional<String> cannotCallBack(Operator operator) {
        return callbacks.cannotCallBack(operator);
    }

    /** See {@link TwilioCallbacks}: the operator's leg with the Calls API, then the person as a participant. */
    @Override
    public void callBack(CallRef newCall, Operator operator, String number) {
        callbacks.dial(newCall, operator, number);
    }

    @Override
    public Optional<String> cannotSupervise(Operator supervisor) {
        return callbacks.phoneOf(supervisor) == null ? Optional.of("you have no phone on Twilio") : Optional.empty();
    }

    /**
     * The call moves into its conference as for an escalation (the first time: the operator's leg is redirected
     * there, which ends the caller's Dial, whose action joins the caller), then the supervisor's phone is added as a
     * participant: muted to listen, coaching the operator's leg ({@code Coaching}, {@code CallSidToCoach}) to
     * whisper, plain to join. Synchronous, so a refusal by Twilio is the supervisor's answer and nothing is recorded.
     */
    @Override
    public void supervise(CallRef ref, Operator operator, Operator supervisor, SupervisionMode mode) {
        String to = callbacks.phoneOf(supervisor);
        if (to == null) {
            throw new IllegalStateException("the supervisor has no phone on Twilio");
        }
        String sid = ref.providerCallId();
        Call call = intoConference(ref);
        Map<String, String> how = new LinkedHashMap<>();
        switch (mode) {
            case LISTEN -> how.put("Muted", "true");
            case WHISPER -> {
                how.put("Coaching", "true");
                how.put("CallSidToCoach", state.operatorLeg(sid).orElseThrow(() -> new IllegalStateException(
                        "the operator is no longer on the call to be coached")));
            }
            case JOIN -> { }
        }
        String leg = api.addSupervisor(CONFERENCE_PREFIX + sid, call.dialled(), to, how, 30);
        state.supervisorJoined(sid, supervisor.id().value(), leg);
    }

    @Override
    public void endSupervision(CallRef ref, Operator supervisor, SupervisionMode mode) {
        state.supervisorLeaves(ref.providerCallId(), supervisor.id().value()).ifPresent(leg -> {
            try {
                api.complete(leg);
            } catch (RuntimeException e) {
                // Hung up already (the supervisor, or the call's end took the conference with it).
                log.info("the supervisor's leg of twilio call {} did not end: {}", ref.providerCallId(),
                        e.getMessage());
            }
        });
    }

    /**
     * The call moved into its conference, as for an escalation, the first time something needs it there (the
     * operator's leg is redirected into it, which ends the caller's Dial, whose action joins the caller).
     */
    private Call intoConference(CallRef ref) {
        String sid = ref.providerCallId();
        Call call = calls.idOf(ref).flatMap(calls::load).orElseThrow();
        String move = switch (state.conferenceForSupervision(sid)) {
            case TwilioEscalationState.Claim.Claimed claimed -> claimed.operatorLeg();
            case TwilioEscalationState.Claim.Refused refused when refused.why() != null ->
                    throw new IllegalStateException(refused.why());
            case TwilioEscalationState.Claim.Refused inConference -> null;
        };
        if (move != null) {
            api.redirect(move, "/twilio/conference?call=" + sid + "&role=operator");
        }
        return call;
    }

    @Override
    public Optional<String> cannotConsult(Operator colleague) {
        return callbacks.phoneOf(colleague) == null ? Optional.of("they have no phone on Twilio") : Optional.empty();
    }

    /** See {@link TwilioConsults}: in the call's conference, the caller held, the colleague added as a participant. */
    @Override
    public void consult(CallRef ref, Operator operator, Operator colleague) {
        String to = callbacks.phoneOf(colleague);
        if (to == null) {
            throw new IllegalStateException("the colleague has no phone on Twilio");
        }
        Call call = intoConference(ref);
        consults.consult(ref.providerCallId(), call.dialled(), to);
    }

    @Override
    public void handOver(CallRef ref, Operator operator, Operator colleague) {
        consults.handOver(ref.providerCallId());
    }

    @Override
    public void endConsult(CallRef ref, Operator operator, Operator colleague) {
        consults.callOff(ref.providerCallId());
    }

    @Override
    public void addInterpreter(CallRef ref, Operator operator, String number) {
        if (number == null || !number.matches("\\+?[0-9]{2,20}")) {
            throw new IllegalArgumentException("an interpreter line is 2-20 digits, optionally after +");
        }
        Call call = intoConference(ref);
        consults.interpreter(ref.providerCallId(), call.dialled(), number);
    }

    /** What Twilio carries now; empty (nothing is closed on a guess) when Twilio cannot be asked. */
    @Override
    public Optional<Set<String>> liveCalls() {
        try {
            return Optional.of(api.liveCallSids());
        } catch (RuntimeException e) {
            log.warn("could not list Twilio's live calls: {}; records are reconciled next time", e.getMessage());
            return Optional.empty();
        }
    }

    // ---- what the webhooks tell the line ----

    /** Whether the caller's Dial ending means "join the conference" rather than "the operator hung up". */
    boolean conferenced(String callerSid) {
        return state.conferenced(callerSid);
    }

    /** The escalation line answered: a transfer now lets the operator go (once, whichever node hears it). */
    void escalationAnswered(String callerSid) {
        state.escalationAnswered(callerSid).filter(settled -> settled.mode().equals("transfer")
                && settled.operatorLeg() != null).ifPresent(settled -> commands.execute(() -> {
                    try {
                        api.complete(settled.operatorLeg());
                    } catch (RuntimeException e) {
                        log.warn("the operator's leg of twilio call {} did not leave the conference: {}", callerSid,
                                e.getMessage());
                    }
                }));
    }

    void escalationFailed(String callerSid) {
        state.escalationFailed(callerSid);
    }

    /**
     * Someone joined or left the call's conference. When the caller is the only one left (the operator and the
     * escalation line have gone), the conference is over for them too, rather than leave them alone on hold.
     */
    void conferenceChanged(String callerSid, String participantSid, boolean joined, String conferenceSid) {
        if (joined) {
            state.joined(callerSid, participantSid);
            try {
                consults.joined(callerSid, participantSid, conferenceSid);
            } catch (RuntimeException e) {
                log.warn("holding the caller of twilio call {} for a consult failed: {}", callerSid, e.getMessage());
            }
            return;
        }
        if (state.leftAlone(callerSid, participantSid)) {
            commands.execute(() -> {
                try {
                    api.complete(callerSid);
                } catch (RuntimeException e) {
                    log.warn("ending twilio call {} left alone in its conference failed: {}", callerSid,
                            e.getMessage());
                }
            });
        }
    }

    @Override
    public void close() {
        commands.shutdownNow();
    }
}
