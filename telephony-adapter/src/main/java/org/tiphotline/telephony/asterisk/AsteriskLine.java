package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.event.BridgeLeaveEvent;
import org.asteriskjava.manager.event.ConfbridgeJoinEvent;
import org.asteriskjava.manager.event.DeviceStateChangeEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.TelephonyPort;

/**
 * The core's telephony port on a real Asterisk: call control here, the rest by job in {@link CallTracking}
 * (Asterisk's events), {@link AsteriskEscalation} (conference and transfer) and {@link AsteriskResync} (after
 * every connection). See {@code package-info.java} for the mechanism; in short, the caller's channel is the call
 * (its Uniqueid is the provider call id), it is moved between dialplan contexts with AMI Redirect, and Asterisk's
 * own events (and the dialplan's HotlineDialFailed) tell what happened.
 *
 * <p>Event handlers run on the AMI event thread only, one event at a time; commands come from the core's
 * routing thread.
 */
public final class AsteriskLine implements TelephonyPort, AutoCloseable {

    public static final String PROVIDER = AsteriskCalls.PROVIDER;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);

    private final AsteriskCalls calls;
    private final CallTracking tracking;
    private final AsteriskEscalation escalation;
    private final AsteriskResync resync;
    private final AsteriskCallbacks callbacks;
    private final AmiLink ami;

    public AsteriskLine(AsteriskSettings settings, AsteriskCallbackSettings callbackSettings, Switchboard switchboard,
            PendingReports pending, Supplier<Router> router) {
        this.ami = new AmiLink(settings.ami(), this::on, this::resync);
        this.calls = new AsteriskCalls(settings, switchboard, pending, router, ami);
        this.tracking = new CallTracking(calls);
        this.escalation = new AsteriskEscalation(calls);
        this.callbacks = new AsteriskCallbacks(calls, callbackSettings);
        this.resync = new AsteriskResync(calls, tracking, callbacks);
    }

    public void start() {
        ami.start();
    }

    boolean amiConnected() {
        return ami.connected();
    }

    /** The AMI link, for its state (the status page) and the work after each connection (the prompt check). */
    AmiLink ami() {
        return ami;
    }

    /** Whether the live state has been read from Asterisk since the last (re)connection. */
    boolean synced() {
        return calls.synced();
    }

    /**
     * The FastAGI IVR registered a new caller channel. Called before the core is told of the call, so that a
     * resync running at the same moment, whose channel list may predate the caller, never sees a record of a
     * call it does not know to be live.
     */
    void arrivedInIvr(String uniqueId, String channel) {
        calls.live.computeIfAbsent(uniqueId, id -> new LiveCall(id, channel, calls.arrivals.incrementAndGet()));
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void connect(CallRef call, Operator operator) {
        String endpoint = calls.endpointOf(operator);
        if (endpoint == null) {
            throw new IllegalStateException("no Asterisk endpoint for operator " + operator.id()
                    + " (set one on the administration page, or hotline.telephony.asterisk.endpoints)");
        }
        if (!calls.synced()) {
            // Every offer would fail and set its operator away (and after a restart the call is not even known
            // here yet); hold it until the link is back and resynced.
            calls.pendingConnects.put(call.providerCallId(), operator);
            return;
        }
        calls.ring(calls.require(call), operator, endpoint);
    }

    @Override
    public void withdraw(CallRef call, Operator operator) {
        calls.pendingConnects.remove(call.providerCallId(), operator);
        LiveCall c = calls.live.get(call.providerCallId());
        if (c == null) {
            return;
        }
        synchronized (c) {
            if (!operator.id().equals(c.ringing)) {
                return;
            }
            c.ringing = null;
        }
        // Back to music on hold; the Dial to the operator's phone is cancelled by the move.
        ami.send(new RedirectAction(c.channel, calls.settings.dialplan().waiting(), "s", 1)).exceptionally(failure -> {
            log.warn("withdrawing asterisk call {} failed: {}", c.uniqueId, rootMessage(failure));
            return null;
        });
    }

    @Override
    public void conference(CallRef call, String number) {
        escalation.escalate(calls.require(call), number, false);
    }

    /**
     * A transfer is a conference the operator leaves once the escalation line has answered: the caller is never
     * alone on a line that may not answer, and if it does not, the operator is still there.
     */
    @Override
    public void transfer(CallRef call, String number) {
        escalation.escalate(calls.require(call), number, true);
    }

    @Override
    public void hangUp(CallRef call) {
        LiveCall c = calls.live.get(call.providerCallId());
        if (c != null) {
            ami.send(new HangupAction(c.channel)).exceptionally(e -> {
                log.warn("hanging up asterisk call {} failed: {}", c.uniqueId, rootMessage(e));
                return null;
            });
        }
    }

    @Override
    public Optional<String> cannotCallBack(Operator operator) {
        return callbacks.cannotCallBack(operator);
    }

    /** See {@link AsteriskCallbacks}: Originate of the operator's phone into the dialplan's callback context. */
    @Override
    public void callBack(CallRef newCall, Operator operator, String number) {
        callbacks.dial(newCall, operator, number);
    }

    /** Empty until Asterisk's live state has been read since the last connection: nothing is closed on a guess. */
    @Override
    public Optional<Set<String>> liveCalls() {
        return calls.synced() ? Optional.of(Set.copyOf(calls.live.keySet())) : Optional.empty();
    }

    /** On the AMI event thread, one event at a time. */
    void on(ManagerEvent event) {
        try {
            if (callbacks.on(event)) {
                return;
            }
            switch (event) {
                case DialBeginEvent dial -> tracking.dialBegan(dial);
                case DialEndEvent dial -> tracking.dialEnded(dial);
                case HotlineDialFailedEvent failed -> tracking.dialFailed(failed);
                case BridgeLeaveEvent leave -> tracking.leftBridge(leave.getUniqueId());
                case HangupEvent hangup -> tracking.hungUp(hangup.getUniqueId());
                case DeviceStateChangeEvent device -> tracking.deviceStateChanged(device);
                case ConfbridgeJoinEvent join -> escalation.joinedConference(join);
                case DisconnectEvent disconnect -> calls.synced = false;
                default -> { }
            }
        } catch (RuntimeException e) {
            log.warn("handling AMI {} failed: {}", event.getClass().getSimpleName(), e.toString());
        }
    }

    private void resync() {
        resync.run();
    }

    @Override
    public void close() {
        ami.close();
    }
}
