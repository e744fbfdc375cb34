package org.tiphotline.calls;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tiphotline.operators.OperatorId;

/**
 * A call: who carried it, its masked caller number, and its timeline. Everything else (state, language,
 * urgency, wait and talk time, outcome) is derived by folding the timeline, so there is one truth.
 */
public record Call(CallId id, CallRef ref, String callerMask, String dialled, List<CallEvent> events) {

    public Call {
        events = List.copyOf(events);
        if (events.isEmpty() || events.getFirst().type() != CallEventType.ARRIVED) {
            throw new IllegalArgumentException("a call's timeline starts with ARRIVED");
        }
    }

    /** Facts the core publishes about calls; listeners react, nobody is commanded. */
    public sealed interface Event permits Arrived, DangerReported, Queued, Offered, RingReported, Ringing,
            OfferUnanswered,
            Answered, Escalated, Transferred, Ended {
        CallId call();
    }

    public record Arrived(CallId call) implements Event {}

    /** The caller answered yes to "is someone in immediate danger?", before anyone has answered the call. */
    public record DangerReported(CallId call) implements Event {}

    public record Queued(CallId call, boolean urgent, String language, Instant queuedAt) implements Event {}

    public record Offered(CallId call, OperatorId operator) implements Event {}

    /**
     * The provider says the phone rings at the operator, before anything is read or stored: published at once so
     * that a screen pop prepared at the offer leaves without waiting for the database. Not yet checked against
     * the call's state: only an offer this process prepared may act on it (a stale or repeated report finds none),
     * and {@link Ringing} follows once the report is accepted.
     */
    public record RingReported(CallId call, OperatorId operator, Instant at) implements Event {}

    /**
     * The phone rings at the operator; {@code at} is when the provider's ringing report was recorded, what the
     * screen pop is measured from. Published inside the transaction that records it, under the call's row
     * lock and before its commit, so the screen pop leaves without waiting for the WAL flush: listeners must be
     * quick, must not fail, and register for after the commit what needs the record stored.
     */
    public record Ringing(CallId call, OperatorId operator, Instant at) implements Event {}

    public record OfferUnanswered(CallId call, OperatorId operator, String reason) implements Event {}

    public record Answered(CallId call, OperatorId operator) implements Event {}

    /** A third party was (or could not be) brought into the call: {@code mode} is conference or transfer. */
    public record Escalated(CallId call, String mode, boolean connected) implements Event {}

    public record Transferred(CallId call, String destinationLabel) implements Event {}

    /** {@code operator} is whoever answered, or null when nobody did. */
    public record Ended(CallId call, CallOutcome outcome, OperatorId operator) implements Event {}

    public Instant arrivedAt() {
        return events.getFirst().at();
    }

    public CallState state() {
        return fold().state;
    }

    public String language() {
        return fold().language;
    }

    public boolean urgent() {
        return fold().urgent;
    }

    public String callerType() {
        return fold().callerType;
    }

    /** The caller's answer to "is it safe to call you back?": null when never asked (withheld number, hung up). */
    public Boolean safeToCallBack() {
        return fold().safeToCallBack;
    }

    /** The caller could not speak freely (IVR digit) or the operator switched to the yes/no script. */
    public boolean quietMode() {
        return fold().quiet;
    }

    /** How the call came to be; see {@link CallDirection}. */
    public CallDirection direction() {
        String direction = events.getFirst().detail("direction");
        return direction == null ? CallDirection.INBOUND : CallDirection.valueOf(direction);
    }

    public Instant queuedAt() {
        return fold().queuedAt;
    }

    public Instant answeredAt() {
        return fold().answeredAt;
    }

    public Instant endedAt() {
        return fold().endedAt;
    }

    /** The operator ringing now, talking now, or who talked; null when none. */
    public OperatorId operator() {
        return fold().operator;
    }

    /** The operator the call was last offered to, whether or not they answered; null if never offered. */
    public OperatorId lastOffered() {
        OperatorId last = null;
        for (CallEvent e : events) {
            if (e.type() == CallEventType.OFFERED) {
                last = e.operator();
            }
        }
        return last;
    }

