package org.tiphotline.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.tiphotline.db.Tables.OPERATOR_STATE_EVENT;
import static org.tiphotline.db.Tables.ROUTING_OPERATOR;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.telephony.TelephonyPorts;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * Operators' states with reasons (issue 20): every change of state is appended to {@code operator_state_event} by
 * the routing decision that made it, in its transaction, with who set it and why; after-call work has a maximum
 * (then back to available, or the supervisors are alerted once); a supervisor sets an operator away, never while
 * they ring or talk. Real PostgreSQL, the routing store as the application uses it, time on a {@link MutableClock}.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class OperatorStatesTest {

    private static final String PROVIDER = "pbxstates";

    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Calls calls;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private Leadership leadership;
    @Autowired
    private DSLContext db;
    @Autowired
    private PlatformTransactionManager transactions;

    private final List<Object> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.get().reset();
        published.clear();
    }

    /**
     * A rolling upgrade: the other node, of a newer build, wrote a cause this build does not know. Routing here still
     * decides (it reads no cause) instead of failing every decision on the name.
     */
    @Test
    void aCauseWrittenByANewerBuildReadsAsNoneAndRoutingGoesOn() {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        Router router = router(Duration.ZERO, RoutingSettings.WrapUpOverdue.AVAILABLE);
        try {
            router.setPresence(operator.id(), Presence.AVAILABLE);
            db.update(ROUTING_OPERATOR).set(ROUTING_OPERATOR.STATE_CAUSE, "A_CAUSE_OF_A_NEWER_BUILD")
                    .where(ROUTING_OPERATOR.OPERATOR_ID.eq(operator.id().value())).execute();
            assertThat(view().seat(operator.id())).hasValueSatisfying(s -> assertThat(s.cause()).isNull());

            router.setPresence(operator.id(), Presence.AWAY);
            assertThat(view().seat(operator.id())).hasValueSatisfying(s -> {
                assertThat(s.presence()).isEqualTo(Presence.AWAY);
                assertThat(s.cause()).isEqualTo(StateCause.CHOSEN);
            });
        } finally {
            router.destroy();
        }
    }

    @Test
    void everyChangeOfAnOperatorsStateIsLoggedWithWhoSetItAndWhy() {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        Operator supervisor = FakeData.user(operators, Role.SUPERVISOR);
        Router router = router(Duration.ZERO, RoutingSettings.WrapUpOverdue.AVAILABLE);
        try {
            Instant t0 = clock.instant();
            router.setPresence(operator.id(), Presence.AVAILABLE);
            clock.advance(Duration.ofSeconds(10));
            CallId call = queued(router, "CALL-1");
            clock.advance(Duration.ofSeconds(5));
            router.on(new Call.Answered(call, operator.id()));
            clock.advance(Duration.ofSeconds(60));
            router.on(new Call.Ended(call, CallOutcome.COMPLETED, operator.id()));
            clock.advance(Duration.ofSeconds(30));
            router.setPresence(operator.id(), Presence.AWAY, AwayReason.BREAK);
            clock.advance(Duration.ofSeconds(600));
            router.setAwayBySupervisor(operator.id(), AwayReason.MEETING, supervisor.id().value());

            assertThat(db.select(OPERATOR_STATE_EVENT.STATE, OPERATOR_STATE_EVENT.REASON, OPERATOR_STATE_EVENT.SET_BY,
                            OPERATOR_STATE_EVENT.SET_BY_USER, OPERATOR_STATE_EVENT.CAUSE, OPERATOR_STATE_EVENT.AT)
                    .from(OPERATOR_STATE_EVENT).where(OPERATOR_STATE_EVENT.OPERATOR_ID.eq(operator.id().value()))
                    .orderBy(OPERATOR_STATE_EVENT.ID)
                    .fetch(r -> tuple(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                            r.value6().toInstant())))
                    .containsExactly(
                            tuple("AVAILABLE", null, "OPERATOR", null, "CHOSEN", t0),
                            tuple("RINGING", null, "SYSTEM", null, "OFFERED", t0.plusSeconds(10)),
                            tuple("ON_CALL", null, "SYSTEM", null, "ANSWERED", t0.plusSeconds(15)),
                            tuple("WRAP_UP", null, "SYSTEM", null, "CALL_ENDED", t0.plusSeconds(75)),
                            tuple("AWAY", "BREAK", "OPERATOR", null, "CHOSEN", t0.plusSeconds(105)),
                            tuple("AWAY", "MEETING", "SUPERVISOR", supervisor.id().value(), "SUPERVISOR",
                                    t0.plusSeconds(705)));
            // The reason is kept beside routing's presence, and any node reads it back.
            assertThat(view().seat(operator.id())).hasValue(new RoutingView.SeatNow(Presence.AWAY, t0.plusSeconds(705),
                    AwayReason.MEETING, StateCause.SUPERVISOR, supervisor.id().value()));
            assertThat(db.select(ROUTING_OPERATOR.AWAY_REASON).from(ROUTING_OPERATOR)
                    .where(ROUTING_OPERATOR.OPERATOR_ID.eq(operator.id().value())).fetchOne().value1())
                    .isEqualTo("MEETING");
            assertThat(published).contains(new Router.PresenceChanged(operator.id(), Presence.AWAY,
                    AwayReason.MEETING, StateCause.SUPERVISOR, supervisor.id().value(), t0.plusSeconds(705)));
            // Choosing the same again is no change, and logs none.
            router.setAwayBySupervisor(operator.id(), AwayReason.MEETING, supervisor.id().value());
            assertThat(db.fetchCount(OPERATOR_STATE_EVENT)).isEqualTo(6);
        } finally {
            router.destroy();
        }
    }

    @Test
    void aDecisionThatFailsLogsNoChangeOfState() {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        RoutingStore store = new RoutingStore(db, transactions);
        RoutingSettings settings = settings(Duration.ZERO, RoutingSettings.WrapUpOverdue.AVAILABLE);
        assertThatThrownBy(() -> store.underLock(settings, brain -> {
            brain.setPresence(operator.id(), List.of("en"), Presence.AVAILABLE, clock.instant());
            throw new IllegalStateException("the decision fails after the brain moved the operator");
        })).hasMessageContaining("decision fails");
        assertThat(db.fetchCount(OPERATOR_STATE_EVENT)).isZero();
        assertThat(store.presence(operator.id())).isEmpty();
        // The same decision that succeeds logs its change once.
        store.underLock(settings, brain -> brain.setPresence(operator.id(), List.of("en"), Presence.AVAILABLE,
                clock.instant()));
        assertThat(db.fetchCount(OPERATOR_STATE_EVENT)).isEqualTo(1);
    }

    @Test
    void aSupervisorCannotSetAwayAnOperatorWhoIsRingingOrTalking() {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        Operator supervisor = FakeData.user(operators, Role.SUPERVISOR);
        Router router = router(Duration.ZERO, RoutingSettings.WrapUpOverdue.AVAILABLE);
        try {
            router.setPresence(operator.id(), Presence.AVAILABLE);
            CallId call = queued(router, "CALL-R");
            assertThat(view().presence(operator.id())).isEqualTo(Presence.RINGING);
            assertThatThrownBy(() -> router.setAwayBySupervisor(operator.id(), AwayReason.BREAK,
                    supervisor.id().value())).isInstanceOf(IllegalStateException.class)
                    .hasMessage(operator.displayName()
                            + " is ringing or on a call: they can be set away once the call is over");
            router.on(new Call.Answered(call, operator.id()));
            assertThatThrownBy(() -> router.setAwayBySupervisor(operator.id(), AwayReason.BREAK,
                    supervisor.id().value())).isInstanceOf(IllegalStateException.class);
            assertThat(view().presence(operator.id())).isEqualTo(Presence.ON_CALL);
            assertThat(db.fetchCount(OPERATOR_STATE_EVENT, OPERATOR_STATE_EVENT.SET_BY.eq("SUPERVISOR"))).isZero();
            // In after-call work they may be: the call is over.
            router.on(new Call.Ended(call, CallOutcome.COMPLETED, operator.id()));
            router.setAwayBySupervisor(operator.id(), AwayReason.TRAINING, supervisor.id().value());
            assertThat(view().presence(operator.id())).isEqualTo(Presence.AWAY);
        } finally {
            router.destroy();
        }
    }

    @Test
    void afterCallWorkPastItsMaximumGoesBackToAvailableAndTakesTheNextCall() {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        Router router = router(Duration.ofSeconds(120), RoutingSettings.WrapUpOverdue.AVAILABLE);
        try {
            router.setPresence(operator.id(), Presence.AVAILABLE);
            CallId first = queued(router, "CALL-A");
            router.on(new Call.Answered(first, operator.id()));
            router.on(new Call.Ended(first, CallOutcome.COMPLETED, operator.id()));
            Instant wrapUpFrom = clock.instant();
            CallId second = queued(router, "CALL-B");
            clock.advance(Duration.ofSeconds(119));
            router.tick();
            assertThat(view().presence(operator.id())).isEqualTo(Presence.WRAP_UP);
            clock.advance(Duration.ofSeconds(1));
            router.tick();
            assertThat(view().presence(operator.id())).as("back to available, and offered the waiting call at once")
                    .isEqualTo(Presence.RINGING);
            assertThat(view().snapshot().operators()).extracting(RoutingView.Snapshot.Seat::call).containsExactly(second);
            assertThat(db.select(OPERATOR_STATE_EVENT.STATE, OPERATOR_STATE_EVENT.SET_BY, OPERATOR_STATE_EVENT.CAUSE,
                            OPERATOR_STATE_EVENT.AT).from(OPERATOR_STATE_EVENT)
                    .where(OPERATOR_STATE_EVENT.AT.ge(wrapUpFrom.plusSeconds(1).atOffset(java.time.ZoneOffset.UTC)))
                    .orderBy(OPERATOR_STATE_EVENT.ID)
                    .fetch(r -> tuple(r.value1(), r.value2(), r.value3(), r.value4().toInstant())))
                    .containsExactly(tuple("AVAILABLE", "SYSTEM", "WRAP_UP_MAXIMUM", wrapUpFrom.plusSeconds(120)),
                            tuple("RINGING", "SYSTEM", "OFFERED", wrapUpFrom.plusSeconds(120)));
            assertThat(published).noneMatch(Router.WrapUpOverdue.class::isInstance);
        } finally {
            router.destroy();
        }
    }

    @Test
    void afterCallWorkPastItsMaximumAlertsTheSupervisorsOnceOnAnyNodeWhenTheOperatorStaysInIt() {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        Router router = router(Duration.ofSeconds(120), RoutingSettings.WrapUpOverdue.ALERT);
        Router other = router(Duration.ofSeconds(120), RoutingSettings.WrapUpOverdue.ALERT);
        try {
            router.setPresence(operator.id(), Presence.AVAILABLE);
            CallId call = queued(router, "CALL-C");
            router.on(new Call.Answered(call, operator.id()));
            router.on(new Call.Ended(call, CallOutcome.COMPLETED, operator.id()));
            Instant wrapUpFrom = clock.instant();
            clock.advance(Duration.ofSeconds(119));
            router.tick();
            assertThat(published).noneMatch(Router.WrapUpOverdue.class::isInstance);
            clock.advance(Duration.ofSeconds(1));
            router.tick();
            clock.advance(Duration.ofSeconds(30));
            router.tick();
            // Another node taking the lead (or this one restarted) finds the alert made: no second one.
            other.tick();
            assertThat(published.stream().filter(Router.WrapUpOverdue.class::isInstance).toList())
                    .containsExactly(new Router.WrapUpOverdue(operator.id(), wrapUpFrom));
            assertThat(view().presence(operator.id())).isEqualTo(Presence.WRAP_UP);
            assertThat(db.fetchCount(OPERATOR_STATE_EVENT, OPERATOR_STATE_EVENT.CAUSE.eq("WRAP_UP_MAXIMUM")))
                    .as("staying in after-call work is no change of state").isZero();

            // A new stretch of after-call work is alerted afresh.
            router.setPresence(operator.id(), Presence.AVAILABLE);
            CallId next = queued(router, "CALL-D");
            router.on(new Call.Answered(next, operator.id()));
            router.on(new Call.Ended(next, CallOutcome.COMPLETED, operator.id()));
            clock.advance(Duration.ofSeconds(121));
            other.tick();
            assertThat(published.stream().filter(Router.WrapUpOverdue.class::isInstance).count()).isEqualTo(2);
        } finally {
            router.destroy();
            other.destroy();
        }
    }

    @Test
    void theShiftReportSaysWhoWasInWhichStateWhenFromTheLogAlone() {
        Operator early = FakeData.user(operators, Role.OPERATOR, "en");
        Operator late = FakeData.user(operators, Role.OPERATOR, "en");
        Operator supervisor = FakeData.user(operators, Role.SUPERVISOR);
        Router router = router(Duration.ZERO, RoutingSettings.WrapUpOverdue.AVAILABLE);
        try {
            // Before the window: the early operator is available already (the window opens with it).
            router.setPresence(early.id(), Presence.AVAILABLE);
            clock.advance(Duration.ofMinutes(30));
            Instant from = clock.instant();
            clock.advance(Duration.ofMinutes(10));
            router.setPresence(early.id(), Presence.AWAY, AwayReason.BREAK);
            router.setPresence(late.id(), Presence.AVAILABLE);
            clock.advance(Duration.ofMinutes(15));
            router.setPresence(early.id(), Presence.AVAILABLE);
            clock.advance(Duration.ofMinutes(5));
            router.setAwayBySupervisor(late.id(), AwayReason.TRAINING, supervisor.id().value());
            clock.advance(Duration.ofMinutes(20));
            Instant to = clock.instant();
            clock.advance(Duration.ofMinutes(5));
            router.setPresence(late.id(), Presence.AVAILABLE); // after the window: not counted

            // A fresh reader (another node, a restart) over the same database: the figures come from the log.
            List<StateLog.OperatorShift> shifts = new StateLog(db, clock).between(from, to);
            assertThat(shifts).extracting(StateLog.OperatorShift::operator).containsExactlyInAnyOrder(early.id(),
                    late.id());
            StateLog.OperatorShift first = shifts.stream().filter(s -> s.operator().equals(early.id())).findFirst()
                    .orElseThrow();
            assertThat(first.name()).isEqualTo(early.displayName());
            // Available 10 min (from the window's start) + 25 min; on a break 15 min.
            assertThat(first.totals()).containsExactlyInAnyOrder(
                    new StateLog.Total(Presence.AVAILABLE, null, 35 * 60),
                    new StateLog.Total(Presence.AWAY, AwayReason.BREAK, 15 * 60));
            assertThat(first.spans()).extracting(StateLog.Span::from).containsExactly(from, from.plusSeconds(600),
                    from.plusSeconds(1500));
            StateLog.OperatorShift second = shifts.stream().filter(s -> s.operator().equals(late.id())).findFirst()
                    .orElseThrow();
            assertThat(second.totals()).containsExactlyInAnyOrder(
                    new StateLog.Total(Presence.AVAILABLE, null, 20 * 60),
                    new StateLog.Total(Presence.AWAY, AwayReason.TRAINING, 20 * 60));
            assertThat(second.spans().getLast()).isEqualTo(new StateLog.Span(Presence.AWAY, AwayReason.TRAINING,
                    StateCause.SetBy.SUPERVISOR, from.plusSeconds(1800), to));
            // A window still open is cut at now, not at its end (the shared clock is put back after).
            Instant latest = clock.instant();
            clock.set(from.plusSeconds(1200));
            try {
                assertThat(new StateLog(db, clock).between(from, to).stream()
                        .filter(s -> s.operator().equals(early.id())).findFirst().orElseThrow().totals())
                        .containsExactlyInAnyOrder(new StateLog.Total(Presence.AVAILABLE, null, 600),
                                new StateLog.Total(Presence.AWAY, AwayReason.BREAK, 600));
            } finally {
                clock.set(latest);
            }
        } finally {
            router.destroy();
        }
    }

    private static RoutingSettings settings(Duration wrapUpMax, RoutingSettings.WrapUpOverdue overdue) {
        return new RoutingSettings(Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60), wrapUpMax,
                overdue);
    }

    private Router router(Duration wrapUpMax, RoutingSettings.WrapUpOverdue overdue) {
        return new Router(settings(wrapUpMax, overdue), new RoutingStore(db, transactions), switchboard, calls,
                operators, new TelephonyPorts(List.of(new TestPbx(PROVIDER) {
                    @Override
                    public void connect(CallRef call, Operator operator) {
                        // Nothing rings here: the test reports answers and ends itself.
                    }
                })), published::add, clock, leadership);
    }

    /** A caller through the menu, queued and routed (offered to whoever is available). */
    private CallId queued(Router router, String id) {
        CallRef ref = new CallRef(PROVIDER, id);
        switchboard.arrived(ref, FakeData.phone(7), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "NO");
        switchboard.ivrCompleted(ref);
        CallId call = calls.idOf(ref).orElseThrow();
        router.on(new Call.Queued(call, false, "en", calls.load(call).orElseThrow().queuedAt()));
        return call;
    }

    /** What any node reads: the routing state the decisions left in the database. */
    private RoutingView view() {
        return new RoutingView(new RoutingSettings(Duration.ofSeconds(20), Duration.ofSeconds(30)),
                new RoutingStore(db, transactions));
    }
}
