package org.tiphotline.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.RoutingDecision.Offer;
import org.tiphotline.routing.RoutingDecision.Withdraw;
import org.tiphotline.routing.RoutingDecision.WrapUpOverdue;
import org.tiphotline.routing.RoutingState.Ring;
import org.tiphotline.routing.RoutingState.Waiting;
import org.tiphotline.routing.RoutingState.Why;

/**
 * The routing decisions, and nothing else: no I/O, no clock of its own, no threads, so every rule is
 * testable with plain values. Callers serialise access (see {@link Router}).
 *
 * <p>Rules: urgent calls before others, then oldest first. A call goes to an available operator who speaks
 * its language, longest idle first; a non-urgent call with no such operator waits up to the language wait,
 * then goes to any available operator; an urgent call never waits for a language. An offer not answered
 * within the offer timeout goes back to the queue at its old place and the silent operator becomes away. An
 * operator whose phone the provider reports unreachable is offered nothing until it is reachable again, and an
 * offer that failed for that reason is not held against them: they did not ignore a call.
 *
 * <p>Consults: a colleague asked by an operator on a call is reserved (on a call, cause {@code CONSULTED}, the
 * caller's call as theirs) so nothing is offered to them meanwhile. Only an available colleague whose phone can be
 * reached may be asked; asked by language, the longest idle speaker of it. A hand-over gives them the call and sends
 * the operator who asked to after-call work; a consult called off, or ended by the caller hanging up, returns them to
 * taking calls, at the end of the line (they just talked).
 */
final class RoutingBrain {

    /**
     * One change of an operator's state, as the state log keeps it: appended in the transaction of the decision
     * that made it ({@link RoutingStore}). {@code byUser}: the supervisor who set it, else null.
     */
    record StateChange(OperatorId operator, Presence presence, AwayReason reason, StateCause cause, Long byUser,
            Instant at) {}

    record OperatorView(OperatorId id, Presence presence, Instant since, CallId call, Why why) {}

    private static final Comparator<Waiting> PRIORITY = Comparator.comparing((Waiting w) -> !w.urgent())
            .thenComparing(Waiting::queuedAt);

    private final RoutingSettings settings;
    private final Map<CallId, Waiting> queue = new LinkedHashMap<>();
    private final Map<CallId, Ring> ringing = new HashMap<>();
    private final Map<OperatorId, Seat> seats = new HashMap<>();
    /** Calls the hotline dials out (callbacks) → the presence their operator had before; see {@link #dialling}. */
    private final Map<CallId, Presence> dialled = new HashMap<>();
    /** Operators whose phone the provider reported unreachable, whatever their presence. */
    private final java.util.Set<OperatorId> phoneless = new java.util.HashSet<>();
    /** The changes of state this brain made, in order: what the decision appends to the state log. */
    private final List<StateChange> changes = new ArrayList<>();

    private static final class Seat {
        final OperatorId id;
        List<String> languages;
        Presence presence = Presence.AWAY;
        Instant since;
        Instant idleSince;
        CallId call;
        Why why = Why.NONE;
        /** The supervisors were alerted that this after-call work ran past its maximum. */
        boolean overdue;

        Seat(OperatorId id, List<String> languages, Instant now) {
            this.id = id;
            this.languages = languages;
            this.since = now;
            this.idleSince = now;
        }
    }

    RoutingBrain(RoutingSettings settings) {
        this.settings = settings;
    }

    RoutingState state() {
        return new RoutingState(List.copyOf(queue.values()),
                List.copyOf(ringing.values()),
                seats.values().stream().map(s -> new RoutingState.Seat(s.id, List.copyOf(s.languages), s.presence,
                        s.since, s.idleSince, s.call, s.why, s.overdue)).toList(),
                Map.copyOf(dialled), java.util.Set.copyOf(phoneless));
    }

    /** A brain that continues from {@code state}, as the decision before left it (on this node or another). */
    static RoutingBrain of(RoutingSettings settings, RoutingState state) {
        RoutingBrain brain = new RoutingBrain(settings);
        state.queue().forEach(w -> brain.queue.put(w.call(), w));
        state.ringing().forEach(r -> brain.ringing.put(r.call().call(), r));
        for (RoutingState.Seat s : state.seats()) {
            Seat seat = new Seat(s.id(), List.copyOf(s.languages()), s.since());
            seat.presence = s.presence();
            seat.idleSince = s.idleSince();
            seat.call = s.call();
            seat.why = s.why() == null ? Why.NONE : s.why();
            seat.overdue = s.overdue();
            brain.seats.put(s.id(), seat);
        }
        brain.dialled.putAll(state.dialled());
        brain.phoneless.addAll(state.phoneless());
        return brain;
    }

