package org.tiphotline.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallDirection;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.cluster.Leadership;

/**
 * Keeps the routing state in line with the call records while the lead stays where it is. A takeover restores
 * ({@link RoutingRestore#restore}), but a follower that dies between a call's record and its routing decision moves no
 * lead, and a decision can be lost with the routing state's unsynchronised commit: either would leave a caller
 * waiting whom routing never offers, or an operator "on a call" that has ended, and each call would then ring
 * fewer phones. The leader looks every {@code hotline.routing.repair-every} (10 s): a call waiting longer than that
 * which routing does not know is queued, and a call routing still holds whose record ended longer ago than that
 * is ended there. The wait keeps it clear of reports still on their way to a decision.
 */
@Service
public class RoutingRepair {

    private static final Logger log = LoggerFactory.getLogger(RoutingRepair.class);

    private final RoutingStore store;
    private final Calls calls;
    private final Router router;
    private final Leadership leadership;
    private final Clock clock;
    private final Duration every;

    public RoutingRepair(RoutingStore store, Calls calls, Router router, Leadership leadership, Clock clock,
            @Value("${hotline.routing.repair-every:10s}") Duration every) {
        if (every.isNegative() || every.isZero() || every.toMinutes() > 10) {
            throw new IllegalArgumentException("hotline.routing.repair-every must be between 1 ms and 10 min");
        }
        this.store = store;
        this.calls = calls;
        this.router = router;
        this.leadership = leadership;
        this.clock = clock;
        this.every = every;
    }

    @Scheduled(fixedDelayString = "${hotline.routing.repair-every:10s}",
            initialDelayString = "${hotline.routing.repair-every:10s}")
    public void scheduledRepair() {
        if (leadership.leads()) {
            try {
                repair();
            } catch (RuntimeException e) {
                // The database away, say: the next round tries again.
                log.warn("repairing the routing state failed: {}", e.toString());
            }
        }
    }

    /** One round; returns how many calls it repaired. */
    public int repair() {
        Instant settled = clock.instant().minus(every);
        RoutingState state = store.read();
        Set<CallId> held = new HashSet<>();
        state.queue().forEach(w -> held.add(w.call()));
        state.ringing().forEach(r -> held.add(r.call().call()));
        Set<CallId> known = new HashSet<>(held);
        known.addAll(state.dialled().keySet());
        state.seats().stream().map(RoutingState.Seat::call).filter(java.util.Objects::nonNull)
                .forEach(held::add);
        known.addAll(held);
        int repaired = 0;
        for (CallId id : calls.waitingSince(settled)) {
            if (known.contains(id)) {
                continue;
            }
            Call call = calls.load(id).orElse(null);
            // Dial-outs are the restore's to settle; a ringing record routing lost is withdrawn by the restore too.
            if (call != null && call.state() == CallState.QUEUED && call.direction() != CallDirection.CALLBACK) {
                log.info("routing repair: call {} waited unrouted since {}; queued", id.value(), call.queuedAt());
                router.on(new Call.Queued(call.id(), call.urgent(), call.language(), call.queuedAt()));
                repaired++;
            }
        }
        for (CallId id : calls.endedAmong(held, settled)) {
            Call call = calls.load(id).orElse(null);
            if (call != null) {
                log.info("routing repair: call {} ended but routing still held it; ended there", id.value());
                router.on(new Call.Ended(call.id(), call.outcome(), call.operator()));
                repaired++;
            }
        }
        return repaired;
    }
}
