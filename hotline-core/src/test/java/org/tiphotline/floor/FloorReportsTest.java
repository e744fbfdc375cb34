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
    private Switchboard switchboard;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private DSLContext db;

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
}