    /**
     * The supervisors on the call now, each with the mode they are in (a {@link org.tiphotline.telephony
     * .SupervisionMode} name); empty once the call has ended, since their legs end with it.
     */
    public Map<OperatorId, String> supervisors() {
        Map<OperatorId, String> on = new LinkedHashMap<>();
        for (CallEvent e : events) {
            switch (e.type()) {
                case SUPERVISED -> on.put(e.operator(), e.detail("mode"));
                case SUPERVISION_ENDED -> on.remove(e.operator());
                case ENDED, ABANDONED -> on.clear();
                default -> { }
            }
        }
        return on;
    }

    /**
     * The colleague the operator is consulting now (the caller held), or null: set by {@code CONSULTED}, cleared by
     * {@code CONSULT_ENDED}, a warm transfer or the call's end.
     */
    public OperatorId consulting() {
        return fold().consulting;
    }

    /** Whether an interpreter line joined the call and it has not ended. */
    public boolean interpreted() {
        return fold().interpreted;
    }

    public CallOutcome outcome() {
        return fold().outcome;
    }

    /** The IVR answers in the order given: question name → answer. */
    public Map<String, String> ivrPath() {
        Map<String, String> path = new LinkedHashMap<>();
        for (CallEvent e : events) {
            if (e.type() == CallEventType.IVR_ANSWER) {
                path.put(e.detail("question"), e.detail("answer"));
            }
        }
        return path;
    }

    /** Time in the queue: from queued until answered, ended or {@code now}. Zero if never queued. */
    public Duration waited(Instant now) {
        Folded f = fold();
        if (f.queuedAt == null) {
            return Duration.ZERO;
        }
        Instant until = f.answeredAt != null ? f.answeredAt : f.endedAt != null ? f.endedAt : now;
        return Duration.between(f.queuedAt, until);
    }

    /** Time talking with an operator, until ended or {@code now}. Zero if never answered. */
    public Duration talked(Instant now) {
        Folded f = fold();
        if (f.answeredAt == null) {
            return Duration.ZERO;
        }
        return Duration.between(f.answeredAt, f.endedAt != null ? f.endedAt : now);
    }

    public int lastSeq() {
        return events.getLast().seq();
    }

    /**
     * Whether an event of this type, from this operator, fits the call's life now. Events that do not fit
     * (a late RINGING after the caller hung up, a webhook delivered twice) are dropped, not stored, so a
     * provider's retries and reordering cannot corrupt the timeline.
     */
    public boolean accepts(CallEventType type, OperatorId operator) {
        Folded f = fold();
        return switch (type) {
            case ARRIVED -> false;
            case IVR_ANSWER -> f.state == CallState.IVR;
            case QUEUED -> f.state == CallState.IVR;
            case OFFERED -> f.state == CallState.QUEUED;
            case RINGING -> f.state == CallState.RINGING && operator != null && operator.equals(f.operator)
                    && !f.ringConfirmed;
            case NO_ANSWER -> f.state == CallState.RINGING && operator != null && operator.equals(f.operator);
            case ANSWERED -> f.state == CallState.RINGING && operator != null && operator.equals(f.operator);
            // A warm transfer (an operator named) goes only to the colleague being consulted.
            case ESCALATED -> f.state != CallState.ENDED;
            case TRANSFERRED -> f.state != CallState.ENDED && (operator == null
                    || f.state == CallState.TALKING && operator.equals(f.consulting));
            case ENDED -> f.state != CallState.ENDED;
            case ABANDONED -> f.state != CallState.ENDED && f.state != CallState.TALKING;
            case ESCALATION_STEP -> true;
            case QUIET_MODE -> f.state != CallState.ENDED && !f.quiet;
            // A supervisor listens in on a call being talked on, never on their own.
            case SUPERVISED -> f.state == CallState.TALKING && operator != null && !operator.equals(f.operator);
            case SUPERVISION_ENDED -> operator != null && supervisors().containsKey(operator);
            // One consult at a time, with a colleague other than the operator on the call.
            case CONSULTED -> f.state == CallState.TALKING && f.consulting == null && operator != null
                    && !operator.equals(f.operator);
            case CONSULT_ENDED -> operator != null && operator.equals(f.consulting);
            case INTERPRETER_ADDED -> f.state == CallState.TALKING && !f.interpreted;
            case FROM_NEWER_VERSION -> false;
        };
    }

