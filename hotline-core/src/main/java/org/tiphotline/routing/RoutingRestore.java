package org.tiphotline.routing;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallDirection;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.telephony.TelephonyPort;
import org.tiphotline.telephony.TelephonyPorts;

/**
 * What a node does when it takes the lead: brings the routing state in line with the call records and the
 * providers' live calls, through {@link Router}'s decisions. The steady-state repair of the same drift is
 * {@link RoutingRepair}'s.
 */
@Service
public class RoutingRestore implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RoutingRestore.class);

    private final Router router;
    private final RoutingStore store;
    private final Switchboard switchboard;
    private final Calls calls;
    private final TelephonyPorts ports;
    private final Clock clock;
    /** Where a new leader restores: never the leadership thread, which must keep checking the lock. */
    private final ExecutorService restoring = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("routing-restore").daemon().factory());
    /** Set once this node is ready: a lead gained before it was gained at this node's start. */
    private volatile boolean started;

    public RoutingRestore(Router router, RoutingStore store, Switchboard switchboard, Calls calls,
            TelephonyPorts ports, Clock clock) {
        this.router = router;
        this.store = store;
        this.switchboard = switchboard;
        this.calls = calls;
        this.ports = ports;
        this.clock = clock;
    }

    /** After this: a lead gained is a takeover from a node that stopped or died, not a start of the hotline. */
    @EventListener(ApplicationReadyEvent.class)
    public void ready() {
        started = true;
    }

    /**
     * The node that gains the lead restores, on a thread of its own (it asks the providers). A lead gained at this
     * node's start means no node was running: every console had lost its connection, so whoever was available is
     * set away and chooses again, as after any restart (a phone left available with no console watching it would
     * ring for nobody). A lead taken over from a node that stopped or died keeps every presence and offer.
     */
    @EventListener
    public void on(Leadership.Gained gained) {
        if (!started) {
            // Before this node takes its first decision: an operator choosing available a moment later stays so.
            awayAfterStart();
        }
        restoring.execute(() -> {
            try {
                restore();
            } catch (RuntimeException e) {
                log.warn("restoring routing after gaining the lead failed: {}", e.toString());
            }
        });
    }

    /** No node was running: nobody's console is connected, so nobody available is set to take calls. */
    public void awayAfterStart() {
        store.read().seats().stream()
                .filter(s -> s.presence() == Presence.AVAILABLE || s.presence() == Presence.PHONE_NOT_CONNECTED)
                .forEach(s -> router.decide(brain -> brain.setPresence(s.id(), s.languages(), Presence.AWAY,
                        RoutingState.Why.of(StateCause.RESTART), clock.instant())));
    }

    /**
     * Close the records of calls the providers no longer carry and bring the routing state in line with the call
     * records. Offers recorded in the routing state stay as they are, whichever node made them: the tick times
     * out those that ring too long and the providers' reports settle the rest. Only what the state cannot know is
     * repaired: calls waiting that it lacks (a decision lost with PostgreSQL's unsynchronised commit, or a node
     * that died between a call's QUEUED record and its routing) are queued, an offer recorded for a call that
     * routing no longer rings is withdrawn, and calls that ended leave the queue and free their operator.
     */
    public void restore() {
        for (TelephonyPort port : ports.all()) {
            // Our open records first, then the provider's list: a caller who arrives in between is not among ours,
            // so is never closed for missing from a list taken before their call existed.
            List<CallRef> ours = switchboard.unfinished(port.provider());
            port.liveCalls().ifPresent(live -> switchboard.reconcile(ours, port.provider(), live));
        }
        RoutingState state = store.read();
        Set<CallId> routed = new HashSet<>();
        state.queue().forEach(w -> routed.add(w.call()));
        Map<CallId, OperatorId> rings = state.ringing().stream()
                .collect(Collectors.toMap(r -> r.call().call(), RoutingState.Ring::operator));
        routed.addAll(rings.keySet());
        for (Call call : calls.waiting()) {
            if (call.direction() == CallDirection.CALLBACK) {
                if (!state.dialled().containsKey(call.id())) {
                    // A dial-out routing does not know of: nobody will settle it.
                    switchboard.ended(call.ref(), "system restarted while dialling");
                }
                continue;
            }
            if (call.state() == CallState.RINGING && !Objects.equals(call.operator(), rings.get(call.id()))) {
                router.withdraw(call.id(), call.operator(), "routing lost the offer");
            }
            if (!routed.contains(call.id())) {
                router.on(new Call.Queued(call.id(), call.urgent(), call.language(), call.queuedAt()));
            }
        }
        Set<CallId> mentioned = new HashSet<>(routed);
        mentioned.addAll(state.dialled().keySet());
        state.seats().stream().map(RoutingState.Seat::call).filter(Objects::nonNull).forEach(mentioned::add);
        for (CallId call : mentioned) {
            calls.load(call).filter(c -> c.state() == CallState.ENDED)
                    .ifPresent(c -> router.decide(brain -> brain.ended(call, clock.instant())));
        }
    }

    @Override
    public void destroy() {
        restoring.shutdownNow();
    }
}
