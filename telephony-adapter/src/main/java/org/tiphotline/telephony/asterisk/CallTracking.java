package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.ref;
import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.asteriskjava.manager.action.ConfbridgeKickAction;
import org.asteriskjava.manager.event.DeviceStateChangeEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.tiphotline.operators.OperatorId;

/**
 * Follows Asterisk's own events for the calls it carries, on the AMI event thread: ringing and its end
 * (DialBegin/DialEnd, or the dialplan's HotlineDialFailed when the Dial created no channel), who hung up
 * (BridgeLeave, Hangup), and whether operators' phones can be reached (DeviceStateChange).
 */
final class CallTracking {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);
    /** The words the operator and the supervisor see in the call's timeline. */
    static final String PHONE_NOT_CONNECTED = "phone not connected";

    private final AsteriskCalls calls;
    /** Usernames of operators whose phone Asterisk could not reach, until it says it can again. */
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

    CallTracking(AsteriskCalls calls) {
        this.calls = calls;
    }

    void dialBegan(DialBeginEvent dial) {
        LiveCall c = calls.live.get(dial.getUniqueId());
        if (c == null) {
            return;
        }
        OperatorId operator;
        synchronized (c) {
            if (c.ringing == null || c.operatorUniqueId != null) {
                return; // not a dial to an operator the core chose (the fallback line, say)
            }
            operator = c.ringing;
            c.operatorUniqueId = dial.getDestUniqueId();
            c.operatorChannel = dial.getDestChannel();
        }
        calls.report(ref(c.uniqueId), "ringing", () -> calls.switchboard.ringing(ref(c.uniqueId), operator));
    }

    void dialEnded(DialEndEvent dial) {
        LiveCall c = calls.live.get(dial.getUniqueId());
        if (c == null) {
            return;
        }
        String status = dial.getDialStatus() == null ? "" : dial.getDialStatus().toUpperCase(Locale.ROOT);
        OperatorId operator;
        synchronized (c) {
            if (c.ringing == null || dial.getDestUniqueId() == null
                    || !dial.getDestUniqueId().equals(c.operatorUniqueId)) {
                return; // a withdrawn offer's dial ending, or not an operator's dial
            }
            operator = c.ringing;
            c.ringing = null;
            if (status.equals("ANSWER")) {
                c.talking = operator;
            } else {
                c.operatorUniqueId = null;
                c.operatorChannel = null;
            }
        }
        switch (status) {
            case "ANSWER" -> calls.report(ref(c.uniqueId), "answered",
                    () -> calls.switchboard.answered(ref(c.uniqueId), operator));
            case "CANCEL" -> { } // the caller hung up (reported by Hangup) or the core withdrew the offer
            default -> calls.report(ref(c.uniqueId), "noAnswer", () -> calls.switchboard.noAnswer(ref(c.uniqueId),
                    operator, status.isEmpty() ? "no answer" : status.toLowerCase(Locale.ROOT)));
        }
    }

    /**
     * The dialplan's word that a Dial to an operator ended without an answer. When no DialBegin came for it, the
     * Dial created no channel: the phone is not registered (or not configured), and without this nothing at all
     * would arrive until the core's offer timeout set an operator away who never heard a ring. The operator is
     * told, routing skips them until their phone is back, and the caller goes to the next operator at once.
     */
    void dialFailed(HotlineDialFailedEvent failed) {
        LiveCall c = calls.live.get(failed.getUniqueId());
        if (c == null) {
            return;
        }
        OperatorId operator;
        String username;
        synchronized (c) {
            if (c.ringing == null || c.operatorUniqueId != null || !Long.toString(c.offer).equals(failed.getOffer())) {
                return; // DialEnd settled this dial already, or it is an older offer's report
            }
            operator = c.ringing;
            username = c.ringingUsername;
            c.ringing = null;
        }
        String status = failed.getStatus() == null ? "" : failed.getStatus().toLowerCase(Locale.ROOT);
        log.warn("asterisk could not ring operator {}: dial status {} without a channel; their phone is taken as "
                + "not connected", operator, status);
        phoneReachable(username, false);
        calls.report(ref(c.uniqueId), "noAnswer", () -> calls.switchboard.noAnswer(ref(c.uniqueId), operator,
                PHONE_NOT_CONNECTED + (status.isEmpty() ? "" : " (" + status + ")")));
    }

    /**
     * Asterisk's device state of an operator's endpoint: UNAVAILABLE while no phone is registered to it. Known
     * are the endpoints of the settings and every phone rung so far (one set on the administration page is
     * learned at its first offer).
     */
    void deviceStateChanged(DeviceStateChangeEvent change) {
        if (change.getDevice() == null || change.getState() == null) {
            return;
        }
        boolean reachable = !"UNAVAILABLE".equalsIgnoreCase(change.getState());
        String rung = calls.rungEndpoints.get(change.getDevice().toLowerCase(Locale.ROOT));
        if (rung != null) {
            phoneReachable(rung, reachable);
            return;
        }
        for (Map.Entry<String, String> endpoint : calls.settings.endpoints().entrySet()) {
            if (endpoint.getValue().equalsIgnoreCase(change.getDevice())) {
                phoneReachable(endpoint.getKey(), reachable);
            }
        }
    }

    /**
     * After a reconnection, phones known unreachable are given the benefit of the doubt: one may have registered
     * while nobody listened, and a phone still missing costs only one refused dial, reported at once.
     */
    void forgetUnreachable() {
        Set<String> all = new java.util.HashSet<>(unreachable);
        try {
            // A new leader also forgets the phones its predecessor found unreachable.
            all.addAll(calls.shared.unreachable());
        } catch (RuntimeException e) {
            log.warn("reading the phones known unreachable failed: {}", e.getClass().getSimpleName());
        }
        unreachable.addAll(all);
        all.forEach(username -> phoneReachable(username, true));
    }

    private void phoneReachable(String username, boolean reachable) {
        if (username == null || (reachable ? !unreachable.remove(username) : !unreachable.add(username))) {
            return;
        }
        try {
            calls.shared.unreachable(username, !reachable);
        } catch (RuntimeException e) {
            log.warn("recording a phone's reachability failed: {}", e.getClass().getSimpleName());
        }
        try {
            calls.router.get().phoneReachable(username, reachable);
        } catch (RuntimeException e) {
            log.warn("telling routing about a phone's reachability failed: {}", e.getClass().getSimpleName());
        }
    }

    /** The first channel to leave a two-party call's bridge is the one who hung up. */
    void leftBridge(String uniqueId) {
        LiveCall caller = calls.live.get(uniqueId);
        if (caller != null) {
            callerLeft(caller, true);
        } else {
            operatorLeft(uniqueId);
        }
    }

    void hungUp(String uniqueId) {
        LiveCall caller = calls.live.remove(uniqueId);
        if (caller == null) {
            if (byOperatorLeg(uniqueId) == null && calls.shared.gone(uniqueId)) {
                // A caller another node's IVR registered, who hung up before this node had to ring them.
                calls.report(ref(uniqueId), "callerHungUp", () -> calls.switchboard.callerHungUp(ref(uniqueId)));
                return;
            }
            operatorLeft(uniqueId);
            return;
        }
        if (caller.shared) {
            calls.shared.gone(uniqueId);
        }
        boolean conferenced;
        synchronized (caller) {
            conferenced = caller.conferencing;
        }
        if (conferenced) {
            // Nobody is left to help once the caller is gone: the operator and the escalation line go too,
            // rather than sit in an empty conference.
            calls.ami.send(new ConfbridgeKickAction(AsteriskEscalation.CONFERENCE_PREFIX + uniqueId, "all"))
                    .exceptionally(e -> {
                        log.warn("closing the conference of asterisk call {} failed: {}", uniqueId, rootMessage(e));
                        return null;
                    });
            // A consult under way: the operator and the colleague asked have no caller left to talk about.
            calls.ami.send(new ConfbridgeKickAction(AsteriskConsults.CONSULT_PREFIX + uniqueId, "all"))
                    .exceptionally(e -> null);
        }
        callerLeft(caller, false);
    }

    private void callerLeft(LiveCall caller, boolean talkingOnly) {
        if (caller.endOnce(talkingOnly)) {
            calls.report(ref(caller.uniqueId), "callerHungUp",
                    () -> calls.switchboard.callerHungUp(ref(caller.uniqueId)));
        }
    }

    private void operatorLeft(String uniqueId) {
        LiveCall call = byOperatorLeg(uniqueId);
        if (call != null && call.endOnce(true)) {
            calls.report(ref(call.uniqueId), "ended", () -> calls.switchboard.ended(ref(call.uniqueId), "operator"));
        }
    }

    private LiveCall byOperatorLeg(String uniqueId) {
        for (LiveCall c : calls.live.values()) {
            synchronized (c) {
                if (uniqueId.equals(c.operatorUniqueId) && c.talking != null) {
                    return c;
                }
            }
        }
        return null;
    }
}
