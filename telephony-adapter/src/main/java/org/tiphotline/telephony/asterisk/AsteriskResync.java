package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.PROVIDER;
import static org.tiphotline.telephony.asterisk.AsteriskCalls.ref;
import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import java.util.AbstractSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;

/**
 * After every (re)connection, on the AMI event thread: reads what Asterisk carries now and makes the records
 * agree. Calls that ended while nobody listened are closed, calls that began without a record get one and are
 * queued, offers that rang out or were answered meanwhile are reported, and connects held while AMI was down go
 * out.
 */
final class AsteriskResync {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);
    private static final long LIST_TIMEOUT_MS = 60_000;

    private final AsteriskCalls calls;
    private final CallTracking tracking;
    private final AsteriskCallbacks callbacks;
    /** The calls with a connect handed over and not yet carried out: their offer has rung nowhere yet. */
    private final Supplier<Set<String>> pendingConnects;
    private final Supplier<List<Operator>> operators;
    private final Runnable afterSync;

    AsteriskResync(AsteriskCalls calls, CallTracking tracking, AsteriskCallbacks callbacks,
            Supplier<Set<String>> pendingConnects, Supplier<List<Operator>> operators, Runnable afterSync) {
        this.calls = calls;
        this.tracking = tracking;
        this.callbacks = callbacks;
        this.pendingConnects = pendingConnects;
        this.operators = operators;
        this.afterSync = afterSync;
    }

    void run() {
        // Callers who reach the IVR from now on may be missing from the list asked for below (Asterisk lists
        // its channels as they were when the action arrived) and must not be taken for calls that ended: this
        // node's own, numbered here, and the other node's, numbered by PostgreSQL.
        long listed = calls.arrivals.get();
        long listedShared;
        Set<String> connectsPending;
        try {
            listedShared = calls.shared.lastArrival();
            connectsPending = pendingConnects.get();
        } catch (RuntimeException e) {
            log.warn("reading the shared Asterisk state failed: {}; retrying on the next connection",
                    e.getClass().getSimpleName());
            return;
        }
        List<CoreShowChannelEvent> channels;
        try {
            channels = calls.ami.sendCollecting(new CoreShowChannelsAction(), LIST_TIMEOUT_MS).join().getEvents()
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
        AsteriskSettings.Dialplan dialplan = calls.settings.dialplan();
        Set<String> ours = Set.of(dialplan.waiting(), dialplan.connect(), dialplan.conference(), dialplan.inbound());
        for (CoreShowChannelEvent ch : channels) {
            boolean caller = ch.getUniqueid() != null && ch.getUniqueid().equals(ch.getLinkedid());
            if (caller && (calls.live.containsKey(ch.getUniqueid()) || ours.contains(ch.getContext()))) {
                callers.add(ch.getUniqueid());
            }
        }
        // Calls that ended during the gap: their channels are gone. Who hung up is unknown, so reconciliation,
        // not a guess, closes their records.
        for (LiveCall c : List.copyOf(calls.live.values())) {
            if (!byUniqueId.containsKey(c.uniqueId) && c.arrival <= listed) {
                calls.live.remove(c.uniqueId);
            }
        }
        calls.shared.keepOnly(byUniqueId.keySet(), listedShared);
        // Callbacks Asterisk still carries are no callers of the hotline's contexts, but live all the same.
        Set<String> keep = new HashSet<>(callers);
        keep.addAll(callbacks.stillLive(byUniqueId));
        calls.switchboard.reconcile(PROVIDER, new LiveOrNewer(keep, listed, listedShared));
        learnEndpoints();
        for (String uniqueId : callers) {
            CoreShowChannelEvent ch = byUniqueId.get(uniqueId);
            LiveCall c = calls.live.computeIfAbsent(uniqueId, id -> new LiveCall(id, ch.getChannel(), 0));
            c.channel = ch.getChannel();
            catchUp(c, ch, channels, connectsPending.contains(uniqueId));
        }
        calls.synced = true;
        calls.shared.link(true);
        tracking.forgetUnreachable();
        log.info("resynced with Asterisk: {} hotline calls live", callers.size());
        // Commands handed over (by the other node, or by this one while its link was down) whose call and offer
        // still stand go out now; the rest are dropped with the reason.
        afterSync.run();
    }

    /**
     * Whose phone a device state is: the phones administrators set are known before their first offer, so a new
     * leader tells routing of a phone that went away before it ever rang it.
     */
    private void learnEndpoints() {
        try {
            for (Operator operator : operators.get()) {
                String endpoint = calls.endpointOf(operator);
                if (endpoint != null) {
                    calls.rungEndpoints.putIfAbsent(endpoint.toLowerCase(java.util.Locale.ROOT), operator.username());
                }
            }
        } catch (RuntimeException e) {
            log.warn("reading the operators' phones failed: {}", e.getClass().getSimpleName());
        }
    }

    /**
     * What reconciliation may keep: the callers the channel list showed, and any caller the IVR registered
     * after that list was asked for. Looked up when reconciliation asks, not copied: a caller registered while
     * it runs is registered before their record exists (see {@link AsteriskLine#arrivedInIvr}).
     */
    private final class LiveOrNewer extends AbstractSet<String> {

        private final Set<String> listed;
        private final long listedUpTo;
        private final long listedSharedUpTo;

        LiveOrNewer(Set<String> listed, long listedUpTo, long listedSharedUpTo) {
            this.listed = listed;
            this.listedUpTo = listedUpTo;
            this.listedSharedUpTo = listedSharedUpTo;
        }

        @Override
        public boolean contains(Object uniqueId) {
            if (listed.contains(uniqueId)) {
                return true;
            }
            if (!(uniqueId instanceof String id)) {
                return false;
            }
            LiveCall c = calls.live.get(id);
            return c != null && c.arrival > listedUpTo || calls.shared.arrivedAfter(id, listedSharedUpTo);
        }

        @Override
        public Iterator<String> iterator() {
            return now().iterator();
        }

        @Override
        public int size() {
            return now().size();
        }

        private Set<String> now() {
            Set<String> all = new HashSet<>(listed);
            calls.live.values().stream().filter(c -> c.arrival > listedUpTo).forEach(c -> all.add(c.uniqueId));
            all.addAll(calls.shared.arrivedAfter(listedSharedUpTo));
            return Set.copyOf(all);
        }
    }

    private void catchUp(LiveCall c, CoreShowChannelEvent ch, List<CoreShowChannelEvent> channels,
            boolean connectPending) {
        CallRef ref = ref(c.uniqueId);
        boolean known = calls.switchboard.unfinished(PROVIDER).contains(ref);
        if (!known) {
            // It began while the application could not record it (AGI answered by a previous process, say).
            calls.report(ref, "arrived", () -> {
                calls.switchboard.arrived(ref, ch.getCallerIdNum(), orUnknown(ch.getExtension()));
                return true;
            });
            if (!calls.settings.dialplan().inbound().equals(ch.getContext())) {
                calls.report(ref, "ivrCompleted", () -> calls.switchboard.ivrCompleted(ref));
            }
            return;
        }
        if (connectPending) {
            return; // its offer has rung nowhere yet: the handed-over connect goes out after the resync
        }
        long offer;
        synchronized (c) {
            offer = c.offer;
        }
        Call record = calls.records.idOf(ref).flatMap(calls.records::load).orElse(null);
        if (offer == 0 && record != null) {
            // Never rung by this process (a takeover, a restart): who rings or talks is what the record says.
            derive(c, ch, channels, record);
        }
        OperatorId ringing;
        synchronized (c) {
            ringing = c.ringing;
        }
        if (ringing == null) {
            if (record != null && record.state() == CallState.QUEUED && dialling(ch)) {
                // Withdrawn while nobody held the link, and still ringing that phone: back to music on hold, or
                // an answer there would be a conversation the core knows nothing of.
                calls.ami.send(new RedirectAction(c.channel, calls.settings.dialplan().waiting(), "s", 1))
                        .exceptionally(e -> {
                            log.warn("withdrawing asterisk call {} after the resync failed: {}", c.uniqueId,
                                    rootMessage(e));
                            return null;
                        });
            }
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
                        calls.report(ref, "answered", () -> calls.switchboard.answered(ref, ringing));
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
                            calls.report(ref, "ringing", () -> calls.switchboard.ringing(ref, ringing));
                        }
                    });
        } else {
            // The dial ended during the gap and the caller is back on hold.
            synchronized (c) {
                c.ringing = null;
                c.operatorUniqueId = null;
            }
            calls.report(ref, "noAnswer",
                    () -> calls.switchboard.noAnswer(ref, ringing, "rang out while AMI was disconnected"));
        }
    }

    private boolean dialling(CoreShowChannelEvent ch) {
        return "Dial".equalsIgnoreCase(ch.getApplication())
                && calls.settings.dialplan().connect().equals(ch.getContext());
    }

    /** What the record says of a call this process never rang: the operator it rings at, or who talks on it. */
    private void derive(LiveCall c, CoreShowChannelEvent ch, List<CoreShowChannelEvent> channels, Call record) {
        OperatorId operator = record.operator();
        if (operator == null) {
            return;
        }
        if (record.state() == CallState.RINGING) {
            synchronized (c) {
                if (c.ringing == null && c.talking == null) {
                    c.ringing = operator;
                }
            }
        } else if (record.state() == CallState.TALKING) {
            String bridge = ch.getBridgeid();
            CoreShowChannelEvent other = bridge == null || bridge.isBlank() ? null : channels.stream()
                    .filter(o -> bridge.equals(o.getBridgeid()) && !c.uniqueId.equals(o.getUniqueid()))
                    .findFirst().orElse(null);
            synchronized (c) {
                c.talking = operator;
                c.conferencing = calls.settings.dialplan().conference().equals(ch.getContext());
                if (other != null && !c.conferencing) {
                    c.operatorUniqueId = other.getUniqueid();
                    c.operatorChannel = other.getChannel();
                }
            }
        }
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() || value.length() > 40 ? "unknown" : value;
    }
}