    List<RoutingDecision> enqueue(Waiting call, Instant now) {
        if (!ringing.containsKey(call.call())) {
            queue.put(call.call(), call);
        }
        return dispatch(now);
    }

    /** The operator chose AVAILABLE or AWAY (no reason given). Returns what follows from it. */
    List<RoutingDecision> setPresence(OperatorId operator, List<String> languages, Presence wanted, Instant now) {
        return setPresence(operator, languages, wanted, Why.of(StateCause.CHOSEN), now);
    }

    /**
     * AVAILABLE or AWAY, for the reason and by whom {@code why} says (the operator, the system when their console
     * closed). A reason other than the one they are away for is a change too. Returns what follows from it.
     */
    List<RoutingDecision> setPresence(OperatorId operator, List<String> languages, Presence wanted, Why why,
            Instant now) {
        if (wanted != Presence.AVAILABLE && wanted != Presence.AWAY) {
            throw new IllegalArgumentException("an operator can only choose AVAILABLE or AWAY");
        }
        Seat seat = seats.computeIfAbsent(operator, id -> new Seat(id, languages, now));
        seat.languages = List.copyOf(languages);
        List<RoutingDecision> decisions = new ArrayList<>();
        if (seat.call != null && dialled.containsKey(seat.call)) {
            // Dialling out: the phone rings for the callback whatever is chosen now; the choice holds once it is over.
            dialled.put(seat.call, wanted);
            return dispatch(now);
        }
        if (seat.presence == Presence.ON_CALL) {
            throw new IllegalStateException("an operator on a call cannot change presence until it ends");
        }
        if (seat.presence == Presence.RINGING) {
            if (wanted == Presence.AWAY) {
                decisions.add(requeueRinging(seat.call, now, false));
                move(seat, Presence.AWAY, null, now, why);
            }
        } else {
            Presence next = wanted == Presence.AVAILABLE && phoneless.contains(operator)
                    ? Presence.PHONE_NOT_CONNECTED : wanted;
            Why chosen = wanted == Presence.AWAY ? why : new Why(null, why.cause(), why.byUser());
            if (seat.presence != next || !java.util.Objects.equals(seat.why.reason(), chosen.reason())) {
                if (wanted == Presence.AVAILABLE && seat.presence != next) {
                    seat.idleSince = now;
                }
                move(seat, next, null, now, chosen);
            }
        }
        decisions.addAll(dispatch(now));
        return decisions;
    }

    List<RoutingDecision> wrapUpDone(OperatorId operator, Instant now) {
        seat(operator).filter(s -> s.presence == Presence.WRAP_UP).ifPresent(s -> {
            s.idleSince = now;
            ready(s, now, StateCause.REPORT_SUBMITTED);
        });
        return dispatch(now);
    }

    /**
     * Who has submitted their report of a call, read when the call ends for someone on it. Routing decides the
     * providers' reports on a thread of its own, so the submission may come before the answer and the end are
     * decided: {@link #wrapUpDone} then finds them on the call, or still ringing, and changes nothing. The store reads it
     * from the reports under the routing lock; none by default (the brain's tests set their own).
     */
    void reportsSubmitted(java.util.function.Function<CallId, java.util.Set<OperatorId>> lookup) {
        this.submittedReports = lookup;
    }

    private java.util.function.Function<CallId, java.util.Set<OperatorId>> submittedReports =
            call -> java.util.Set.of();

    /** The call the seat talked on is over for them: after-call work, unless its report is already submitted. */
    private void afterCall(Seat seat, CallId call, Instant now, StateCause cause) {
        if (submittedReports.apply(call).contains(seat.id)) {
            seat.idleSince = now;
            ready(seat, now, StateCause.REPORT_SUBMITTED);
        } else {
            move(seat, Presence.WRAP_UP, null, now, cause);
        }
    }

