package org.tiphotline.routing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/**
 * The routing state as the last decision, on whichever node, left it in PostgreSQL: what screens, alarms and
 * webhooks read. Apart from {@link Router}, which decides, so a reader never needs the decisions' machinery (or
 * their lock) to answer "where is this operator".
 */
@Service
public class RoutingView {

    /** Where an operator is and why, as the last decision left it (see {@link #seat}). */
    public record SeatNow(Presence presence, Instant since, AwayReason reason, StateCause cause, Long byUser) {}

    /** A snapshot for the supervisor's live view. */
    public record Snapshot(List<WaitingCall> waiting, List<Seat> operators) {

        public record WaitingCall(CallId call, boolean urgent, String language, Instant queuedAt) {}

        /** {@code reason}: why they are away (null otherwise); {@code setBy}: who made the last change. */
        public record Seat(OperatorId operator, Presence presence, Instant since, CallId call, AwayReason reason,
                StateCause.SetBy setBy) {}
    }

    private final RoutingSettings settings;
    private final RoutingStore store;

    public RoutingView(RoutingSettings settings, RoutingStore store) {
        this.settings = settings;
        this.store = store;
    }

    /** The operator's presence; AWAY when they never had a seat. */
    public Presence presence(OperatorId operator) {
        return store.presence(operator).orElse(Presence.AWAY);
    }

    /** Where the operator is and why; empty when they never had a seat. */
    public Optional<SeatNow> seat(OperatorId operator) {
        return store.seat(operator);
    }

    /**
     * Whether anyone seated could take a call (not away, phone connected): the question a caller who starts
     * waiting asks, without reading the whole state.
     */
    public boolean someoneCanAnswer() {
        return store.someoneCanAnswer();
    }

    /** Urgent calls that have waited in the queue since {@code cutoff} or earlier, oldest first. */
    public List<Snapshot.WaitingCall> urgentWaitingSince(Instant cutoff) {
        return store.urgentWaitingSince(cutoff).stream()
                .map(w -> new Snapshot.WaitingCall(w.call(), w.urgent(), w.language(), w.queuedAt())).toList();
    }

    /** The queue and every seat. */
    public Snapshot snapshot() {
        RoutingBrain brain = RoutingBrain.of(settings, store.read());
        return new Snapshot(
                brain.queue().stream()
                        .map(w -> new Snapshot.WaitingCall(w.call(), w.urgent(), w.language(), w.queuedAt())).toList(),
                brain.operators().stream()
                        .map(o -> new Snapshot.Seat(o.id(), o.presence(), o.since(), o.call(), o.why().reason(),
                                o.why().cause() == null ? null : o.why().cause().setBy())).toList());
    }
}
