package org.tiphotline.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorReport.OperatorRow;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.routing.AwayReason;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.StateLog;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * Floor reports read from real PostgreSQL: calls stored through the switchboard as the adapters store them, operators'
 * states in the state log, the day's figures by hour and by operator compared with a hand count.
 */
@SpringJUnitConfig(FloorTestConfiguration.class)
class FloorReportsTest {

    private static final ZoneId KINGSTON = ZoneId.of("America/Jamaica"); // the test jurisdiction's zone
    private static final LocalDate DAY = LocalDate.parse("2026-12-07");

    @Autowired
    private FloorReports reports;
    @Autowired
    private FloorFacts facts;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private DSLContext db;
    @Autowired
    private org.springframework.transaction.support.TransactionTemplate tx;

    private Operator ann;
    private Operator ben;

    private static Instant at(String clock) {
        return LocalDateTime.parse("2026-12-07T" + clock).atZone(KINGSTON).toInstant();
    }

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.get().reset();
        ann = FakeData.user(operators, Role.OPERATOR, "en");
        ben = FakeData.user(operators, Role.OPERATOR, "en");
    }

    /** One answered call: arrived, queued, rang at and answered by {@code by}, ended; the clock set to each time. */
    private void answeredCall(String arrived, String queued, Operator by, String answered, String ended) {
        CallRef ref = FakeData.newCallRef();
        clock.set(at(arrived));
        CallId id = switchboard.arrived(ref, FakeData.phone(1), FakeData.HOTLINE_NUMBER);
        clock.set(at(queued));
        assertThat(switchboard.ivrCompleted(ref)).isTrue();
        assertThat(switchboard.offered(id, by.id())).isTrue();
        clock.set(at(answered));
        assertThat(switchboard.answered(ref, by.id())).isTrue();
        clock.set(at(ended));
        assertThat(switchboard.ended(ref, "operator")).isTrue();
    }

    private void stateChange(Operator who, String state, String reason, Instant at) {
        db.execute("insert into hotline.operator_state_event (operator_id, state, reason, set_by, cause, at) "
                + "values (?, ?, ?, 'OPERATOR', 'CHOSEN', cast(? as timestamptz))", who.id().value(), state, reason,
                FloorFacts.at(at));
    }

    @Test
    void aStoredDayByHourAndByOperatorMatchesTheHandCount() {
        // A: hour 09, Ann, speed 10 s, handled 300 s. B: queued 09:59:50, answered by Ben 10:00:20 (30 s), handled
        // 240 s: hour 09's. C: hour 10, hung up 40 s after queueing. F: hour 11, Ann, 12 s, handled 120 s.
        answeredCall("09:10:00", "09:10:10", ann, "09:10:20", "09:15:20");
        answeredCall("09:59:30", "09:59:50", ben, "10:00:20", "10:04:20");
        CallRef c = FakeData.newCallRef();
        clock.set(at("10:20:00"));
        switchboard.arrived(c, FakeData.phone(2), FakeData.HOTLINE_NUMBER);
        clock.set(at("10:20:05"));
        switchboard.ivrCompleted(c);
        clock.set(at("10:20:45"));
        assertThat(switchboard.callerHungUp(c)).isTrue();
        answeredCall("10:59:55", "11:00:05", ann, "11:00:17", "11:02:17");
        // Ann: available since the evening before, on a break 10:30–10:45. Ben logged nothing this day.
        stateChange(ann, "AVAILABLE", null, Instant.parse("2026-12-07T03:00:00Z"));
        stateChange(ann, "AWAY", "BREAK", at("10:30:00"));
        stateChange(ann, "AVAILABLE", null, at("10:45:00"));
        clock.set(at("12:00:00"));

        FloorReport report = reports.report(ReportPeriod.Length.DAY, DAY);

        assertThat(report.timeZone()).isEqualTo("America/Jamaica");
        assertThat(report.byHour()).hasSize(24);
        Figures nine = report.byHour().get(9).figures();
        assertThat(nine.offered()).isEqualTo(2);
        assertThat(nine.answered()).isEqualTo(2);
        assertThat(nine.averageSpeedOfAnswerMs()).isEqualTo(20_000L);
        assertThat(nine.averageHandlingMs()).isEqualTo(270_000L);
        assertThat(nine.serviceLevelFirst().percent()).isEqualTo(50.0);
        Figures ten = report.byHour().get(10).figures();
        assertThat(ten.offered()).isEqualTo(1);
        assertThat(ten.answered()).isZero();
        assertThat(ten.abandonedInQueue()).isEqualTo(1);
        assertThat(report.byHour().get(11).figures().answered()).isEqualTo(1);
        assertThat(report.total().figures().offered()).isEqualTo(4);
        assertThat(report.total().figures().answered()).isEqualTo(3);

        // Ann: answered A and F, speed (10 + 12) / 2 = 11 s, handled (300 + 120) / 2 = 210 s; available from the
        // day's start to 10:30 (37,800 s) and from 10:45 to now, 12:00 (4,500 s): 42,300 s; on a break 900 s.
        // Ben: B, 30 s, 240 s, no state logged.
        List<OperatorRow> expected = new java.util.ArrayList<>(List.of(
                new OperatorRow(ann.id().value(), ann.displayName(), 2, 11_000L, 210_000L, List.of(
                        new StateLog.Total(Presence.AVAILABLE, null, 42_300),
                        new StateLog.Total(Presence.AWAY, AwayReason.BREAK, 900))),
                new OperatorRow(ben.id().value(), ben.displayName(), 1, 30_000L, 240_000L, List.of())));
        expected.sort(java.util.Comparator.comparing(OperatorRow::name));
        assertThat(report.byOperator()).containsExactlyElementsOf(expected);
    }

    @Test
    void aPeriodThatHasNotBegunIsRefusedInWords() {
        clock.set(at("12:00:00"));
        assertThatThrownBy(() -> reports.report(ReportPeriod.Length.DAY, DAY.plusDays(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the day of 2026-12-08 has not begun yet");
        // The month holding today has begun: it is reported as far as it has come.
        assertThat(reports.report(ReportPeriod.Length.MONTH, DAY).byDay()).hasSize(31);
    }

    /**
     * The plans of a month's report on a large log (rolled back): 180 days of 600 calls a day (108,000 calls, 432,000
     * events, their escalations) and 40 operators' state changes (288,000); the month's calls by the queueing-time
     * index, their events by primary key, the escalations by raising time, the state log by its indexes: no
     * sequential scan of call, call_event, escalation or operator_state_event. The state log's statements are those
     * StateLog runs, caught as jOOQ renders them. The plans and their timings are printed (EXPLAIN ANALYZE).
     */
    @Test
    void aMonthOnALargeLogIsReadByIndexes() {
        List<String> stateLogStatements = new java.util.ArrayList<>();
        DSLContext catching = db.configuration().derive(new org.jooq.impl.DefaultExecuteListenerProvider(
                new org.jooq.ExecuteListener() {
                    @Override
                    public void executeStart(org.jooq.ExecuteContext ctx) {
                        if (ctx.query() != null && ctx.query().getSQL().contains("operator_state_event")) {
                            stateLogStatements.add(ctx.query().getSQL(org.jooq.conf.ParamType.INLINED));
                        }
                    }
                })).dsl();
        clock.set(at("12:00:00"));
        List<String> plans = new java.util.ArrayList<>();
        ReportPeriod november = ReportPeriod.holding(ReportPeriod.Length.MONTH, LocalDate.parse("2026-11-15"),
                KINGSTON);
        try {
            tx.executeWithoutResult(status -> {
                long started = System.nanoTime();
                db.execute("""
                        insert into hotline.call (id, provider, provider_call_id, caller_mask, dialled_number,
                            arrived_at, state, queued_at, answered_at, ended_at, operator_id, outcome, last_seq)
                        select gen_random_uuid(), 'sim', 'plan-' || n, '+1 555 01xx', '+15550100',
                               t, 'ENDED', t + interval '10 s', t + interval '20 s', t + interval '5 min',
                               ?, 'COMPLETED', 4
                          from generate_series(1, 108000) n,
                               lateral (select timestamptz '2026-06-15 00:00Z' + n * interval '144 s') x(t)""",
                        ann.id().value());
                db.execute("""
                        insert into hotline.call_event (call_id, seq, type, at, operator_id)
                        select id, s, (array['ARRIVED', 'QUEUED', 'ANSWERED', 'ENDED'])[s],
                               arrived_at + (s - 1) * interval '10 s', case when s = 3 then operator_id end
                          from hotline.call, generate_series(1, 4) s where provider_call_id like 'plan-%'""");
                db.execute("""
                        insert into hotline.escalation (id, call_id, agency, level, source, danger, reason, raised_at,
                            status, alert_round, next_alert_at)
                        select gen_random_uuid(), id, 'test-police', 'IMMEDIATE', 'IVR', 'NOT_STATED', 'test reason',
                               arrived_at, 'OPEN', 1, arrived_at + interval '5 min'
                          from hotline.call where provider_call_id like 'plan-%'
                           and extract(second from arrived_at) < 6""");
                db.execute("""
                        insert into hotline.app_user (username, display_name, password_hash, role, languages)
                        select 'plan-operator-' || o, 'Testplan Fakename ' || o, 'unused', 'OPERATOR', '{en}'
                          from generate_series(1, 40) o""");
                db.execute("""
                        insert into hotline.operator_state_event (operator_id, state, reason, set_by, cause, at)
                        select u.id, (array['AVAILABLE', 'ON_CALL', 'WRAP_UP', 'AWAY'])[1 + k % 4],
                               case when k % 4 = 3 then 'BREAK' end, 'OPERATOR', 'CHOSEN',
                               timestamptz '2026-06-15 00:00Z' + k * interval '2160 s' + u.id * interval '1 s'
                          from hotline.app_user u, generate_series(1, 7200) k
                         where u.username like 'plan-operator-%'""");
                for (String table : List.of("call", "call_event", "escalation", "operator_state_event", "app_user")) {
                    db.execute("analyze hotline." + table);
                }
                System.out.printf("large log written in %d ms%n", (System.nanoTime() - started) / 1_000_000);
                var f = FloorFacts.at(november.from());
                var t = FloorFacts.at(november.to());
                plans.add(String.join("\n", db.resultQuery("explain (analyze, buffers) " + FloorFacts.SPAN,
                        f, t, f, t, f, t).fetch(r -> (String) r.get(0))));
                new StateLog(catching, clock).between(november.from(), november.to());
                for (String statement : stateLogStatements) {
                    plans.add(String.join("\n", db.resultQuery("explain (analyze, buffers) " + statement)
                            .fetch(r -> (String) r.get(0))));
                }
                for (int run = 1; run <= 2; run++) { // the second run warm, as a report after the first
                    long read = System.nanoTime();
                    FloorFacts.Span span = facts.span(november.from(), november.to());
                    long spanRead = System.nanoTime();
                    List<StateLog.OperatorShift> shifts = new StateLog(db, clock).between(november.from(),
                            november.to());
                    long statesRead = System.nanoTime();
                    FloorReport.derive(november, span, shifts, java.util.Map.of(), FloorSettings.defaults(),
                            clock.instant());
                    System.out.printf("run %d: span %d ms, state log %d ms, derivation %d ms%n", run,
                            (spanRead - read) / 1_000_000, (statesRead - spanRead) / 1_000_000,
                            (System.nanoTime() - statesRead) / 1_000_000);
                }
                FloorReport report = reports.report(ReportPeriod.Length.MONTH, LocalDate.parse("2026-11-15"));
                // 600 calls a day for the 30 days of November, each queued 10 s after arriving.
                assertThat(report.total().figures().offered()).isBetween(17_990, 18_010);
                assertThat(report.byOperator()).hasSize(41);
                status.setRollbackOnly();
            });
        } finally {
            System.out.println(String.join("\n----\n", plans));
        }
        assertThat(stateLogStatements).hasSize(2);
        assertThat(plans.getFirst()).contains("call_by_queued")
                .doesNotContain("Seq Scan on call ").doesNotContain("Seq Scan on call_event")
                .doesNotContain("Seq Scan on escalation");
        assertThat(plans.subList(1, plans.size())).allSatisfy(plan -> assertThat(plan)
                .contains("operator_state_event_by").doesNotContain("Seq Scan on operator_state_event"));
    }
}