    /**
     * A console of the operator opened again. Away only because their last console closed, and that less than
     * {@code window} ago, they take calls again (or wait for their phone, if it is not connected). The check is made
     * here, under the routing lock, because another node may have changed the seat since the caller looked.
     */
    List<RoutingDecision> consoleBack(OperatorId operator, List<String> languages, Instant now, Duration window) {
        Seat seat = seats.get(operator);
        if (seat == null || seat.presence != Presence.AWAY || seat.why.cause() != StateCause.CONSOLE_CLOSED
                || seat.since.isBefore(now.minus(window))) {
            return List.of();
        }
        return setPresence(operator, languages, Presence.AVAILABLE, Why.of(StateCause.CONSOLE_BACK), now);
    }

    /**
     * A supervisor sets the operator away for {@code reason}. Refused (false, nothing changes) while they ring or
     * talk, a dial-out for them included: the call in hand is theirs to finish.
     */
    boolean setAwayBySupervisor(OperatorId operator, List<String> languages, AwayReason reason, long supervisor,
            Instant now) {
        Seat seat = seats.computeIfAbsent(operator, id -> new Seat(id, languages, now));
        if (seat.presence == Presence.RINGING || seat.presence == Presence.ON_CALL
                || seat.call != null && dialled.containsKey(seat.call)) {
            return false;
        }
        if (seat.presence != Presence.AWAY || seat.why.reason() != reason) {
            move(seat, Presence.AWAY, null, now, new Why(reason, StateCause.SUPERVISOR, supervisor));
        }
        return true;
    }

    /**
     * The provider learned whether the operator's phone can be reached. An unreachable phone takes an available
     * operator out of the pool (a ringing one is settled by the failed offer's own report); a reachable one puts
     * them back as they chose.
     */
    List<RoutingDecision> phoneReachable(OperatorId operator, boolean reachable, Instant now) {
        if (reachable ? !phoneless.remove(operator) : !phoneless.add(operator)) {
            return List.of();
        }
        seat(operator).ifPresent(s -> {
            if (!reachable && s.presence == Presence.AVAILABLE) {
                move(s, Presence.PHONE_NOT_CONNECTED, null, now, StateCause.PHONE_UNREACHABLE);
            } else if (reachable && s.presence == Presence.PHONE_NOT_CONNECTED) {
                move(s, Presence.AVAILABLE, null, now, StateCause.PHONE_REACHABLE);
            }
        });
        return dispatch(now);
    }

    /** The provider confirmed the operator answered. */
    void answered(CallId call, OperatorId operator, Instant now) {
        dialled.remove(call);
        Ring ring = ringing.remove(call);
        queue.remove(call);
        if (ring != null && !ring.operator().equals(operator)) {
            seat(ring.operator()).ifPresent(s -> ready(s, now, StateCause.ANSWERED));
        }
        Seat seat = seats.computeIfAbsent(operator, id -> new Seat(id, List.of(), now));
        move(seat, Presence.ON_CALL, call, now, StateCause.ANSWERED);
    }

    /**
     * The offer failed (no answer, busy): the call waits again, the operator is set away; unless their phone is
     * known to be unreachable, which is no fault of theirs: they wait for it instead.
     */
    List<RoutingDecision> unanswered(CallId call, OperatorId operator, Instant now) {
        Ring ring = ringing.get(call);
        if (ring == null || !ring.operator().equals(operator)) {
            return dispatch(now);
        }
        ringing.remove(call);
        queue.put(call, ring.call());
        seat(operator).ifPresent(s -> move(s, phoneless.contains(operator) ? Presence.PHONE_NOT_CONNECTED
                : Presence.AWAY, null, now, StateCause.OFFER_UNANSWERED));
        return dispatch(now);
    }

    /** The call is over, however it ended. */
    List<RoutingDecision> ended(CallId call, Instant now) {
        queue.remove(call);
        Ring ring = ringing.remove(call);
        if (ring != null) {
            // The caller hung up while it rang: the operator did no work and keeps their place in line.
            seat(ring.operator()).ifPresent(s -> ready(s, now, StateCause.CALL_ENDED));
        }
        Presence beforeDialling = dialled.remove(call);
        for (Seat seat : seats.values()) {
            if (consulting(seat, call)) {
                // Asked about a call whose caller hung up: the colleague did no call of their own.
                seat.idleSince = now;
                ready(seat, now, StateCause.CALL_ENDED);
            } else if (call.equals(seat.call) && seat.presence == Presence.ON_CALL) {
                afterCall(seat, call, now, StateCause.CALL_ENDED);
            } else if (call.equals(seat.call) && beforeDialling != null) {
                // A callback nobody answered: the operator did no call and is as they were before taking it.
                if (beforeDialling == Presence.AVAILABLE) {
                    seat.idleSince = now;
                    ready(seat, now, StateCause.DIALLING);
                } else {
                    move(seat, beforeDialling, null, now, StateCause.DIALLING);
                }
            }
        }
        return dispatch(now);
    }

