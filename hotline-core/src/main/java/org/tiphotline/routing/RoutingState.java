package org.tiphotline.routing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/**
 * Everything {@link RoutingBrain} knows, as plain values: what {@link Router} keeps in PostgreSQL between two
 * decisions, so any node can take the next one. {@code queue} in arrival order; {@code dialled}: calls the hotline
 * dials out (callbacks) → the presence their operator had before; {@code phoneless}: operators whose phone the
 * provider reported unreachable, whatever their presence.
 */
record RoutingState(List<Waiting> queue, List<Ring> ringing, List<Seat> seats, Map<CallId, Presence> dialled,
        Set<OperatorId> phoneless) {

    /** A call in the queue. */
    record Waiting(CallId call, boolean urgent, String language, Instant queuedAt) {}

    /** An offer: the call, whom it rings, since when. */
    record Ring(Waiting call, OperatorId operator, Instant since) {}

    /** An operator's seat. {@code overdue}: the supervisors were alerted that this after-call work ran too long. */
    record Seat(OperatorId id, List<String> languages, Presence presence, Instant since, Instant idleSince,
            CallId call, Why why, boolean overdue) {

        Seat(OperatorId id, List<String> languages, Presence presence, Instant since, Instant idleSince,
                CallId call) {
            this(id, languages, presence, since, idleSince, call, Why.NONE, false);
        }
    }

    /** Why an operator's state is what it is: kept beside their presence, for their screen and the floor. */
    record Why(AwayReason reason, StateCause cause, Long byUser) {

        static final Why NONE = new Why(null, null, null);

        static Why of(StateCause cause) {
            return new Why(null, cause, null);
        }
    }
}
