package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import java.time.Duration;
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
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.SupervisionMode;
import org.tiphotline.telephony.TelephonyPort;

/**
 * The core's telephony port on a real Asterisk: call control here, the rest by job in {@link CallTracking}
 * (Asterisk's events), {@link AsteriskEscalation} (conference and transfer) and {@link AsteriskResync} (after
 * every connection). See {@code package-info.java} for the mechanism; in short, the caller's channel is the call
 * (its Uniqueid is the provider call id), it is moved between dialplan contexts with AMI Redirect, and Asterisk's
 * own events (and the dialplan's HotlineDialFailed) tell what happened.
 *
 * <p>Event handlers run on the AMI event thread only, one event at a time; commands come from the core's
 * routing thread. With two nodes only the leading one holds the AMI link; the other hands its commands over
 * ({@link CommandHandover}) and the leader carries them out ({@link CommandCarrier}).
 */
public final class AsteriskLine implements TelephonyPort, AutoCloseable {

    public static final String PROVIDER = AsteriskCalls.PROVIDER;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);
    /** How often the leader looks for handed-over commands when no NOTIFY came. */
    static final Duration POLL_EVERY = Duration.ofSeconds(3);

    /** What the nodes share: the database, and how this node is named in it. */
    public record Cluster(DSLContext db, TransactionTemplate tx, DataSource dataSource, FieldCipher cipher,
            AuditTrail audit, Calls records, Operators operators, String node) {}

    private final AsteriskCalls calls;
    private final CallTracking tracking;
    private final AsteriskEscalation escalation;
    private final AsteriskResync resync;
    private final AsteriskCallbacks callbacks;
    private final AsteriskSupervision supervision;
    private final AsteriskConsults consults;
    private final AmiLink ami;
    private final CommandHandover handover;
    private final CommandCarrier carrier;
    private final CommandListener listener;

    public AsteriskLine(AsteriskSettings settings, AsteriskCallbackSettings callbackSettings, Switchboard switchboard,
            PendingReports pending, Supplier<Router> router, Cluster cluster) {
        this.ami = new AmiLink(settings.ami(), this::on, this::resync);
        // Held once this node leads (lead()): with two nodes, one AMI connection acts and the other node is ready.
        ami.hold(false);
        SharedCalls shared = new SharedCalls(cluster.db(), cluster.node());
        this.calls = new AsteriskCalls(settings, switchboard, pending, router, ami, shared, cluster.records());
        this.tracking = new CallTracking(calls);
        this.escalation = new AsteriskEscalation(calls);
        this.callbacks = new AsteriskCallbacks(calls, callbackSettings);
        this.supervision = new AsteriskSupervision(calls);
        this.consults = new AsteriskConsults(calls);
        this.handover = new CommandHandover(cluster.db(), cluster.tx(), cluster.cipher(), cluster.audit(),
                cluster.node());
        this.carrier = new CommandCarrier(this, calls, handover, cluster.operators());
        this.resync = new AsteriskResync(calls, tracking, callbacks, handover::pendingConnects,
                cluster.operators()::all, carrier::carryOut);
        this.listener = new CommandListener(cluster.dataSource(), POLL_EVERY, carrier::carryOut);
    }

    public void start() {
        ami.start();
    }

    /**
     * This node leads: it takes the AMI link (logging in on the link's own thread, then the resync as after any
     * reconnection) and listens for the commands the other node hands over. Returns at once.
     */
    void lead() {
        log.info("this node takes the AMI link and the commands handed over to it");
        ami.hold(true);
        listener.start();
    }

    /** This node no longer leads: commands are handed over from now on, and the link is let go at once. */
    void follow() {
        follow(false);
    }

    /**
     * As {@link #follow()} for a node that stops: the events Asterisk sent until the logoff are handled here first
     * (within 2 s, inside the leadership's own wait for stepping down), while the node still works as a whole.
     */
    void followWhenStopping() {
        follow(true);
    }

    private void follow(boolean stopping) {
        boolean held = ami.held();
        calls.synced = false;
        listener.stop();
        if (stopping) {
            ami.letGoWhenStopping(java.time.Duration.ofSeconds(2));
        } else {
            ami.hold(false);
        }
        if (!held) {
            return;
        }
        // Not on the caller's thread: leadership is lost when the database stops answering.
        Thread.ofVirtual().start(() -> {
            try {
                calls.shared.linkLetGo();
            } catch (RuntimeException e) {
                log.debug("recording that the AMI link was let go: {}", e.toString());
            }
        });
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

    /** Whether this node gives Asterisk commands itself: it holds the link and has resynced since connecting. */
    boolean acting() {
        return ami.held() && calls.synced();
    }

    /** Carries out the commands handed over, now (tests; the listener and the resync call it by themselves). */
    void carryOutHandedOver() {
        carrier.carryOut();
    }

    /**
     * The FastAGI IVR registered a new caller channel. Called before the core is told of the call, so that a
     * resync running at the same moment, whose channel list may predate the caller, never sees a record of a
     * call it does not know to be live. A node that does not hold the link registers the caller in PostgreSQL for
     * the one that does.
     */
    void arrivedInIvr(String uniqueId, String channel) {
        if (!ami.held()) {
            calls.shared.arrived(uniqueId, channel);
            return;
        }
        calls.live.computeIfAbsent(uniqueId, id -> new LiveCall(id, channel, calls.arrivals.incrementAndGet()));
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    /**
     * Rings the operator. Without a resynced link here (this node follows, or its link is down) the connect is
     * handed over and goes out once a node holds one, if its offer still stands.
     */
    @Override
    public void connect(CallRef call, Operator operator) {
        String endpoint = calls.endpointOf(operator);
        if (endpoint == null) {
            throw new IllegalStateException("no Asterisk endpoint for operator " + operator.id()
                    + " (set one on the administration page, or hotline.telephony.asterisk.endpoints)");
        }
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.CONNECT, call.providerCallId(), operator.id(), null);
            return;
        }
        calls.ring(calls.require(call), operator, endpoint);
    }

    @Override
    public void withdraw(CallRef call, Operator operator) {
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.WITHDRAW, call.providerCallId(), operator.id(), null);
            return;
        }
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
        escalate(call, number, false);
    }

    /**
     * A transfer is a conference the operator leaves once the escalation line has answered: the caller is never
     * alone on a line that may not answer, and if it does not, the operator is still there.
     */
    @Override
    public void transfer(CallRef call, String number) {
        escalate(call, number, true);
    }

    private void escalate(CallRef call, String number, boolean thenLeave) {
        AsteriskEscalation.requireNumber(number);
        if (!acting()) {
            handover.handOver(thenLeave ? CommandHandover.Kind.TRANSFER : CommandHandover.Kind.CONFERENCE,
                    call.providerCallId(), null, number);
            return;
        }
        escalation.escalate(calls.require(call), number, thenLeave);
    }

    @Override
    public void hangUp(CallRef call) {
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.HANG_UP, call.providerCallId(), null, null);
            return;
        }
        LiveCall c = calls.find(call.providerCallId());
        if (c != null) {
            ami.send(new HangupAction(c.channel)).exceptionally(e -> {
                log.warn("hanging up asterisk call {} failed: {}", c.uniqueId, rootMessage(e));
                return null;
            });
        }
    }

    /** The link counts as up here when this node acts, or when it follows a leader whose link is resynced. */
    @Override
    public Optional<String> cannotCallBack(Operator operator) {
        boolean linkUp = acting() || !ami.held() && calls.shared.linkSynced();
        return callbacks.cannotCallBack(operator, linkUp);
    }

    /** See {@link AsteriskCallbacks}: Originate of the operator's phone into the dialplan's callback context. */
    @Override
    public void callBack(CallRef newCall, Operator operator, String number) {
        if (!acting()) {
            callbacks.requireDiallable(operator, number);
            handover.handOver(CommandHandover.Kind.CALL_BACK, newCall.providerCallId(), operator.id(), number);
            return;
        }
        callbacks.dial(newCall, operator, number);
    }

    @Override
    public Optional<String> cannotSupervise(Operator supervisor) {
        return cannotRing(supervisor, "you have");
    }

    /** Why {@code who}'s phone cannot be rung for a supervision or a consult now; {@code whose}: "you have", "they have". */
    private Optional<String> cannotRing(Operator who, String whose) {
        if (calls.endpointOf(who) == null) {
            return Optional.of(whose + " no phone on Asterisk (an administrator sets it on the administration page)");
        }
        boolean linkUp = acting() || !ami.held() && calls.shared.linkSynced();
        return linkUp ? Optional.empty() : Optional.of("the link to Asterisk is down");
    }

    /** See {@link AsteriskSupervision}: Originate of the supervisor's phone running ChanSpy on the operator's leg. */
    @Override
    public void supervise(CallRef call, Operator operator, Operator supervisor, SupervisionMode mode) {
        String endpoint = calls.endpointOf(supervisor);
        if (endpoint == null) {
            throw new IllegalStateException("the supervisor has no phone on Asterisk");
        }
        if (!acting()) {
            // Checked here as far as a follower can: the leader checks the operator's leg when it carries it out.
            handover.handOver(CommandHandover.Kind.valueOf("SUPERVISE_" + mode.name()), call.providerCallId(),
                    supervisor.id(), null);
            return;
        }
        supervision.start(calls.require(call), operator, supervisor, endpoint, mode);
    }

    @Override
    public void endSupervision(CallRef call, Operator supervisor, SupervisionMode mode) {
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.valueOf("END_" + mode.name()), call.providerCallId(),
                    supervisor.id(), null);
            return;
        }
        supervision.stop(call.providerCallId(), supervisor.id(), mode);
    }

    @Override
    public Optional<String> cannotConsult(Operator colleague) {
        return cannotRing(colleague, "they have");
    }

    /** See {@link AsteriskConsults}: the caller to their conference's music, operator and colleague to another. */
    @Override
    public void consult(CallRef call, Operator operator, Operator colleague) {
        String endpoint = calls.endpointOf(colleague);
        if (endpoint == null) {
            throw new IllegalStateException("the colleague has no phone on Asterisk");
        }
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.CONSULT, call.providerCallId(), colleague.id(), null);
            return;
        }
        consults.consult(calls.require(call), colleague, endpoint);
    }

    @Override
    public void handOver(CallRef call, Operator operator, Operator colleague) {
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.HAND_OVER, call.providerCallId(), colleague.id(), null);
            return;
        }
        consults.handOver(requireTalked(call), colleague.id());
    }

    @Override
    public void endConsult(CallRef call, Operator operator, Operator colleague) {
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.CALL_OFF_CONSULT, call.providerCallId(), colleague.id(), null);
            return;
        }
        LiveCall c = calls.find(call.providerCallId());
        if (c != null) {
            consults.callOff(c, colleague.id());
        }
    }

    @Override
    public void addInterpreter(CallRef call, Operator operator, String number) {
        AsteriskEscalation.requireNumber(number);
        if (!acting()) {
            handover.handOver(CommandHandover.Kind.INTERPRETER, call.providerCallId(), null, number);
            return;
        }
        consults.interpreter(requireTalked(call), number);
    }

    private LiveCall requireTalked(CallRef call) {
        LiveCall c = calls.require(call);
        String why = AsteriskConsults.whyNot(c);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return c;
    }

    /**
     * Empty until Asterisk's live state has been read here since the last connection: nothing is closed on a
     * guess, and a node without the link cannot tell.
     */
    @Override
    public Optional<Set<String>> liveCalls() {
        if (!acting()) {
            return Optional.empty();
        }
        Set<String> all = new java.util.HashSet<>(calls.live.keySet());
        // Callers another node's IVR registered that this node has not needed yet.
        all.addAll(calls.shared.arrivedAfter(0));
        return Optional.of(Set.copyOf(all));
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
                case DisconnectEvent disconnect -> {
                    calls.synced = false;
                    if (ami.held()) {
                        calls.shared.link(false);
                    }
                }
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
        listener.close();
        ami.close();
    }
}