    public Call with(CallEvent event) {
        List<CallEvent> next = new ArrayList<>(events);
        next.add(event);
        return new Call(id, ref, callerMask, dialled, next);
    }

    private Folded fold() {
        Folded f = new Folded();
        for (CallEvent e : events) {
            switch (e.type()) {
                case ARRIVED -> f.state = CallState.IVR;
                case IVR_ANSWER -> {
                    String answer = e.detail("answer");
                    switch (IvrQuestion.valueOf(e.detail("question"))) {
                        case LANGUAGE -> f.language = answer;
                        case IMMEDIATE_DANGER -> f.urgent = !"NO".equals(answer);
                        case CALLER_TYPE -> f.callerType = answer;
                        case SAFE_TO_CALL_BACK -> f.safeToCallBack = "YES".equals(answer);
                        case CANNOT_SPEAK_FREELY -> f.quiet = true;
                    }
                }
                case QUEUED -> {
                    f.state = CallState.QUEUED;
                    f.queuedAt = e.at();
                }
                case OFFERED -> {
                    f.state = CallState.RINGING;
                    f.operator = e.operator();
                    f.ringConfirmed = false;
                }
                case RINGING -> f.ringConfirmed = true;
                case NO_ANSWER -> {
                    f.state = CallState.QUEUED;
                    f.operator = null;
                }
                case ANSWERED -> {
                    f.state = CallState.TALKING;
                    f.answeredAt = e.at();
                    f.operator = e.operator();
                }
                case ESCALATED, ESCALATION_STEP -> { }
                case QUIET_MODE -> f.quiet = true;
                case SUPERVISED, SUPERVISION_ENDED, FROM_NEWER_VERSION -> { }
                case TRANSFERRED -> {
                    if (e.operator() != null) {
                        // Handed over to a colleague: the call is theirs, and it stays an answered call.
                        f.operator = e.operator();
                        f.consulting = null;
                    } else {
                        f.transferred = true;
                    }
                }
                case CONSULTED -> f.consulting = e.operator();
                case CONSULT_ENDED -> f.consulting = null;
                case INTERPRETER_ADDED -> f.interpreted = true;
                case ENDED -> {
                    // A call handed to another line (the fallback line when nobody can answer) was not lost.
                    f.outcome = f.transferred ? CallOutcome.TRANSFERRED
                            : f.answeredAt != null ? CallOutcome.COMPLETED
                            : direction() == CallDirection.CALLBACK ? CallOutcome.NOT_REACHED : CallOutcome.LOST;
                    f.state = CallState.ENDED;
                    f.endedAt = e.at();
                    f.consulting = null;
                    f.interpreted = false;
                }
                case ABANDONED -> {
                    // Nobody handled a call abandoned while it rang; lastOffered() still names who it rang at.
                    if (f.state == CallState.RINGING) {
                        f.operator = null;
                    }
                    f.outcome = switch (f.state) {
                        case IVR -> CallOutcome.ABANDONED_IN_IVR;
                        case QUEUED -> CallOutcome.ABANDONED_IN_QUEUE;
                        default -> CallOutcome.ABANDONED_RINGING;
                    };
                    f.state = CallState.ENDED;
                    f.endedAt = e.at();
                }
            }
        }
        return f;
    }

    private static final class Folded {
        CallState state;
        String language;
        boolean urgent;
        String callerType;
        Boolean safeToCallBack;
        boolean quiet;
        Instant queuedAt;
        Instant answeredAt;
        Instant endedAt;
        OperatorId operator;
        boolean ringConfirmed;
        boolean transferred;
        OperatorId consulting;
        boolean interpreted;
        CallOutcome outcome;
    }
}
