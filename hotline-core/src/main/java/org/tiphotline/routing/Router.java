package org.tiphotline.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.telephony.TelephonyPorts;

/**
 * Runs the {@link RoutingBrain} for every provider: feeds it the facts about calls and operators, records
 * its offers through the {@link Switchboard}, and sends the resulting commands to the providers' ports on a
 * separate executor, so a slow PBX never holds up a routing decision.
 */
@Service
public class Router implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /**
     * An operator's presence (or the reason they are away) changed, by their choice, a supervisor's or the routing
     * rules: {@code cause} says which, {@code byUser} the supervisor who set it (else null), {@code since} when.
     */
    public record PresenceChanged(OperatorId operator, Presence presence, AwayReason reason, StateCause cause,
            Long byUser, Instant since) {

        public PresenceChanged(OperatorId operator, Presence presence) {
            this(operator, presence, null, null, null, null);
        }
    }

    /**
     * An operator's after-call work ran past {@code hotline.routing.wrap-up-max} and they stay in it (the setting
     * says so): the supervisors are alerted. Published once, on the leading node.
     */
    public record WrapUpOverdue(OperatorId operator, Instant since) {}

    /** The queue or any operator's presence changed: supervisors' live views refresh on it. */
    public record QueueChanged() {}

    /** How the reason of an offer withdrawn here starts: it rang out (not a provider's busy or failed report). */
    private static final String RANG_OUT_REASON = "no answer within ";
    /** How many times (a second apart) a provider's report is decided before routing gives up on it. */
    private static final int REPORT_ATTEMPTS = 60;
    /** The reason of an offer withdrawn because the operator chose away while it rang. */
    private static final String WENT_AWAY_REASON = "operator went away while it rang";

    /** Why an offer went unanswered, for the operator's screen. */
    public enum Unanswered {
        /** It rang for the whole offer timeout: the operator was set away. */
        RANG_OUT,
        /** The operator chose away while it rang. */
        WENT_AWAY,
        /** The provider could not reach the operator's phone (busy, failed, unreachable). */
        NOT_REACHED;

        public static Unanswered of(String reason) {
            return reason != null && reason.startsWith(RANG_OUT_REASON) ? RANG_OUT
                    : WENT_AWAY_REASON.equals(reason) ? WENT_AWAY : NOT_REACHED;
        }
    }

    private final RoutingStore store;
    private final Switchboard switchboard;
    private final Calls calls;
    private final Operators operators;
    private final TelephonyPorts ports;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final RoutingSettings settings;
    private final Leadership leadership;
    private final ExecutorService commands = Executors.newVirtualThreadPerTaskExecutor();
    /** Where providers' reports are decided, in order; see {@link #reported}. */
    private final ExecutorService reports = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("routing-reports").daemon().factory());

    public Router(RoutingSettings settings, RoutingStore store, Switchboard switchboard, Calls calls,
            Operators operators, TelephonyPorts ports, ApplicationEventPublisher events, Clock clock,
            Leadership leadership) {
        this.store = store;
        this.settings = settings;
        this.switchboard = switchboard;
        this.calls = calls;
        this.operators = operators;
        this.ports = ports;
        this.events = events;
        this.clock = clock;
        this.leadership = leadership;
    }

    /** The operator's own choice of AVAILABLE or AWAY, with no reason given. */
    public Presence setPresence(OperatorId operator, Presence wanted) {
        return setPresence(operator, wanted, null);
    }

    /** The operator's own choice of AVAILABLE or AWAY ({@code reason}: why they are away; null for none). */
    public Presence setPresence(OperatorId operator, Presence wanted, AwayReason reason) {
        return set(operator, wanted, new RoutingState.Why(reason, StateCause.CHOSEN, null));
    }

    /**
     * Nobody watches for calls on the operator's console (its last tab closed, they were signed out): away, set by
     * the system, if they could be offered a call; otherwise as they are.
     */
    public void consoleClosed(OperatorId operator) {
        away(operator, StateCause.CONSOLE_CLOSED);
    }

    /** Signed out everywhere: away as {@link #consoleClosed}, and a console opened later does not undo it. */
    public void signedOut(OperatorId operator) {
        away(operator, StateCause.SIGNED_OUT);
    }

    private void away(OperatorId operator, StateCause cause) {
        Presence now = store.presence(operator).orElse(Presence.AWAY);
        if (now == Presence.AVAILABLE || now == Presence.RINGING || now == Presence.PHONE_NOT_CONNECTED) {
            set(operator, Presence.AWAY, RoutingState.Why.of(cause));
        }
    }

    /**
     * A console of the operator opened: a tab, or a console coming back by itself after its live channel dropped (a
     * broker restart, a network blip, a node going). Set away by their last console closing less than
     * {@code hotline.routing.console-return} ago, they take calls again as before; anything else stays as it is.
     */
    public void consoleOpened(OperatorId operator) {
        if (settings.consoleReturn().isZero() || store.seat(operator)
                .filter(s -> s.presence() == Presence.AWAY && s.cause() == StateCause.CONSOLE_CLOSED).isEmpty()) {
            return;
        }
        Operator who = operators.byId(operator).orElse(null);
        if (who != null) {
            decide(brain -> brain.consoleBack(operator, who.languages(), clock.instant(), settings.consoleReturn()));
        }
    }

    /**
     * A supervisor ({@code supervisor}: their user id) sets the operator away for {@code reason}. Refused
     * (IllegalStateException, with words for the supervisor) while the operator rings or talks.
     */
    public void setAwayBySupervisor(OperatorId operator, AwayReason reason, long supervisor) {
        setAwayBySupervisor(operator, reason, supervisor, before -> { });
    }

    /**
     * As {@link #setAwayBySupervisor(OperatorId, AwayReason, long)}; {@code inDecision} is given the presence the
     * operator had and runs in the decision's transaction once it is accepted (the audit row), so the change and
     * its record commit together or not at all.
     */
    public void setAwayBySupervisor(OperatorId operator, AwayReason reason, long supervisor,
            java.util.function.Consumer<Presence> inDecision) {
        Operator who = operators.byId(operator).orElseThrow(() -> new IllegalArgumentException("unknown operator"));
        boolean[] set = {false};
        decide(brain -> {
            Presence before = brain.presence(operator).orElse(Presence.AWAY);
            set[0] = brain.setAwayBySupervisor(operator, who.languages(), reason, supervisor, clock.instant());
            if (set[0]) {
                inDecision.accept(before);
            }
            return List.of();
        });
        if (!set[0]) {
            throw new IllegalStateException(who.displayName()
                    + " is ringing or on a call: they can be set away once the call is over");
        }
    }

    private Presence set(OperatorId operator, Presence wanted, RoutingState.Why why) {
        Operator who = operators.byId(operator).orElseThrow(() -> new IllegalArgumentException("unknown operator"));
        log.debug("operator {} to be {} ({})", operator, wanted, why.cause());
        decide(brain -> brain.setPresence(operator, who.languages(), wanted, why, clock.instant()));
        return store.presence(operator).orElse(Presence.AWAY);
    }

    /**
     * A provider learned whether an operator's phone can be reached ({@code username} as in the provider's
     * endpoint settings). Operators whose phone is unreachable are offered no call until it is back.
     */
    public void phoneReachable(String username, boolean reachable) {
        operators.byUsername(username).ifPresent(who -> {
            log.info("phone of operator {} is {}", who.id(), reachable ? "reachable" : "not connected");
            decide(brain -> brain.phoneReachable(who.id(), reachable, clock.instant()));
        });
    }

    /**
     * The hotline is about to dial out for the operator (a callback): they are offered no incoming call until it
     * is over. Refused (IllegalStateException) when they are ringing or on a call.
     */
    public void dialling(OperatorId operator, CallId call) {
        Operator who = operators.byId(operator).orElseThrow(() -> new IllegalArgumentException("unknown operator"));
        if (!reserve(who, call) && !(settledEndedCallOf(operator) && reserve(who, call))) {
            throw new IllegalStateException("the operator is ringing or on a call: finish it before calling back");
        }
    }

    private boolean reserve(Operator who, CallId call) {
        boolean[] reserved = {false};
        decide(brain -> {
            reserved[0] = brain.dialling(who.id(), who.languages(), call, clock.instant());
            return List.of();
        });
        return reserved[0];
    }

    /**
     * The call routing holds the operator on may already be over in its record, its end not yet decided by the
     * routing thread (the console is told of the end at once): settled now, as {@link RoutingRepair} would later.
     */
    private boolean settledEndedCallOf(OperatorId operator) {
        return store.read().seats().stream().filter(s -> s.id().equals(operator) && s.call() != null).findFirst()
                .flatMap(s -> calls.load(s.call())).filter(c -> c.state() == CallState.ENDED).map(c -> {
                    decide(brain -> brain.ended(c.id(), clock.instant()));
                    return true;
                }).orElse(false);
    }

    /**
     * Reserves a colleague for {@code asking}'s consult on {@code call}: {@code colleague}, or with null the longest
     * idle available speaker of {@code language}. Returns who was reserved; empty when nobody can be asked (the
     * colleague is not available, nobody available speaks it, or the asker is not on that call). The rules are
     * {@link RoutingBrain#colleagueFor} and {@link RoutingBrain#consulted}.
     */
    public java.util.Optional<OperatorId> consulting(CallId call, OperatorId asking, OperatorId colleague,
            String language) {
        OperatorId[] reserved = {null};
        decide(brain -> {
            brain.colleagueFor(asking, colleague, language).filter(c -> brain.consulted(call, asking, c,
                    clock.instant())).ifPresent(c -> reserved[0] = c);
            return List.of();
        });
        return java.util.Optional.ofNullable(reserved[0]);
    }

    /** The consult on {@code call} is over without a hand-over (called off, or it could not be made). */
    public void consultEnded(CallId call) {
        decide(brain -> brain.consultEnded(call, clock.instant()));
    }

    /** A warm transfer: {@code call} is the consulted {@code colleague}'s, the one who asked goes to after-call work. */
    public boolean handedOver(CallId call, OperatorId colleague) {
        boolean[] done = {false};
        decide(brain -> {
            done[0] = brain.handedOver(call, colleague, clock.instant());
            return List.of();
        });
        return done[0];
    }

    /** A dial-out reserved with {@link #dialling} could not be made: the operator is as before. */
    public void notDialled(CallId call) {
        decide(brain -> brain.ended(call, clock.instant()));
    }

    /**
     * A provider's report that routing acts on (queued, answered, unanswered, ended), decided on this node's routing
     * thread instead of the reporting one. The report's record is committed when it is published, and nothing the
     * provider is answered depends on the decision (a caller is moved to an operator by a command afterwards), so
     * a Twilio webhook, a FastAGI command or the AMI event thread no longer waits for the routing lock and its
     * four round trips: that was most of the difference between the webhooks that route and those that only store
     * (docs/benchmarks.md, issue 19 item 5). One thread, so this node's reports are decided in the order they were
     * published. A node that dies with reports not yet decided leaves them to the takeover's
     * {@link RoutingRestore#restore} if it led, else to the leader's {@link RoutingRepair}, as a death between a
     * record's commit and its decision always did.
     */
    @EventListener
    void reported(Call.Event event) {
        Runnable step = switch (event) {
            case Call.Queued queued -> () -> on(queued);
            case Call.Answered answered -> () -> on(answered);
            case Call.OfferUnanswered unanswered -> () -> on(unanswered);
            case Call.Ended ended -> () -> on(ended);
            default -> null;
        };
        if (step != null) {
            reports.execute(() -> decideReported(step));
        }
    }

    /**
     * Tries again while the database is away (every decision fails then, so waiting keeps the reports in order);
     * gives up after {@link #REPORT_ATTEMPTS} seconds, leaving the call to the next restore.
     */
    private void decideReported(Runnable step) {
        for (int attempt = 1;; attempt++) {
            try {
                step.run();
                return;
            } catch (RuntimeException e) {
                if (attempt >= REPORT_ATTEMPTS) {
                    log.warn("routing gave up on a provider's report after {} attempts: {}", attempt, e.toString());
                    return;
                }
                log.debug("routing a provider's report failed, again in 1 s: {}", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public void on(Call.Queued queued) {
        decide(brain -> brain.enqueue(new RoutingState.Waiting(queued.call(), queued.urgent(), queued.language(),
                queued.queuedAt()), clock.instant()));
    }

    public void on(Call.Answered answered) {
        decide(brain -> {
            brain.answered(answered.call(), answered.operator(), clock.instant());
            return List.of();
        });
    }

    public void on(Call.OfferUnanswered unanswered) {
        decide(brain -> brain.unanswered(unanswered.call(), unanswered.operator(), clock.instant()));
    }

    public void on(Call.Ended ended) {
        decide(brain -> brain.ended(ended.call(), clock.instant()));
    }

    /** A submitted report ends the operator's wrap-up: they are ready for the next call. */
    @EventListener
    public void on(org.tiphotline.intake.HotlineReport.Submitted submitted) {
        decide(brain -> brain.wrapUpDone(submitted.operator(), clock.instant()));
    }

    /** Offers that rang out and language waits that expired: the leading node's work. */
    @Scheduled(fixedDelayString = "${hotline.routing.tick:500ms}")
    public void scheduledTick() {
        if (leadership.leads()) {
            tick();
        }
    }

    public void tick() {
        decide(brain -> brain.tick(clock.instant()));
    }

    @Override
    public void destroy() {
        // A clean stop (a rolling upgrade) decides the reports already published before the node goes.
        reports.shutdown();
        try {
            if (!reports.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                reports.shutdownNow();
            }
        } catch (InterruptedException e) {
            reports.shutdownNow();
            Thread.currentThread().interrupt();
        }
        commands.close();
    }

    /**
     * The brain decides under the routing lock, on the state the last decision left in PostgreSQL (on this node or
     * the other), and the state it leaves is committed before the lock is released: the reservation of an
     * operator for an offer is durable before the offer is recorded, so no other node can give them a second call
     * or the call a second operator. The decisions' durable records (an offer's OFFERED commit, a withdrawal's
     * NO_ANSWER) are made after it is released; a caller who hangs up in between is caught by the record's own
     * row lock (the offer is then refused and the brain told). Committing those records under the lock made every
     * webhook and AMI event that reached routing wait for the other calls' commits, one fsync at a time: at 200
     * concurrent calls, Twilio's queued webhook waited 2.2 s at p99 (docs/benchmarks.md, end to end); the routing
     * state's own commit does not wait for the disk (see {@link RoutingStore}).
     *
     * <p>The node's own monitor keeps this node's threads from each holding a pooled connection while they wait
     * for the lock, and publishes presence changes in the order they were decided.
     */
    void decide(Function<RoutingBrain, List<RoutingDecision>> step) {
        List<RoutingDecision> decisions;
        synchronized (this) {
            RoutingStore.Step<List<RoutingDecision>> done = store.underLock(settings, step);
            decisions = done.result();
            publishChanges(done.before(), done.after());
        }
        for (RoutingDecision decision : decisions) {
            log.debug("routing decision {}", decision);
            switch (decision) {
                case RoutingDecision.Offer offer -> offer(offer);
                case RoutingDecision.Withdraw withdraw -> withdraw(withdraw);
                case RoutingDecision.WrapUpOverdue overdue ->
                    events.publishEvent(new WrapUpOverdue(overdue.operator(), overdue.since()));
            }
        }
    }

    private void offer(RoutingDecision.Offer offer) {
        if (!switchboard.offered(offer.call(), offer.operator())) {
            // The caller hung up between the decision and the offer: the operator is free for the next one.
            decide(brain -> brain.ended(offer.call(), clock.instant()));
            return;
        }
        Call call = calls.load(offer.call()).orElseThrow();
        Operator operator = operators.byId(offer.operator()).orElseThrow();
        commands.execute(() -> {
            try {
                ports.of(call.ref().provider()).connect(call.ref(), operator);
            } catch (RuntimeException e) {
                log.warn("connecting call {} to operator {} failed", call.id(), operator.id(), e);
                switchboard.noAnswer(call.ref(), operator.id(), "connect failed");
            }
        });
    }

    private void withdraw(RoutingDecision.Withdraw withdraw) {
        withdraw(withdraw.call(), withdraw.operator(), withdraw.rangOut()
                ? RANG_OUT_REASON + settings.offerTimeout().toSeconds() + " s" : WENT_AWAY_REASON);
    }

    /** Records the offer unanswered and stops the operator's phone ringing for it. */
    void withdraw(CallId id, OperatorId to, String reason) {
        if (switchboard.offerTimedOut(id, to, reason)) {
            Call call = calls.load(id).orElseThrow();
            operators.byId(to).ifPresent(operator -> commands.execute(() -> {
                try {
                    ports.of(call.ref().provider()).withdraw(call.ref(), operator);
                } catch (RuntimeException e) {
                    log.warn("withdrawing call {} from operator {} failed", call.id(), operator.id(), e);
                }
            }));
        }
    }

    private static Map<OperatorId, RoutingState.Seat> seats(RoutingState state) {
        return state.seats().stream().collect(Collectors.toMap(RoutingState.Seat::id, Function.identity()));
    }

    private void publishChanges(RoutingState before, RoutingState after) {
        Map<OperatorId, RoutingState.Seat> was = seats(before);
        seats(after).forEach((id, seat) -> {
            RoutingState.Seat old = was.get(id);
            if (old == null || old.presence() != seat.presence()
                    || !java.util.Objects.equals(old.why().reason(), seat.why().reason())) {
                events.publishEvent(new PresenceChanged(id, seat.presence(), seat.why().reason(), seat.why().cause(),
                        seat.why().byUser(), seat.since()));
            }
        });
        events.publishEvent(new QueueChanged());
    }
}
