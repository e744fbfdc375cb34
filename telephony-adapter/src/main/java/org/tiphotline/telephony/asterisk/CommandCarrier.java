package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.ref;

import java.util.Locale;
import java.util.Optional;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.telephony.asterisk.CommandHandover.Command;

/**
 * On the node holding a resynced AMI link: carries out the commands handed over ({@link CommandHandover}), each
 * only if it still makes sense now. A connect whose offer no longer stands (answered elsewhere, withdrawn, the
 * caller gone) is dropped, which is today's rule for connects held while AMI was down, made durable and shared;
 * an escalation or a callback that cannot be carried out is reported to the core as failed, as the node that
 * asked would have reported it.
 */
final class CommandCarrier {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);

    private final AsteriskLine line;
    private final AsteriskCalls calls;
    private final CommandHandover handover;
    private final Operators operators;
    /** One carry-out at a time on this node (listener, resync); the other node is kept off by row locks. */
    private final Object carrying = new Object();

    CommandCarrier(AsteriskLine line, AsteriskCalls calls, CommandHandover handover, Operators operators) {
        this.line = line;
        this.calls = calls;
        this.handover = handover;
        this.operators = operators;
    }

    /** Carries out what is pending, if this node holds a resynced link; otherwise leaves it for one that does. */
    void carryOut() {
        synchronized (carrying) {
            if (!line.acting()) {
                return;
            }
            // Each batch after its claims' commit: whatever happens to Asterisk's answer, none is carried out twice.
            handover.claim(this::whyNot, id -> operators.byId(id).map(Operator::username).orElse("unknown"),
                    batch -> batch.forEach(claimed -> {
                        if (claimed.whyNot() == null) {
                            act(claimed.command());
                        } else {
                            dropped(claimed.command(), claimed.whyNot());
                        }
                    }));
        }
    }

    /** Null when the command is still valid, else why not (no personal data: it is stored as the outcome). */
    private String whyNot(Command command) {
        Optional<Call> record = calls.records.idOf(ref(command.callRef())).flatMap(calls.records::load);
        switch (command.kind()) {
            case CONNECT -> {
                Call call = record.orElse(null);
                if (call == null) {
                    return "the offer no longer stands: no such call";
                }
                if (call.state() != CallState.RINGING || !command.operator().equals(call.operator())) {
                    return "the offer no longer stands: the call is " + call.state().name().toLowerCase(Locale.ROOT)
                            + (call.state() == CallState.RINGING ? " at another operator" : "");
                }
                return calls.find(command.callRef()) == null ? "the call is not live on Asterisk" : null;
            }
            case WITHDRAW -> {
                LiveCall c = calls.live.get(command.callRef());
                if (c == null) {
                    return "the call is not live on Asterisk";
                }
                synchronized (c) {
                    return command.operator().equals(c.ringing) ? null : "the offer no longer rings";
                }
            }
            case CONFERENCE, TRANSFER -> {
                LiveCall c = calls.find(command.callRef());
                if (c == null) {
                    return "the call is not live on Asterisk";
                }
                synchronized (c) {
                    return c.talking == null || c.operatorChannel == null ? "no operator is talking on the call"
                            : null;
                }
            }
            case HANG_UP -> {
                return calls.find(command.callRef()) == null ? "the call is not live on Asterisk" : null;
            }
            case CALL_BACK -> {
                return record.isEmpty() || record.get().state() == CallState.ENDED ? "the callback ended" : null;
            }
            case SUPERVISE_LISTEN, SUPERVISE_WHISPER, SUPERVISE_JOIN -> {
                return AsteriskSupervision.whyNot(calls.find(command.callRef()));
            }
            case END_LISTEN, END_WHISPER, END_JOIN, CALL_OFF_CONSULT -> {
                return null;
            }
            case CONSULT, HAND_OVER, INTERPRETER -> {
                return AsteriskConsults.whyNot(calls.find(command.callRef()));
            }
            default -> throw new IllegalStateException("unknown command " + command.kind());
        }
    }

    private void act(Command command) {
        log.debug("carrying out handed-over {}", command);
        CallRef ref = ref(command.callRef());
        try {
            switch (command.kind()) {
                case CONNECT -> line.connect(ref, operator(command.operator()));
                case WITHDRAW -> line.withdraw(ref, operator(command.operator()));
                case CONFERENCE -> line.conference(ref, command.number());
                case TRANSFER -> line.transfer(ref, command.number());
                case HANG_UP -> line.hangUp(ref);
                case CALL_BACK -> line.callBack(ref, operator(command.operator()), command.number());
                case SUPERVISE_LISTEN, SUPERVISE_WHISPER, SUPERVISE_JOIN -> line.supervise(ref,
                        operator(talkingOn(command.callRef())), operator(command.operator()),
                        command.kind().supervision());
                case END_LISTEN, END_WHISPER, END_JOIN -> line.endSupervision(ref, operator(command.operator()),
                        command.kind().supervision());
                case CONSULT -> line.consult(ref, operator(talkingOn(command.callRef())),
                        operator(command.operator()));
                case HAND_OVER -> line.handOver(ref, operator(talkingOn(command.callRef())),
                        operator(command.operator()));
                case CALL_OFF_CONSULT -> line.endConsult(ref, null, operator(command.operator()));
                case INTERPRETER -> line.addInterpreter(ref, operator(talkingOn(command.callRef())),
                        command.number());
                default -> throw new IllegalStateException("unknown command " + command.kind());
            }
        } catch (RuntimeException e) {
            // Never the message: a provider's error may quote the number it was asked to dial.
            log.warn("handed-over {} failed: {}", command, e.getClass().getSimpleName());
            failed(command, "could not be carried out");
        }
    }

    private void dropped(Command command, String why) {
        // The reasons are this class's own words, nothing of the call: fit for the log.
        log.info("handed-over {} dropped: {}", command, why);
        failed(command, "no longer possible when the node with the Asterisk link got it");
    }

    /** What the node that asked would have reported, had it failed there. */
    private void failed(Command command, String why) {
        CallRef ref = ref(command.callRef());
        switch (command.kind()) {
            case CONFERENCE, TRANSFER -> {
                String mode = command.kind() == CommandHandover.Kind.TRANSFER ? "transfer" : "conference";
                calls.report(ref, "escalated", () -> calls.switchboard.escalated(ref, mode, false, why));
            }
            case CALL_BACK -> calls.report(ref, "ended", () -> calls.switchboard.ended(ref, "dial failed"));
            case CONNECT -> {
                if (!why.startsWith("no longer")) {
                    calls.report(ref, "noAnswer",
                            () -> calls.switchboard.noAnswer(ref, command.operator(), "connect failed"));
                }
            }
            default -> { }
        }
    }

    /** The operator talking on a live call (checked by {@link #whyNot} just before). */
    private OperatorId talkingOn(String callRef) {
        LiveCall c = calls.find(callRef);
        synchronized (c) {
            return c.talking;
        }
    }

    private Operator operator(OperatorId id) {
        return operators.byId(id).orElseThrow(() -> new IllegalStateException("no such operator"));
    }
}
