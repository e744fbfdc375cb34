package org.tiphotline.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorInterval.Kind;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * The floor read from real PostgreSQL: calls stored through the switchboard as the adapters store them, figures
 * compared with a hand count, a "restart" (a fresh Floor over the same database) in the middle of the quarter, the
 * floor now from the routing tables, and the plans of both statements.
 */
@SpringJUnitConfig(FloorTestConfiguration.class)
class FloorFactsTest {

    private static final ZoneId KINGSTON = ZoneId.of("America/Jamaica"); // the test jurisdiction's zone

    @Autowired
    private Floor floor;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private DSLContext db;
    @Autowired
    private TransactionTemplate tx;
    @Autowired
    private JurisdictionSettings jurisdiction;

    private Operator ann;
    private Operator ben;
    private final Map<String, CallRef> refs = new java.util.HashMap<>();
    private final Map<String, CallId> ids = new java.util.HashMap<>();

    private static Instant at(String clock) {
        return LocalDateTime.parse("2026-12-07T" + clock).atZone(KINGSTON).toInstant();
    }

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.get().reset();
        ann = FakeData.user(operators, Role.OPERATOR, "en");
        ben = FakeData.user(operators, Role.OPERATOR, "en");
    }

    /** One thing that happens at a local clock time; the steps run in time order, the clock set to each. */
    private record Step(String clock, Runnable action) {}

    private final List<Step> steps = new ArrayList<>();

    private void step(String clock, Runnable action) {
        steps.add(new Step(clock, action));
    }

    private void call(String name, String arrived, Consumer<String> rest) {
        step(arrived, () -> {
            CallRef ref = FakeData.newCallRef();
            refs.put(name, ref);
            ids.put(name, switchboard.arrived(ref, FakeData.phone(refs.size()), FakeData.HOTLINE_NUMBER));
        });
        rest.accept(name);
    }

    private void queued(String call, String clock) {
        step(clock, () -> assertThat(switchboard.ivrCompleted(refs.get(call))).isTrue());
    }

    private void rings(String call, String clock, Operator operator) {
        step(clock, () -> assertThat(switchboard.offered(ids.get(call), operator.id())).isTrue());
    }

    private void answered(String call, String clock, Operator operator) {
        step(clock, () -> assertThat(switchboard.answered(refs.get(call), operator.id())).isTrue());
    }

    private void hungUp(String call, String clock) {
        step(clock, () -> assertThat(switchboard.callerHungUp(refs.get(call))).isTrue());
    }

    private void ended(String call, String clock) {
        step(clock, () -> assertThat(switchboard.ended(refs.get(call), "operator")).isTrue());
    }

    /** Runs the steps up to and including {@code until}, in time order, and leaves the clock there. */
    private void runUntil(String until) {
        steps.sort(Comparator.comparing(Step::clock));
        for (java.util.Iterator<Step> i = steps.iterator(); i.hasNext();) {
            Step s = i.next();
            if (s.clock().compareTo(until) > 0) {
                break;
            }
            clock.set(at(s.clock()));
            s.action().run();
            i.remove();
        }
        clock.set(at(until));
    }

    /** The quarter 09:00–09:15: the same kinds of call as FloorFiguresTest, stored for real. */
    private void quarter() {
        call("A", "09:00:00", c -> { // speed 10 s, handled 300 s
            queued(c, "09:00:20");
            rings(c, "09:00:21", ann);
            answered(c, "09:00:30", ann);
            ended(c, "09:05:30");
        });
        call("B", "09:01:50", c -> { // rang out at Ann, answered by Ben: speed 40 s, handled 480 s
            queued(c, "09:02:00");
            rings(c, "09:02:01", ann);
            step("09:02:20", () -> assertThat(switchboard.offerTimedOut(ids.get(c), ann.id(), "no answer")).isTrue());
            rings(c, "09:02:21", ben);
            answered(c, "09:02:40", ben);
            ended(c, "09:10:40");
        });
        call("D", "09:02:50", c -> { // short abandon (4 s)
            queued(c, "09:03:00");
            hungUp(c, "09:03:04");
        });
        call("F", "09:04:50", c -> { // abandoned while ringing
            queued(c, "09:05:00");
            rings(c, "09:05:01", ann);
            hungUp(c, "09:05:25");
        });
        call("G", "09:06:00", c -> hungUp(c, "09:06:30")); // abandoned in the IVR
        call("H", "09:06:50", c -> { // handed to the fallback line unanswered
            queued(c, "09:07:00");
            step("09:08:00", () -> {
                assertThat(switchboard.transferred(refs.get(c), "fallback line")).isTrue();
                assertThat(switchboard.ended(refs.get(c), "transferred")).isTrue();
            });
        });
        call("I", "09:07:50", c -> { // answered in 18 s, transferred to an agency, handled 120 s
            queued(c, "09:08:00");
            rings(c, "09:08:01", ben);
            answered(c, "09:08:18", ben);
            step("09:09:00", () -> assertThat(switchboard.transferred(refs.get(c), "escalation line")).isTrue());
            ended(c, "09:10:18");
        });
        call("J", "09:14:40", c -> { // queued here, answered in the next quarter after 15 s, handled 60 s
            queued(c, "09:14:55");
            rings(c, "09:14:56", ann);
            answered(c, "09:15:10", ann);
            ended(c, "09:16:10");
        });
        call("K", "09:14:50", c -> { // arrived here, queued in the next quarter
            queued(c, "09:15:05");
            rings(c, "09:15:06", ben);
            answered(c, "09:15:07", ben);
        });
        call("L", "08:59:40", c -> { // queued in the previous quarter
            queued(c, "08:59:59");
            rings(c, "09:00:00", ben);
            answered(c, "09:00:05", ben);
            ended(c, "09:01:00");
        });
        // Escalations about call A: in time; late; raised before this version (no deadline stored) and
        // acknowledged in its first round (in time); the same acknowledged after a second round (late).
        step("09:12:30", () -> {
            escalation("09:02:00", "09:05:00", "09:07:00", 1);
            escalation("09:10:00", "09:16:00", "09:15:00", 2);
            escalation("09:11:00", "09:30:00", null, 1);
            escalation("09:12:00", "09:20:00", null, 2);
            escalation("08:50:00", "08:51:00", "08:55:00", 1); // previous quarter
        });
    }

    /** An IVR escalation is once per call and agency: each of these goes to another. */
    private int agencies;

    private void escalation(String raised, String acknowledged, String deadline, int rounds) {
        db.execute("""
                insert into hotline.escalation (id, call_id, agency, level, source, danger, reason, raised_at, status,
                    alert_round, acknowledged_at, acknowledge_deadline)
                values (gen_random_uuid(), ?, 'test-agency-' || ?, 'IMMEDIATE', 'IVR', 'NOT_STATED', 'test reason',
                    cast(? as timestamptz), 'ACKNOWLEDGED', ?, cast(? as timestamptz), cast(? as timestamptz))""",
                ids.get("A").value(), ++agencies, FloorFacts.at(at(raised)), rounds, FloorFacts.at(at(acknowledged)),
                FloorFacts.at(deadline == null ? null : at(deadline)));
    }

    private Floor freshFloor() {
        // What a restarted node, or the other node, builds: nothing but the database in common with the first.
        return new Floor(new FloorFacts(db), FloorSettings.defaults(), jurisdiction, clock);
    }

    @Test
    void aRestartInTheMiddleOfTheQuarterChangesNoFigure() {
        quarter();
        runUntil("09:07:30");
        Floor.View before = floor.view(Kind.QUARTER);
        assertThat(freshFloor().view(Kind.QUARTER)).isEqualTo(before);
        // At 09:07:30, by hand: A B D F H reached the queue (5); answered A (10 s) and B (40 s); D short; F
        // abandoned ringing; G in the IVR; H waiting 30 s, past both thresholds. Level: 1 of 5 - 1 short = 25 %.
        Figures mid = before.interval().figures();
        assertThat(mid.offered()).isEqualTo(5);
        assertThat(mid.answered()).isEqualTo(2);
        assertThat(mid.shortAbandons()).isEqualTo(1);
        assertThat(mid.abandonedRinging()).isEqualTo(1);
        assertThat(mid.abandonedInIvr()).isEqualTo(1);
        assertThat(mid.waiting()).isEqualTo(1);
        assertThat(mid.serviceLevelFirst().percent()).isEqualTo(25.0);
        assertThat(before.interval().label()).isEqualTo("2026-12-07 09:00–09:15");

        runUntil("09:20:00");
        FloorInterval quarter = FloorInterval.containing(Kind.QUARTER, at("09:07:30"), KINGSTON, List.of());
        Floor.IntervalFigures after = freshFloor().figures(quarter);
        assertThat(floor.figures(quarter)).isEqualTo(after);
        assertThat(after.label()).isEqualTo(before.interval().label());
        Figures f = after.figures();
        // By hand at 09:20: A B D F H I J reached the queue in the quarter (7; K is the next quarter's, L the
        // previous'); answered A B I J; speeds 10, 40, 18, 15 s: mean 20.75 s, 90th (rank 4 of 4) 40 s; handled
        // 300 + 480 + 120 + 60 = 960 s over 4 = 240 s; level counted over 7 - 1 short = 6: within 15 s A J = 2
        // (33.3 %), within 20 s A I J = 3 (50 %).
        assertThat(f.offered()).isEqualTo(7);
        assertThat(f.answered()).isEqualTo(4);
        assertThat(f.abandonedInIvr()).isEqualTo(1);
        assertThat(f.abandonedInQueue()).isZero();
        assertThat(f.abandonedRinging()).isEqualTo(1);
        assertThat(f.shortAbandons()).isEqualTo(1);
        assertThat(f.handedOver()).isEqualTo(1);
        assertThat(f.lost()).isZero();
        assertThat(f.waiting()).isZero();
        assertThat(f.averageSpeedOfAnswerMs()).isEqualTo(20_750L);
        assertThat(f.speedOfAnswerP90Ms()).isEqualTo(40_000L);
        assertThat(f.averageHandlingMs()).isEqualTo(240_000L);
        assertThat(f.serviceLevelFirst().counted()).isEqualTo(6);
        assertThat(f.serviceLevelFirst().percent()).isEqualTo(33.3);
        assertThat(f.serviceLevelSecond().percent()).isEqualTo(50.0);
        // Raised in the quarter: 09:02, 09:10, 09:11, 09:12; in time: 09:02 and 09:11 (first round).
        assertThat(f.escalationsRaised()).isEqualTo(4);
        assertThat(f.escalationsAcknowledgedInTime()).isEqualTo(2);
    }

    @Test
    void theLiveUpdateCarriesEveryIntervalFromOneReadAndAgreesWithTheView() {
        quarter();
        runUntil("09:20:00");
        Floor.Update update = floor.update();
        assertThat(update.intervals()).extracting(Floor.IntervalFigures::kind).containsExactly(Kind.values());
        for (Kind kind : Kind.values()) {
            assertThat(update.intervals().get(kind.ordinal())).isEqualTo(floor.view(kind).interval());
        }
        // At 09:20 the quarter is 09:15–09:30: K alone.
        assertThat(update.intervals().get(Kind.QUARTER.ordinal()).figures().offered()).isEqualTo(1);
        // The hour and the day hold every stored call that reached the queue: the quarter's 7, K and L.
        assertThat(update.intervals().get(Kind.HOUR.ordinal()).figures().offered()).isEqualTo(8);
        assertThat(update.intervals().get(Kind.DAY.ordinal()).figures().offered()).isEqualTo(9);
        assertThat(update.intervals().get(Kind.SHIFT.ordinal()).label()).isEqualTo("shift 2026-12-07 07:00–15:00");
    }

    /**
     * The live update keeps the timelines of calls over for a minute and reads only the others: at every step it
     * answers as a floor that reads everything. A call stored after the floor had counted its time as settled (its
     * end committed late) is found by the count of settled calls, not missed.
     */
    @Test
    void theLiveUpdateKeepsCallsOverAndAgreesWithAFullReadAtEveryStep() {
        quarter();
        Floor live = freshFloor();
        for (String t : List.of("09:00:10", "09:02:30", "09:03:10", "09:05:40", "09:07:30", "09:10:50", "09:12:40",
                "09:15:08", "09:16:20", "09:20:00", "09:40:00")) {
            runUntil(t);
            assertThat(live.update()).as("at " + t).isEqualTo(freshFloor().update());
        }
        int offeredToday = live.update().intervals().get(Kind.DAY.ordinal()).figures().offered();

        clock.set(at("09:30:00"));
        CallRef late = FakeData.newCallRef();
        CallId id = switchboard.arrived(late, FakeData.phone(99), FakeData.HOTLINE_NUMBER);
        assertThat(switchboard.ivrCompleted(late)).isTrue();
        assertThat(switchboard.offered(id, ann.id())).isTrue();
        assertThat(switchboard.answered(late, ann.id())).isTrue();
        assertThat(switchboard.ended(late, "operator")).isTrue();
        clock.set(at("09:40:01"));
        Floor.Update afterLate = live.update();
        assertThat(afterLate).isEqualTo(freshFloor().update());
        assertThat(afterLate.intervals().get(Kind.DAY.ordinal()).figures().offered()).isEqualTo(offeredToday + 1);
    }

    @Test
    void theFloorNowComesFromTheRoutingTablesAndTheCallTable() {
        Operator cat = FakeData.user(operators, Role.OPERATOR, "en");
        clock.set(at("09:15:00"));
        CallRef inIvr = FakeData.newCallRef();
        switchboard.arrived(inIvr, FakeData.phone(1), FakeData.HOTLINE_NUMBER);
        switchboard.arrived(FakeData.newCallRef(), FakeData.phone(2), FakeData.HOTLINE_NUMBER);
        CallRef queuedCall = FakeData.newCallRef();
        switchboard.arrived(queuedCall, FakeData.phone(3), FakeData.HOTLINE_NUMBER);
        switchboard.ivrCompleted(queuedCall); // reached the queue: no longer in the IVR
        routingCall("WAITING", true, "09:10:00", null, null);
        routingCall("WAITING", false, "09:12:00", null, null);
        routingCall("RINGING", false, "09:11:00", ann, "09:13:00");
        db.execute("insert into hotline.routing_call (call_id, kind, return_to) values (gen_random_uuid(), "
                + "'DIALLING', 'AVAILABLE')"); // a callback being dialled: nobody waits
        seat(ann, true, "RINGING", "09:13:00");
        seat(ben, true, "AVAILABLE", "09:00:00");
        seat(cat, false, null, null); // no seat: only remembers a phone
        FloorNow now = floor.view(Kind.QUARTER).now();
        assertThat(now.at()).isEqualTo(at("09:15:00"));
        assertThat(now.waiting()).isEqualTo(3);
        assertThat(now.urgentWaiting()).isEqualTo(1);
        assertThat(now.longestWaitingSince()).isEqualTo(at("09:10:00"));
        assertThat(now.longestWaitSeconds()).isEqualTo(300);
        assertThat(now.inIvr()).isEqualTo(2);
        List<FloorNow.OperatorState> expected = new ArrayList<>(List.of(
                new FloorNow.OperatorState(ann.id().value(), ann.displayName(), "RINGING", at("09:13:00")),
                new FloorNow.OperatorState(ben.id().value(), ben.displayName(), "AVAILABLE", at("09:00:00"))));
        expected.sort(Comparator.comparing(FloorNow.OperatorState::name));
        assertThat(now.operators()).containsExactlyElementsOf(expected);
    }

    private void routingCall(String kind, boolean urgent, String queued, Operator operator, String since) {
        db.execute("insert into hotline.routing_call (call_id, kind, urgent, queued_at, operator_id, since) "
                + "values (gen_random_uuid(), ?, ?, cast(? as timestamptz), ?, cast(? as timestamptz))", kind, urgent,
                FloorFacts.at(at(queued)),
                operator == null ? null : operator.id().value(), FloorFacts.at(since == null ? null : at(since)));
    }

    private void seat(Operator operator, boolean seated, String presence, String since) {
        var t = FloorFacts.at(since == null ? null : at(since));
        db.execute("insert into hotline.routing_operator (operator_id, seated, presence, since, idle_since, "
                + "phone_unreachable) values (?, ?, ?, cast(? as timestamptz), cast(? as timestamptz), ?)",
                operator.id().value(), seated, presence, t, t,
                !seated);
    }

    /**
     * The plans on a day's worth of calls among 20,000 (rolled back): the interval's calls by index range, their
     * events by primary key, the escalations by raising time, the calls in the IVR by the live-calls index; no
     * sequential scan of call, call_event or escalation.
     */
    @Test
    void bothStatementsUseIndexesNotAScanOfTheCallTable() {
        List<String> plans = new ArrayList<>();
        try {
            tx.executeWithoutResult(status -> {
                db.execute("""
                        insert into hotline.call (id, provider, provider_call_id, caller_mask, dialled_number,
                            arrived_at, state, queued_at, answered_at, ended_at, outcome, last_seq)
                        select gen_random_uuid(), 'sim', 'plan-' || n, '+1 555 01xx', '+15550100',
                               t, 'ENDED', t + interval '10 s', t + interval '20 s', t + interval '5 min',
                               'COMPLETED', 3
                          from generate_series(1, 20000) n,
                               lateral (select timestamptz '2026-11-17 00:00Z' + n * interval '86 s') x(t)""");
                db.execute("""
                        insert into hotline.call_event (call_id, seq, type, at)
                        select id, s, (array['ARRIVED', 'QUEUED', 'ANSWERED'])[s], arrived_at
                          from hotline.call, generate_series(1, 3) s where provider_call_id like 'plan-%'""");
                db.execute("""
                        insert into hotline.escalation (id, call_id, agency, level, source, danger, reason, raised_at,
                            status, alert_round, next_alert_at)
                        select gen_random_uuid(), id, 'test-police', 'IMMEDIATE', 'IVR', 'NOT_STATED', 'test reason',
                               arrived_at,
                               'OPEN', 1, arrived_at + interval '5 min'
                          from hotline.call where provider_call_id like 'plan-%' and last_seq = 3
                           and extract(second from arrived_at) < 6""");
                db.execute("analyze hotline.call");
                db.execute("analyze hotline.call_event");
                db.execute("analyze hotline.escalation");
                FloorInterval q = FloorInterval.containing(Kind.QUARTER, Instant.parse("2026-11-30T15:07:00Z"),
                        KINGSTON, List.of());
                var f = FloorFacts.at(q.from());
                var t = FloorFacts.at(q.to());
                plans.add(String.join("\n", db.resultQuery("explain " + FloorFacts.SPAN, f, t, f, t, f, t)
                        .fetch(r -> (String) r.get(0))));
                plans.add(String.join("\n", db.resultQuery("explain " + FloorFacts.NOW).fetch(r -> (String) r.get(0))));
                var e = FloorFacts.at(q.from().minusSeconds(60));
                plans.add(String.join("\n", db.resultQuery("explain " + FloorFacts.SPAN_UNSETTLED, f, t, f, t, e,
                        f, t, f, t, f, t, e).fetch(r -> (String) r.get(0))));
                status.setRollbackOnly();
            });
        } finally {
            System.out.println(String.join("\n----\n", plans));
        }
        assertThat(plans.get(0)).contains("call_by_queued").contains("call_by_arrival")
                .doesNotContain("Seq Scan on call ").doesNotContain("Seq Scan on call_event")
                .doesNotContain("Seq Scan on escalation");
        assertThat(plans.get(1)).contains("call_live").doesNotContain("Seq Scan on call ");
        assertThat(plans.get(2)).as("the second's read again of the calls not over").contains("call_by_queued")
                .contains("call_by_arrival").doesNotContain("Seq Scan on call ")
                .doesNotContain("Seq Scan on call_event");
    }
}