    /**
     * The hotline dials out for this operator (a callback they took): their phone rings for {@code call}, so no
     * incoming call is offered to them until it is answered (then they are on a call) or ends (then they are as
     * before). Refused when they are ringing or on a call already. The provider, not the offer timeout, decides
     * when nobody answered.
     */
    boolean dialling(OperatorId operator, List<String> languages, CallId call, Instant now) {
        Seat seat = seats.computeIfAbsent(operator, id -> new Seat(id, languages, now));
        if (seat.presence == Presence.RINGING || seat.presence == Presence.ON_CALL) {
            return false;
        }
        dialled.put(call, seat.presence);
        move(seat, Presence.RINGING, call, now, StateCause.DIALLING);
        return true;
    }

    /**
     * The colleague an operator may ask on {@code call}: {@code wanted} if they are available and their phone can be
     * reached, else empty; with {@code wanted} null, the available speaker of {@code language} idle the longest.
     * Nobody is ever their own colleague.
     */
    Optional<OperatorId> colleagueFor(OperatorId asking, OperatorId wanted, String language) {
        return seats.values().stream().filter(s -> s.presence == Presence.AVAILABLE && !s.id.equals(asking))
                .filter(s -> wanted != null ? s.id.equals(wanted) : language != null && s.languages.contains(language))
                .min(Comparator.comparing((Seat s) -> s.idleSince).thenComparing(s -> s.id.value()))
                .map(s -> s.id);
    }

    /**
     * Reserves {@code colleague} for a consult on {@code call}, which {@code asking} talks on. Refused (false, nothing
     * changes) unless the asker is on that call and the colleague can be asked ({@link #colleagueFor}).
     */
    boolean consulted(CallId call, OperatorId asking, OperatorId colleague, Instant now) {
        // Still ringing for it here when routing has not yet decided the answer the call's record already holds.
        Optional<Seat> asker = seat(asking).filter(s -> call.equals(s.call)
                && (s.presence == Presence.ON_CALL || s.presence == Presence.RINGING));
        if (asker.isEmpty() || colleagueFor(asking, colleague, null).isEmpty()
                || seats.values().stream().anyMatch(s -> consulting(s, call))) {
            return false;
        }
        move(seats.get(colleague), Presence.ON_CALL, call, now, StateCause.CONSULTED);
        return true;
    }

    /** The consult on {@code call} is over without a hand-over: the colleague takes calls again. */
    List<RoutingDecision> consultEnded(CallId call, Instant now) {
        for (Seat seat : seats.values()) {
            if (consulting(seat, call)) {
                seat.idleSince = now;
                ready(seat, now, StateCause.CONSULT_ENDED);
            }
        }
        return dispatch(now);
    }

    /**
     * A warm transfer of {@code call} to the colleague consulted on it: the call is theirs, and whoever else was on
     * it goes to after-call work. Nothing changes (false) when no colleague is consulted on it.
     */
    boolean handedOver(CallId call, OperatorId colleague, Instant now) {
        Optional<Seat> to = seat(colleague).filter(s -> consulting(s, call));
        if (to.isEmpty()) {
            return false;
        }
        for (Seat seat : seats.values()) {
            if (call.equals(seat.call) && seat.presence == Presence.ON_CALL && !seat.id.equals(colleague)) {
                afterCall(seat, call, now, StateCause.HANDED_OVER);
            }
        }
        move(to.get(), Presence.ON_CALL, call, now, StateCause.HANDED_OVER);
        return true;
    }

    private static boolean consulting(Seat seat, CallId call) {
        return call.equals(seat.call) && seat.presence == Presence.ON_CALL
                && seat.why.cause() == StateCause.CONSULTED;
    }

