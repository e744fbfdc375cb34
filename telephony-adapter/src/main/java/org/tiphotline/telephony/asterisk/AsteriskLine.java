package org.tiphotline.telephony.asterisk;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.asteriskjava.manager.action.ConfbridgeKickAction;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.action.SetVarAction;
import org.asteriskjava.manager.event.BridgeLeaveEvent;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.ConfbridgeJoinEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.TelephonyPort;

/**
 * The core's telephony port on a real Asterisk. See {@code package-info.java} for the mechanism; in short, the
 * caller's channel is the call (its Uniqueid is the provider call id), it is moved between dialplan contexts
 * with AMI Redirect, and Asterisk's own DialBegin/DialEnd/BridgeLeave/Hangup events tell what happened.
 *
 * <p>Event handlers run on the AMI event thread only, one event at a time; commands come from the core's
 * routing thread. The per-call state both touch is guarded by the call's own monitor, never held while the
 * core or Asterisk is called.
 */
public final class AsteriskLine implements TelephonyPort, AutoCloseable {

    public static final String PROVIDER = "asterisk";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);
    private static final long ESCALATION_TIMEOUT_MS = 60_000;
    /** Conference names: this prefix and the caller channel's Uniqueid. */
    private static final String CONFERENCE_PREFIX = "hotline-";

    private final AsteriskSettings settings;
    private final Switchboard switchboard;
    private final PendingReports pending;
    /** Looked up when needed: the router needs the telephony ports, this is one of them. */
    private final java.util.function.Supplier<Router> router;
    private final AmiLink ami;
    /** Calls on Asterisk by the caller channel's Uniqueid. */
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Connects asked for while AMI was down, sent after the next resync if their offer still stands. */
    private final Map<String, Operator> pendingConnects = new ConcurrentHashMap<>();
    /** Numbers the callers as they reach the IVR, so a resync can tell who came after its channel list. */
    private final java.util.concurrent.atomic.AtomicLong arrivals = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean synced;

    /** What the adapter knows of one call on Asterisk. */
    private static final class Live {
        final String uniqueId;
        /** From {@link #arrivals} when the IVR registered it; 0 when the resync found it. */
        final long arrival;
        volatile String channel;
        OperatorId ringing;
        /** The operator's channel while it rings or talks. */
        String operatorUniqueId;
        String operatorChannel;
        OperatorId talking;
        /** The adapter moved the call into a conference: bridge changes from now on are its own doing. */
        boolean conferencing;
        /** The escalation line is in the conference. */
        boolean escalationJoined;
        /** A transfer succeeded: the operator leaves as soon as the escalation line is in the conference. */
        boolean operatorLeaves;
        boolean endReported;

        Live(String uniqueId, String channel, long arrival) {
            this.uniqueId = uniqueId;
            this.channel = channel;
            this.arrival = arrival;
        }
    }

    public AsteriskLine(AsteriskSettings settings, Switchboard switchboard, PendingReports pending,
            java.util.function.Supplier<Router> router) {
        this.settings = settings;
        this.switchboard = switchboard;
        this.pending = pending;
        this.router = router;
        this.ami = new AmiLink(settings.ami(), this::on, this::resync);
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
        return synced && ami.connected();
    }

    /**
     * The FastAGI IVR registered a new caller channel. Called before the core is told of the call, so that a
     * resync running at the same moment, whose channel list may predate the caller, never sees a record of a
     * call it does not know to be live.
     */
    void arrivedInIvr(String uniqueId, String channel) {
        live.computeIfAbsent(uniqueId, id -> new Live(id, channel, arrivals.incrementAndGet()));
    }

    /**
     * The phone an administrator set for the operator on the administration page (a PJSIP endpoint), else the one
     * in the settings; null when neither names one.
     */
    private String endpointOf(Operator operator) {
        String own = operator.endpoint();
        return own != null && own.startsWith("PJSIP/") ? own : settings.endpoints().get(operator.username());
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void connect(CallRef call, Operator operator) {
        String endpoint = endpointOf(operator);
        if (endpoint == null) {
            throw new IllegalStateException("no Asterisk endpoint for operator " + operator.id()
                    + " (set one on the administration page, or hotline.telephony.asterisk.endpoints)");
        }
        if (!synced()) {
            // Every offer would fail and set its operator away (and after a restart the call is not even known
            // here yet); hold it until the link is back and resynced.
            pendingConnects.put(call.providerCallId(), operator);
            return;
        }
        Live c = require(call);
        ringAt(c, operator);
        redirectToOperator(c, endpoint, operator);
    }

    private static void ringAt(Live c, Operator operator) {
        synchronized (c) {
            c.ringing = operator.id();
            c.operatorUniqueId = null;
        }
    }

    private void redirectToOperator(Live c, String endpoint, Operator operator) {
        ami.send(new SetVarAction(c.channel, "HOTLINE_OPERATOR_ENDPOINT", endpoint))
                .thenCompose(r -> ami.send(new SetVarAction(c.channel, "HOTLINE_RING_SECONDS",
                        Integer.toString(settings.ringSeconds()))))
                .thenCompose(r -> ami.send(new RedirectAction(c.channel, settings.dialplan().connect(), "s", 1)))
                .whenComplete((r, failure) -> {
                    if (failure != null) {
                        log.warn("connecting asterisk call {} to operator {} failed: {}", c.uniqueId,
                                operator.id(), rootMessage(failure));
                        if (!refused(failure)) {
                            // Lost on the way back: Asterisk may well be dialling. The resync after the
                            // reconnection (or the core's offer timeout) settles it from the channel's real state.
                            return;
                        }
                        ami.onEventThread(() -> report(ref(c.uniqueId), "noAnswer",
                                () -> switchboard.noAnswer(ref(c.uniqueId), operator.id(), "connect failed")));
                    }
                });
    }

    @Override
    public void withdraw(CallRef call, Operator operator) {
        pendingConnects.remove(call.providerCallId(), operator);
        Live c = live.get(call.providerCallId());
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
        ami.send(new RedirectAction(c.channel, settings.dialplan().waiting(), "s", 1)).exceptionally(failure -> {
            log.warn("withdrawing asterisk call {} failed: {}", c.uniqueId, rootMessage(failure));
            return null;
        });
    }

    @Override
    public void conference(CallRef call, String number) {
        escalate(require(call), number, false);
    }

    /**
     * A transfer is a conference the operator leaves once the escalation line has answered: the caller is never
     * alone on a line that may not answer, and if it does not, the operator is still there.
     */
    @Override
    public void transfer(CallRef call, String number) {
        escalate(require(call), number, true);
    }

    private void escalate(Live c, String number, boolean thenLeave) {
        String mode = thenLeave ? "transfer" : "conference";
        if (number == null || !number.matches("\\+?[0-9]{2,20}")) {
            throw new IllegalArgumentException("an escalation number is 2-20 digits, optionally after +");
        }
        String conference = CONFERENCE_PREFIX + c.uniqueId;
        String operatorChannel;
        synchronized (c) {
            if (c.talking == null || c.operatorChannel == null) {
                throw new IllegalStateException("only a call an operator is talking on can be escalated");
            }
            c.conferencing = true;
            operatorChannel = c.operatorChannel;
        }
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
        ami.send(new SetVarAction(c.channel, "HOTLINE_CONFERENCE", conference))
                .thenCompose(r -> ami.send(new SetVarAction(operatorChannel, "HOTLINE_CONFERENCE", conference)))
                // The operator joins as a marked user (exten "operator"), so the caller is never left alone in
                // the conference: see ops/asterisk/confbridge.conf.
                .thenCompose(r -> ami.send(new RedirectAction(c.channel, operatorChannel, context, "s", 1, context,
                        "operator", 1)))
                .thenCompose(r -> ami.sendCollecting(originate, ESCALATION_TIMEOUT_MS))
                .whenComplete((events, failure) -> {
                    String reason = failure != null ? rootMessage(failure) : originateFailure(events.getEvents());
                    ami.onEventThread(() -> escalationDone(c, mode, reason, operatorChannel));
                });
    }

    private void escalationDone(Live c, String mode, String failure, String operatorChannel) {
        CallRef ref = ref(c.uniqueId);
        report(ref, "escalated", () -> switchboard.escalated(ref, mode, failure == null, failure));
        if (failure == null && mode.equals("transfer")) {
            report(ref, "transferred", () -> switchboard.transferred(ref, "escalation line"));
            boolean leaveNow;
            synchronized (c) {
                c.endReported = true;
                // Leaving before the escalation line is in would leave the caller without any marked user, and
                // ConfBridge would end the caller's call.
                leaveNow = c.escalationJoined;
                c.operatorLeaves = !leaveNow;
            }
            report(ref, "ended", () -> switchboard.ended(ref, "transfer"));
            if (leaveNow) {
                operatorLeaves(c, operatorChannel);
            }
        }
    }

    private void operatorLeaves(Live c, String operatorChannel) {
        ami.send(new HangupAction(operatorChannel)).exceptionally(e -> {
            log.warn("operator leg of asterisk call {} did not leave the conference: {}", c.uniqueId,
                    rootMessage(e));
            return null;
        });
    }

    /** Someone joined a hotline conference: when it is the escalation line, a transfer can let the operator go. */
    private void joinedConference(ConfbridgeJoinEvent join) {
        String conference = join.getConference();
        if (conference == null || !conference.startsWith(CONFERENCE_PREFIX)) {
            return;
        }
        Live c = live.get(conference.substring(CONFERENCE_PREFIX.length()));
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

    private static String originateFailure(java.util.Collection<ResponseEvent> events) {
        for (ResponseEvent event : events) {
            if (event instanceof OriginateResponseEvent response) {
                return "Success".equalsIgnoreCase(response.getResponse()) ? null
                        : "escalation line did not answer (reason " + response.getReason() + ")";
            }
        }
        return "no answer from Asterisk about the escalation call";
    }

    @Override
    public void hangUp(CallRef call) {
        Live c = live.get(call.providerCallId());
        if (c != null) {
            ami.send(new HangupAction(c.channel)).exceptionally(e -> {
                log.warn("hanging up asterisk call {} failed: {}", c.uniqueId, rootMessage(e));
                return null;
            });
        }
    }

    /** Empty until Asterisk's live state has been read since the last connection: nothing is closed on a guess. */
    @Override
    public Optional<Set<String>> liveCalls() {
        return synced() ? Optional.of(Set.copyOf(live.keySet())) : Optional.empty();
    }

    // ---- events, on the AMI event thread ----

    void on(ManagerEvent event) {
        try {
            switch (event) {
                case DialBeginEvent dial -> dialBegan(dial);
                case DialEndEvent dial -> dialEnded(dial);
                case BridgeLeaveEvent leave -> leftBridge(leave.getUniqueId());
                case HangupEvent hangup -> hungUp(hangup.getUniqueId());
                case ConfbridgeJoinEvent join -> joinedConference(join);
                case org.asteriskjava.manager.event.DisconnectEvent disconnect -> synced = false;
                default -> { }
            }
        } catch (RuntimeException e) {
            log.warn("handling AMI {} failed: {}", event.getClass().getSimpleName(), e.toString());
        }
    }

    private void dialBegan(DialBeginEvent dial) {
        Live c = live.get(dial.getUniqueId());
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
        report(ref(c.uniqueId), "ringing", () -> switchboard.ringing(ref(c.uniqueId), operator));
    }

    private void dialEnded(DialEndEvent dial) {
        Live c = live.get(dial.getUniqueId());
        if (c == null) {
            return;
        }
        String status = dial.getDialStatus() == null ? "" : dial.getDialStatus().toUpperCase(java.util.Locale.ROOT);
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
            case "ANSWER" -> report(ref(c.uniqueId), "answered", () -> switchboard.answered(ref(c.uniqueId), operator));
            case "CANCEL" -> { } // the caller hung up (reported by Hangup) or the core withdrew the offer
            default -> report(ref(c.uniqueId), "noAnswer", () -> switchboard.noAnswer(ref(c.uniqueId), operator,
                    status.isEmpty() ? "no answer" : status.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    /** The first channel to leave a two-party call's bridge is the one who hung up. */
    private void leftBridge(String uniqueId) {
        Live caller = live.get(uniqueId);
        if (caller != null) {
            if (endOnce(caller, true)) {
                report(ref(caller.uniqueId), "callerHungUp", () -> switchboard.callerHungUp(ref(caller.uniqueId)));
            }
            return;
        }
        Live call = byOperatorLeg(uniqueId);
        if (call != null && endOnce(call, true)) {
            report(ref(call.uniqueId), "ended", () -> switchboard.ended(ref(call.uniqueId), "operator"));
        }
    }

    private void hungUp(String uniqueId) {
        Live caller = live.remove(uniqueId);
        if (caller != null) {
            pendingConnects.remove(uniqueId);
            boolean conferenced;
            synchronized (caller) {
                conferenced = caller.conferencing;
            }
            if (conferenced) {
                // Nobody is left to help once the caller is gone: the operator and the escalation line go too,
                // rather than sit in an empty conference.
                ami.send(new ConfbridgeKickAction(CONFERENCE_PREFIX + uniqueId, "all")).exceptionally(e -> {
                    log.warn("closing the conference of asterisk call {} failed: {}", uniqueId, rootMessage(e));
                    return null;
                });
            }
            if (endOnce(caller, false)) {
                report(ref(caller.uniqueId), "callerHungUp", () -> switchboard.callerHungUp(ref(caller.uniqueId)));
            }
            return;
        }
        Live call = byOperatorLeg(uniqueId);
        if (call != null && endOnce(call, true)) {
            report(ref(call.uniqueId), "ended", () -> switchboard.ended(ref(call.uniqueId), "operator"));
        }
    }

    /** Marks the end reported once; {@code talkingOnly}: only a two-party call an operator answered. */
    private static boolean endOnce(Live c, boolean talkingOnly) {
        synchronized (c) {
            if (c.endReported || talkingOnly && (c.talking == null || c.conferencing)) {
                return false;
            }
            c.endReported = true;
            return true;
        }
    }

    private Live byOperatorLeg(String uniqueId) {
        for (Live c : live.values()) {
            synchronized (c) {
                if (uniqueId.equals(c.operatorUniqueId) && c.talking != null) {
                    return c;
                }
            }
        }
        return null;
    }

    // ---- resync, on the AMI event thread after every (re)connection ----

    /**
     * Reads what Asterisk carries now and makes the records agree: calls that ended while nobody listened are
     * closed, calls that began without a record get one and are queued, offers that rang out or were answered
     * meanwhile are reported, and connects held while AMI was down go out.
     */
    private void resync() {
        // Callers who reach the IVR from now on may be missing from the list asked for below (Asterisk lists
        // its channels as they were when the action arrived) and must not be taken for calls that ended.
        long listed = arrivals.get();
        List<CoreShowChannelEvent> channels;
        try {
            channels = ami.sendCollecting(new CoreShowChannelsAction(), ESCALATION_TIMEOUT_MS).join().getEvents()
                    .stream().filter(CoreShowChannelEvent.class::isInstance).map(CoreShowChannelEvent.class::cast)
                    .toList();
        } catch (RuntimeException e) {
            log.warn("reading Asterisk's live channels failed: {}; retrying on the next connection",
                    rootMessage(e));
            return;
        }
        Map<String, CoreShowChannelEvent> byUniqueId = new HashMap<>();
        channels.forEach(ch -> byUniqueId.put(ch.getUniqueid(), ch));
        Set<String> callers = new HashSet<>();
        Set<String> ours = Set.of(settings.dialplan().waiting(), settings.dialplan().connect(),
                settings.dialplan().conference(), settings.dialplan().inbound());
        for (CoreShowChannelEvent ch : channels) {
            boolean caller = ch.getUniqueid() != null && ch.getUniqueid().equals(ch.getLinkedid());
            if (caller && (live.containsKey(ch.getUniqueid()) || ours.contains(ch.getContext()))) {
                callers.add(ch.getUniqueid());
            }
        }
        // Calls that ended during the gap: their channels are gone. Who hung up is unknown, so reconciliation,
        // not a guess, closes their records.
        for (Live c : List.copyOf(live.values())) {
            if (!byUniqueId.containsKey(c.uniqueId) && c.arrival <= listed) {
                live.remove(c.uniqueId);
                pendingConnects.remove(c.uniqueId);
            }
        }
        router.get().reconcile(PROVIDER, new LiveOrNewer(callers, listed));
        for (String uniqueId : callers) {
            CoreShowChannelEvent ch = byUniqueId.get(uniqueId);
            Live c = live.computeIfAbsent(uniqueId, id -> new Live(id, ch.getChannel(), 0));
            c.channel = ch.getChannel();
            catchUp(c, ch, channels);
        }
        synced = true;
        pendingConnects.forEach((uniqueId, operator) -> {
            pendingConnects.remove(uniqueId, operator);
            Live c = live.get(uniqueId);
            String endpoint = endpointOf(operator);
            if (c != null && endpoint != null) {
                ringAt(c, operator);
                redirectToOperator(c, endpoint, operator);
            }
        });
        log.info("resynced with Asterisk: {} hotline calls live", callers.size());
    }

    /**
     * What reconciliation may keep: the callers the channel list showed, and any caller the IVR registered
     * after that list was asked for. Looked up when reconciliation asks, not copied: a caller registered while
     * it runs is registered before their record exists (see {@link #arrivedInIvr}).
     */
    private final class LiveOrNewer extends java.util.AbstractSet<String> {

        private final Set<String> listed;
        private final long listedUpTo;

        LiveOrNewer(Set<String> listed, long listedUpTo) {
            this.listed = listed;
            this.listedUpTo = listedUpTo;
        }

        @Override
        public boolean contains(Object uniqueId) {
            if (listed.contains(uniqueId)) {
                return true;
            }
            Live c = uniqueId instanceof String id ? live.get(id) : null;
            return c != null && c.arrival > listedUpTo;
        }

        @Override
        public java.util.Iterator<String> iterator() {
            return now().iterator();
        }

        @Override
        public int size() {
            return now().size();
        }

        private Set<String> now() {
            Set<String> all = new HashSet<>(listed);
            live.values().stream().filter(c -> c.arrival > listedUpTo).forEach(c -> all.add(c.uniqueId));
            return Set.copyOf(all);
        }
    }

    private void catchUp(Live c, CoreShowChannelEvent ch, List<CoreShowChannelEvent> channels) {
        CallRef ref = ref(c.uniqueId);
        boolean known = switchboard.unfinished(PROVIDER).contains(ref);
        if (!known) {
            // It began while the application could not record it (AGI answered by a previous process, say).
            report(ref, "arrived", () -> {
                switchboard.arrived(ref, ch.getCallerIdNum(), orUnknown(ch.getExtension()));
                return true;
            });
            if (!settings.dialplan().inbound().equals(ch.getContext())) {
                report(ref, "ivrCompleted", () -> switchboard.ivrCompleted(ref));
            }
            return;
        }
        OperatorId ringing;
        synchronized (c) {
            ringing = c.ringing;
        }
        if (ringing == null || pendingConnects.containsKey(c.uniqueId)) {
            return;
        }
        String bridge = ch.getBridgeid();
        if (bridge != null && !bridge.isBlank()) {
            // Answered during the gap: the operator's leg is the other channel in the caller's bridge.
            channels.stream().filter(o -> bridge.equals(o.getBridgeid()) && !c.uniqueId.equals(o.getUniqueid()))
                    .findFirst().ifPresent(o -> {
                        synchronized (c) {
                            c.operatorUniqueId = o.getUniqueid();
                            c.operatorChannel = o.getChannel();
                            c.talking = ringing;
                            c.ringing = null;
                        }
                        report(ref, "answered", () -> switchboard.answered(ref, ringing));
                    });
        } else if ("Dial".equalsIgnoreCase(ch.getApplication())) {
            // Still ringing; the DialBegin may have been lost: the operator's leg is the call's other channel.
            channels.stream().filter(o -> c.uniqueId.equals(o.getLinkedid()) && !c.uniqueId.equals(o.getUniqueid()))
                    .findFirst().ifPresent(o -> {
                        boolean unseen;
                        synchronized (c) {
                            unseen = c.operatorUniqueId == null;
                            c.operatorUniqueId = o.getUniqueid();
                            c.operatorChannel = o.getChannel();
                        }
                        if (unseen) {
                            report(ref, "ringing", () -> switchboard.ringing(ref, ringing));
                        }
                    });
        } else {
            // The dial ended during the gap and the caller is back on hold.
            synchronized (c) {
                c.ringing = null;
                c.operatorUniqueId = null;
            }
            report(ref, "noAnswer", () -> switchboard.noAnswer(ref, ringing, "rang out while AMI was disconnected"));
        }
    }

    @Override
    public void close() {
        ami.close();
    }

    private Live require(CallRef call) {
        Live c = live.get(call.providerCallId());
        if (c == null) {
            throw new IllegalStateException("asterisk call " + call.providerCallId() + " is not live");
        }
        return c;
    }

    private static CallRef ref(String uniqueId) {
        return new CallRef(PROVIDER, uniqueId);
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() || value.length() > 40 ? "unknown" : value;
    }

    /**
     * A report the core refuses (a call it never knew) must not stop the events after it; one the database cannot
     * take now is kept until it is back ({@link PendingReports}): Asterisk sends no AMI event twice.
     */
    private void report(CallRef ref, String what, java.util.function.BooleanSupplier report) {
        try {
            pending.report(ref, what, report);
        } catch (RuntimeException e) {
            log.warn("the core refused an asterisk report: {}", e.getClass().getSimpleName());
        }
    }

    private static boolean refused(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t instanceof java.util.concurrent.CompletionException) {
            t = t.getCause();
        }
        return t instanceof AmiLink.AmiRefused;
    }

    private static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
