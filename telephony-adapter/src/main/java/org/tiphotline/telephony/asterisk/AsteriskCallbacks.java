package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.CallerNumbers;

/**
 * Callbacks on Asterisk: an async {@code Originate} rings the operator's phone with the core's provider call id as
 * the new channel's Uniqueid ({@code ChannelId}), so Asterisk's own events name the call; once the operator answers,
 * the dialplan's {@code hotline-callback} context dials the person through the trunk showing the hotline's number.
 * The number travels in the Originate's variables only. The operator's leg is followed here, not in
 * {@link CallTracking}: a callback is no caller waiting in the hotline's contexts. Ringing is reported when Asterisk
 * takes the Originate; the OriginateResponse says whether the operator answered; the Dial's DialEnd whether the
 * person did; Hangup of either leg ends the call.
 */
final class AsteriskCallbacks {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);
    /** How long after the operator's ring time the Originate's outcome is waited for. */
    private static final long OUTCOME_MARGIN_MS = 15_000;

    private final AsteriskCalls calls;
    private final AsteriskCallbackSettings settings;
    /** Callbacks in progress by the operator leg's Uniqueid (the provider call id). */
    private final Map<String, Leg> live = new ConcurrentHashMap<>();

    /** One callback's legs; guarded by its own monitor. */
    private static final class Leg {
        final OperatorId operator;
        String calleeUniqueId;
        boolean answered;
        boolean ended;

        Leg(OperatorId operator) {
            this.operator = operator;
        }

        synchronized boolean endOnce() {
            boolean first = !ended;
            ended = true;
            return first;
        }
    }

    AsteriskCallbacks(AsteriskCalls calls, AsteriskCallbackSettings settings) {
        this.calls = calls;
        this.settings = settings;
    }

    /** {@code linkUp}: a node holds a resynced AMI link (this one, or the leader a follower hands the dial to). */
    Optional<String> cannotCallBack(Operator operator, boolean linkUp) {
        if (settings.callerId() == null || settings.callerId().isBlank()) {
            return Optional.of("no number is set for the person to see (hotline.telephony.asterisk.callback.caller-id)");
        }
        if (calls.endpointOf(operator) == null) {
            return Optional.of("the operator has no phone on Asterisk");
        }
        if (!linkUp) {
            return Optional.of("the link to Asterisk is down");
        }
        return Optional.empty();
    }

    /** What {@link #dial} refuses, checked where the dial is asked for, before it is handed to the leader. */
    void requireDiallable(Operator operator, String number) {
        if (calls.endpointOf(operator) == null || settings.callerId() == null || settings.callerId().isBlank()) {
            throw new IllegalStateException("no phone for the operator or no number to show: see cannotCallBack");
        }
        CallerNumbers.requireDiallable(number);
    }

    void dial(CallRef ref, Operator operator, String number) {
        requireDiallable(operator, number);
        String endpoint = calls.endpointOf(operator);
        String dialString = settings.dial().replace("{number}", CallerNumbers.requireDiallable(number));
        int ringSeconds = calls.settings.ringSeconds();
        OriginateAction originate = new OriginateAction();
        originate.setChannel(endpoint);
        originate.setChannelId(ref.providerCallId());
        originate.setContext(settings.context());
        originate.setExten("s");
        originate.setPriority(1);
        originate.setAsync(true);
        originate.setTimeout(ringSeconds * 1000L);
        // What the operator's own phone shows: that this is the hotline calling them to call someone back.
        originate.setCallerId("\"Hotline callback\" <" + settings.callerId() + ">");
        originate.setVariable("HOTLINE_CALLBACK_DIAL", dialString);
        originate.setVariable("HOTLINE_CALLBACK_CALLERID", settings.callerId());
        originate.setVariable("HOTLINE_RING_SECONDS", Integer.toString(ringSeconds));
        Leg leg = new Leg(operator.id());
        live.put(ref.providerCallId(), leg);
        calls.ami.sendCollecting(originate, ringSeconds * 1000L + OUTCOME_MARGIN_MS).whenComplete((events, failure) ->
                calls.ami.onEventThread(() -> originated(ref, leg, failure == null ? null : rootMessage(failure),
                        failure == null ? events.getEvents() : null)));
        calls.report(ref, "ringing", () -> calls.switchboard.ringing(ref, operator.id()));
    }

    /** The Originate's outcome: Success once the operator answered; anything else, nobody was reached. */
    private void originated(CallRef ref, Leg leg, String failure, Collection<ResponseEvent> events) {
        String why = failure != null ? "the call to the operator's phone failed" : null;
        if (why == null) {
            OriginateResponseEvent response = events.stream().filter(OriginateResponseEvent.class::isInstance)
                    .map(OriginateResponseEvent.class::cast).findFirst().orElse(null);
            if (response == null) {
                why = "no word from Asterisk about the operator's phone";
            } else if (!"Success".equalsIgnoreCase(response.getResponse())) {
                why = "operator's phone not answered (reason " + response.getReason() + ")";
            }
        }
        if (failure != null) {
            log.warn("callback {} could not be originated: {}", ref.providerCallId(), failure);
        }
        if (why != null) {
            end(ref, leg, why);
        }
    }

    /** On the AMI event thread: whether the event belonged to a callback (then it is handled here alone). */
    boolean on(ManagerEvent event) {
        switch (event) {
            case DialBeginEvent dial when live.containsKey(dial.getUniqueId()) -> {
                Leg leg = live.get(dial.getUniqueId());
                synchronized (leg) {
                    leg.calleeUniqueId = dial.getDestUniqueId();
                }
                return true;
            }
            case DialEndEvent dial when live.containsKey(dial.getUniqueId()) -> {
                dialEnded(dial);
                return true;
            }
            case HangupEvent hangup when hangup.getUniqueId() != null -> {
                return hungUp(hangup.getUniqueId());
            }
            default -> {
                return false;
            }
        }
    }

    private void dialEnded(DialEndEvent dial) {
        CallRef ref = AsteriskCalls.ref(dial.getUniqueId());
        Leg leg = live.get(dial.getUniqueId());
        String status = dial.getDialStatus() == null ? "" : dial.getDialStatus().toUpperCase(Locale.ROOT);
        if (status.equals("ANSWER")) {
            synchronized (leg) {
                leg.answered = true;
            }
            calls.report(ref, "answered", () -> calls.switchboard.answered(ref, leg.operator));
        } else {
            end(ref, leg, status.isEmpty() || status.equals("NOANSWER") ? "no answer" : status.toLowerCase(Locale.ROOT));
        }
    }

    private boolean hungUp(String uniqueId) {
        Leg operatorLeg = live.get(uniqueId);
        if (operatorLeg != null) {
            boolean answered;
            synchronized (operatorLeg) {
                answered = operatorLeg.answered;
            }
            end(AsteriskCalls.ref(uniqueId), operatorLeg, answered ? "operator" : "operator hung up before an answer");
            return true;
        }
        for (Map.Entry<String, Leg> entry : live.entrySet()) {
            Leg leg = entry.getValue();
            boolean answered;
            synchronized (leg) {
                if (!uniqueId.equals(leg.calleeUniqueId)) {
                    continue;
                }
                answered = leg.answered;
            }
            CallRef ref = AsteriskCalls.ref(entry.getKey());
            if (answered && leg.endOnce()) {
                calls.report(ref, "callerHungUp", () -> calls.switchboard.callerHungUp(ref));
            }
            // Unanswered, the Dial's own DialEnd says why.
            return true;
        }
        return false;
    }

    /**
     * After a reconnection: the callbacks whose operator leg Asterisk still carries are kept (their records stay
     * open); the others are forgotten here and closed by reconciliation, like any call that ended unseen.
     */
    java.util.Set<String> stillLive(Map<String, CoreShowChannelEvent> channels) {
        live.keySet().removeIf(id -> !channels.containsKey(id));
        channels.values().stream().filter(ch -> settings.context().equals(ch.getContext())
                && ch.getUniqueid() != null && !live.containsKey(ch.getUniqueid())).forEach(ch -> adopt(ch, channels));
        return java.util.Set.copyOf(live.keySet());
    }

    /**
     * A callback another leader dialled (a takeover): followed from here on as the record tells, with the person's
     * leg if Asterisk lists it (the operator leg's other channel), so its hang-up and the Dial's end are known.
     */
    private void adopt(CoreShowChannelEvent operatorLeg, Map<String, CoreShowChannelEvent> channels) {
        String id = operatorLeg.getUniqueid();
        Call record = calls.records.idOf(AsteriskCalls.ref(id)).flatMap(calls.records::load).orElse(null);
        if (record == null || record.state() == CallState.ENDED || record.operator() == null) {
            return;
        }
        Leg leg = new Leg(record.operator());
        synchronized (leg) {
            leg.answered = record.state() == CallState.TALKING;
            leg.calleeUniqueId = channels.values().stream()
                    .filter(o -> id.equals(o.getLinkedid()) && !id.equals(o.getUniqueid()))
                    .map(CoreShowChannelEvent::getUniqueid).findFirst().orElse(null);
        }
        live.putIfAbsent(id, leg);
    }

    private void end(CallRef ref, Leg leg, String why) {
        if (leg.endOnce()) {
            calls.report(ref, "ended", () -> calls.switchboard.ended(ref, why));
        }
        live.remove(ref.providerCallId(), leg);
    }
}