    /**
     * Offers that rang too long are withdrawn; waiting calls whose language wait expired can now go anywhere;
     * after-call work past its maximum ends, or is reported once to the supervisors (see {@link RoutingSettings}).
     */
    List<RoutingDecision> tick(Instant now) {
        List<RoutingDecision> decisions = new ArrayList<>();
        for (Ring ring : List.copyOf(ringing.values())) {
            if (!ring.since().plus(settings.offerTimeout()).isAfter(now)) {
                decisions.add(requeueRinging(ring.call().call(), now, true));
                seat(ring.operator()).ifPresent(s -> move(s, Presence.AWAY, null, now, StateCause.OFFER_UNANSWERED));
            }
        }
        if (settings.wrapUpLimited()) {
            for (Seat seat : List.copyOf(seats.values())) {
                if (seat.presence != Presence.WRAP_UP || seat.since.plus(settings.wrapUpMax()).isAfter(now)) {
                    continue;
                }
                if (settings.wrapUpOverdue() == RoutingSettings.WrapUpOverdue.AVAILABLE) {
                    seat.idleSince = now;
                    ready(seat, now, StateCause.WRAP_UP_MAXIMUM);
                } else if (!seat.overdue) {
                    seat.overdue = true;
                    decisions.add(new WrapUpOverdue(seat.id, seat.since));
                }
            }
        }
        decisions.addAll(dispatch(now));
        return decisions;
    }

    List<Waiting> queue() {
        return queue.values().stream().sorted(PRIORITY).toList();
    }

    List<OperatorView> operators() {
        return seats.values().stream().map(s -> new OperatorView(s.id, s.presence, s.since, s.call, s.why))
                .toList();
    }

    Optional<Presence> presence(OperatorId operator) {
        return seat(operator).map(s -> s.presence);
    }

    private Withdraw requeueRinging(CallId call, Instant now, boolean rangOut) {
        Ring ring = ringing.remove(call);
        queue.put(call, ring.call());
        return new Withdraw(call, ring.operator(), rangOut);
    }

    private List<RoutingDecision> dispatch(Instant now) {
        List<RoutingDecision> offers = new ArrayList<>();
        for (Waiting call : queue()) {
            List<Seat> free = seats.values().stream().filter(s -> s.presence == Presence.AVAILABLE).toList();
            if (free.isEmpty()) {
                break;
            }
            // No language (the IVR did not ask): no speakers. Immutable lists throw on contains(null).
            List<Seat> speakers = call.language() == null ? List.of()
                    : free.stream().filter(s -> s.languages.contains(call.language())).toList();
            boolean mayGoAnywhere = call.urgent() || call.language() == null
                    || !Duration.between(call.queuedAt(), now).minus(settings.languageWait()).isNegative();
            List<Seat> pool = !speakers.isEmpty() ? speakers : mayGoAnywhere ? free : List.of();
            pool.stream().min(Comparator.comparing((Seat s) -> s.idleSince).thenComparing(s -> s.id.value()))
                    .ifPresent(seat -> {
                        queue.remove(call.call());
                        ringing.put(call.call(), new Ring(call, seat.id, now));
                        move(seat, Presence.RINGING, call.call(), now, StateCause.OFFERED);
                        offers.add(new Offer(call.call(), seat.id));
                    });
        }
        return offers;
    }

    private Optional<Seat> seat(OperatorId id) {
        return Optional.ofNullable(seats.get(id));
    }

    /** The changes of state this brain made since it was made from the stored state, in order. */
    List<StateChange> changes() {
        return List.copyOf(changes);
    }

    /** Back to taking calls, if their phone lets them. */
    private void ready(Seat seat, Instant now, StateCause cause) {
        move(seat, phoneless.contains(seat.id) ? Presence.PHONE_NOT_CONNECTED : Presence.AVAILABLE, null, now, cause);
    }

    private void move(Seat seat, Presence presence, CallId call, Instant now, StateCause cause) {
        move(seat, presence, call, now, Why.of(cause));
    }

    /** Every change of presence (or of the reason for being away) is logged; a new call at the same presence is not. */
    private void move(Seat seat, Presence presence, CallId call, Instant now, Why why) {
        boolean changed = seat.presence != presence || !java.util.Objects.equals(seat.why.reason(), why.reason());
        seat.presence = presence;
        seat.call = call;
        seat.since = now;
        seat.why = why;
        seat.overdue = false;
        if (changed) {
            changes.add(new StateChange(seat.id, presence, why.reason(), why.cause(), why.byUser(), now));
        }
    }
}
