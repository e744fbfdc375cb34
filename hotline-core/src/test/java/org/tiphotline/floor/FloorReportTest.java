package org.tiphotline.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.floor.FloorFigures.EscalationFact;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorFigures.Timeline;
import org.tiphotline.floor.FloorReport.OperatorRow;
import org.tiphotline.floor.FloorReport.Row;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.AwayReason;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.StateLog;

/**
 * Floor reports from a constructed log, against figures worked out by hand in the comments: a day in Kingston (no
 * daylight saving) by hour and by operator, with a call crossing an hour boundary and one crossing midnight; and the
 * days New York's clocks go forward and back (23 and 25 hours), with the week and month that hold them.
 */
class FloorReportTest {

    private static final ZoneId KINGSTON = ZoneId.of("America/Jamaica");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final long ANN = 1;
    private static final long BEN = 2;
    private static final long CAT = 3;
    private static final FloorSettings SETTINGS = FloorSettings.defaults();
    private static final Instant LATER = Instant.parse("2027-01-01T00:00:00Z");

    /** A call's timeline, its events at instants given as local times in one zone. */
    private static final class Call {
        private final ZoneId zone;
        private final List<CallEvent> events = new ArrayList<>();

        Call(ZoneId zone, String arrived) {
            this.zone = zone;
            add(CallEventType.ARRIVED, arrived, null, Map.of());
        }

        private Call add(CallEventType type, String local, Long operator, Map<String, String> detail) {
            events.add(new CallEvent(events.size() + 1, type, LocalDateTime.parse(local).atZone(zone).toInstant(),
                    operator == null ? null : new OperatorId(operator), detail));
            return this;
        }

        /** An instant given directly: for the hour the clocks repeat, where a local time is ambiguous. */
        Call queuedAt(Instant at) {
            events.add(new CallEvent(events.size() + 1, CallEventType.QUEUED, at, null, Map.of()));
            return this;
        }

        Call queued(String local) {
            return add(CallEventType.QUEUED, local, null, Map.of());
        }

        Call answered(String local, long by) {
            add(CallEventType.OFFERED, local, by, Map.of());
            return add(CallEventType.ANSWERED, local, by, Map.of());
        }

        Call ended(String local) {
            return add(CallEventType.ENDED, local, null, Map.of("by", "caller"));
        }

        Call abandoned(String local, String stage) {
            return add(CallEventType.ABANDONED, local, null, Map.of("stage", stage));
        }

        Timeline timeline() {
            return new Timeline(events);
        }
    }

    private static Instant kingston(String local) {
        return LocalDateTime.parse(local).atZone(KINGSTON).toInstant();
    }

    /** Monday 7 December 2026 in Kingston. */
    private static FloorFacts.Span kingstonDay() {
        String d = "2026-12-07T";
        return new FloorFacts.Span(List.of(
                // A: hour 09, speed 10 s, handled 300 s, Ann.
                new Call(KINGSTON, d + "09:10:00").queued(d + "09:10:10").answered(d + "09:10:20", ANN)
                        .ended(d + "09:15:20").timeline(),
                // B: queued at 09:59:50, answered at 10:00:20 (30 s) and ended 10:04:20 (240 s): an hour-09 call,
                // though answered and handled in hour 10. Ben.
                new Call(KINGSTON, d + "09:59:30").queued(d + "09:59:50").answered(d + "10:00:20", BEN)
                        .ended(d + "10:04:20").timeline(),
                // C: hour 10, hung up 40 s after queueing: abandoned in the queue.
                new Call(KINGSTON, d + "10:20:00").queued(d + "10:20:05").abandoned(d + "10:20:45", "QUEUED")
                        .timeline(),
                // D: hour 10, hung up 3 s after queueing: a short abandon.
                new Call(KINGSTON, d + "10:30:00").queued(d + "10:30:02").abandoned(d + "10:30:05", "QUEUED")
                        .timeline(),
                // E: hour 10, hung up in the IVR.
                new Call(KINGSTON, d + "10:40:00").abandoned(d + "10:40:30", "IVR").timeline(),
                // F: arrived in hour 10 but queued in hour 11: speed 12 s, handled 120 s, Ann.
                new Call(KINGSTON, d + "10:59:55").queued(d + "11:00:05").answered(d + "11:00:17", ANN)
                        .ended(d + "11:02:17").timeline(),
                // G: queued ten seconds before midnight, answered after it by Ben: the 6th's call, not the 7th's.
                new Call(KINGSTON, "2026-12-06T23:59:40").queued("2026-12-06T23:59:50")
                        .answered(d + "00:00:10", BEN).ended(d + "00:03:10").timeline()),
                List.of(new EscalationFact(kingston(d + "09:30:00"), kingston(d + "09:31:00"),
                        kingston(d + "09:35:00"))));
    }

    private static StateLog.OperatorShift shift(long operator, String name, StateLog.Total... totals) {
        return new StateLog.OperatorShift(new OperatorId(operator), name, List.of(totals), List.of());
    }

    @Test
    void aDayByHourAndByOperatorMatchesTheHandCount() {
        ReportPeriod day = ReportPeriod.holding(ReportPeriod.Length.DAY, LocalDate.parse("2026-12-07"), KINGSTON);
        List<StateLog.OperatorShift> shifts = List.of(
                shift(ANN, "Testann Fakename", new StateLog.Total(Presence.AVAILABLE, null, 3600),
                        new StateLog.Total(Presence.AWAY, AwayReason.BREAK, 900)),
                shift(CAT, "Testcat Fakename", new StateLog.Total(Presence.AWAY, AwayReason.TRAINING, 7200)));
        FloorReport report = FloorReport.derive(day, kingstonDay(), shifts, Map.of(BEN, "Testben Fakename"), SETTINGS,
                LATER);

        assertThat(report.byHour()).hasSize(24);
        assertThat(report.byHour()).extracting(Row::label).startsWith("00:00–01:00", "01:00–02:00")
                .endsWith("23:00–00:00");
        assertThat(report.byDay()).isEmpty();
        assertThat(report.label()).isEqualTo("2026-12-07");

        // Hour 09: A and B reached the queue (B answered in hour 10 still counts here); both answered; within 15 s
        // (and 20 s) only A: 1 of 2 = 50 %; speed (10 + 30) / 2 = 20 s, 90th percentile rank 2 of 2 = 30 s; handled
        // (300 + 240) / 2 = 270 s; one escalation raised at 09:30, acknowledged a minute later: in time.
        Figures nine = report.byHour().get(9).figures();
        assertThat(nine.offered()).isEqualTo(2);
        assertThat(nine.answered()).isEqualTo(2);
        assertThat(nine.serviceLevelFirst().percent()).isEqualTo(50.0);
        assertThat(nine.serviceLevelSecond().percent()).isEqualTo(50.0);
        assertThat(nine.averageSpeedOfAnswerMs()).isEqualTo(20_000L);
        assertThat(nine.speedOfAnswerP90Ms()).isEqualTo(30_000L);
        assertThat(nine.averageHandlingMs()).isEqualTo(270_000L);
        assertThat(nine.escalationsRaised()).isEqualTo(1);
        assertThat(nine.escalationsAcknowledgedInTime()).isEqualTo(1);
        // Hour 10: C and D reached the queue; C abandoned in it, D a short abandon; E in the IVR; nobody answered:
        // the level counts 2 - 1 short = 1 call, none within: 0 %. F arrived in hour 10 but is hour 11's.
        Figures ten = report.byHour().get(10).figures();
        assertThat(ten.offered()).isEqualTo(2);
        assertThat(ten.answered()).isZero();
        assertThat(ten.abandonedInQueue()).isEqualTo(1);
        assertThat(ten.shortAbandons()).isEqualTo(1);
        assertThat(ten.abandonedInIvr()).isEqualTo(1);
        assertThat(ten.serviceLevelFirst().counted()).isEqualTo(1);
        assertThat(ten.serviceLevelFirst().percent()).isEqualTo(0.0);
        assertThat(ten.averageHandlingMs()).isNull();
        // Hour 11: F, answered in 12 s, handled 120 s.
        Figures eleven = report.byHour().get(11).figures();
        assertThat(eleven.offered()).isEqualTo(1);
        assertThat(eleven.serviceLevelFirst().percent()).isEqualTo(100.0);
        assertThat(eleven.averageHandlingMs()).isEqualTo(120_000L);
        // Hour 00: G was queued on the 6th; nothing here.
        assertThat(report.byHour().get(0).figures().offered()).isZero();
        assertThat(report.byHour().get(0).figures().answered()).isZero();

        // The day: A B C D F offered (5), A B F answered (3), E in the IVR, C in the queue, D short; level over
        // 5 - 1 = 4: within 15 s A and F = 50 %; speed (10 + 30 + 12) / 3 = 17.333 s, 90th percentile rank 3 of 3
        // = 30 s; handled (300 + 240 + 120) / 3 = 220 s.
        Figures total = report.total().figures();
        assertThat(total.offered()).isEqualTo(5);
        assertThat(total.answered()).isEqualTo(3);
        assertThat(total.abandonedInIvr()).isEqualTo(1);
        assertThat(total.abandonedInQueue()).isEqualTo(1);
        assertThat(total.shortAbandons()).isEqualTo(1);
        assertThat(total.serviceLevelFirst().percent()).isEqualTo(50.0);
        assertThat(total.averageSpeedOfAnswerMs()).isEqualTo(17_333L);
        assertThat(total.speedOfAnswerP90Ms()).isEqualTo(30_000L);
        assertThat(total.averageHandlingMs()).isEqualTo(220_000L);
        // The hours add up to the day.
        assertThat(report.byHour().stream().mapToInt(r -> r.figures().offered()).sum()).isEqualTo(5);
        assertThat(report.byHour().stream().mapToInt(r -> r.figures().abandonedInIvr()).sum()).isEqualTo(1);

        // By operator, by name: Ann answered A and F (speed (10 + 12) / 2 = 11 s, handled (300 + 120) / 2 = 210 s);
        // Ben answered B (30 s, 240 s), not G (the 6th's), and logged no state: his name comes from the accounts;
        // Cat answered nothing and was in training two hours.
        assertThat(report.byOperator()).containsExactly(
                new OperatorRow(ANN, "Testann Fakename", 2, 11_000L, 210_000L, shifts.get(0).totals()),
                new OperatorRow(BEN, "Testben Fakename", 1, 30_000L, 240_000L, List.of()),
                new OperatorRow(CAT, "Testcat Fakename", 0, null, null, shifts.get(1).totals()));
        assertThat(report.byOperator().stream().mapToInt(OperatorRow::answered).sum()).isEqualTo(total.answered());
    }

    @Test
    void theDayNewYorkSetsItsClocksForwardHas23HoursAndTheSkippedHourIsOneRow() {
        ReportPeriod day = ReportPeriod.holding(ReportPeriod.Length.DAY, LocalDate.parse("2026-03-08"), NEW_YORK);
        // 01:30 EST is 06:30Z; an hour later the clock reads 03:30 EDT (07:30Z).
        FloorFacts.Span span = new FloorFacts.Span(List.of(
                new Call(NEW_YORK, "2026-03-08T01:29:00").queued("2026-03-08T01:30:00").timeline(),
                new Call(NEW_YORK, "2026-03-08T03:29:00").queued("2026-03-08T03:30:00").timeline()), List.of());
        FloorReport report = FloorReport.derive(day, span, List.of(), Map.of(), SETTINGS, LATER);

        assertThat(Duration.between(report.from(), report.to())).isEqualTo(Duration.ofHours(23));
        assertThat(report.byHour()).hasSize(23);
        assertThat(report.byHour()).extracting(Row::label).startsWith("00:00 EST–01:00 EST", "01:00 EST–03:00 EDT",
                "03:00 EDT–04:00 EDT").endsWith("23:00 EDT–00:00 EDT");
        assertThat(report.byHour()).extracting(r -> r.figures().offered()).startsWith(0, 1, 1, 0);
        assertThat(report.byHour().get(1).from()).isEqualTo(Instant.parse("2026-03-08T06:00:00Z"));
        assertThat(report.total().figures().offered()).isEqualTo(2);

        // The month of March is an hour short of 31 days; its hour 02 is empty that day, the others hold one each.
        ReportPeriod march = ReportPeriod.holding(ReportPeriod.Length.MONTH, LocalDate.parse("2026-03-19"), NEW_YORK);
        FloorReport month = FloorReport.derive(march, span, List.of(), Map.of(), SETTINGS, LATER);
        assertThat(Duration.between(month.from(), month.to())).isEqualTo(Duration.ofHours(31 * 24 - 1));
        assertThat(month.label()).isEqualTo("March 2026");
        assertThat(month.byDay()).hasSize(31);
        assertThat(month.byDay().get(7).label()).isEqualTo("2026-03-08");
        assertThat(month.byDay().get(7).figures().offered()).isEqualTo(2);
        assertThat(month.byHour()).hasSize(24);
        assertThat(month.byHour()).extracting(r -> r.figures().offered()).startsWith(0, 1, 0, 1, 0);
    }

    @Test
    void theDayNewYorkSetsItsClocksBackHas25HoursAndTheRepeatedHourReadsTwiceApart() {
        ReportPeriod day = ReportPeriod.holding(ReportPeriod.Length.DAY, LocalDate.parse("2026-11-01"), NEW_YORK);
        // 01:30 happens twice: 05:30Z (EDT) and 06:30Z (EST). The first call waited 10 s and was answered, the
        // second hung up half an hour later in the queue (02:00:30 EST).
        FloorFacts.Span span = new FloorFacts.Span(List.of(
                new Call(NEW_YORK, "2026-11-01T01:29:00").queuedAt(Instant.parse("2026-11-01T05:30:00Z"))
                        .answered("2026-11-01T01:30:10", ANN).timeline(),
                new Call(NEW_YORK, "2026-11-01T00:59:00").queuedAt(Instant.parse("2026-11-01T06:30:00Z"))
                        .abandoned("2026-11-01T02:00:30", "QUEUED").timeline()),
                List.of());
        // The answer's local time 01:30:10 resolves to the earlier offset (05:30:10Z): 10 s after the first queueing.
        FloorReport report = FloorReport.derive(day, span, List.of(), Map.of(), SETTINGS, LATER);

        assertThat(report.byHour()).hasSize(25);
        assertThat(report.byHour()).extracting(Row::label).startsWith("00:00 EDT–01:00 EDT", "01:00 EDT–01:00 EST",
                "01:00 EST–02:00 EST");
        assertThat(report.byHour().get(1).figures().answered()).isEqualTo(1);
        assertThat(report.byHour().get(1).figures().averageSpeedOfAnswerMs()).isEqualTo(10_000L);
        assertThat(report.byHour().get(2).figures().abandonedInQueue()).isEqualTo(1);
        assertThat(report.byHour()).extracting(Row::hourOfDay).startsWith(0, 1, 1, 2);

        // The week holding it (Monday 26 October to Sunday 1 November) is 7 days and an hour; by hour of the day the
        // two 01:30s are one row: offered 2, answered 1, abandoned 1.
        ReportPeriod week = ReportPeriod.holding(ReportPeriod.Length.WEEK, LocalDate.parse("2026-10-28"), NEW_YORK);
        FloorReport weekly = FloorReport.derive(week, span, List.of(), Map.of(), SETTINGS, LATER);
        assertThat(weekly.first()).isEqualTo(LocalDate.parse("2026-10-26"));
        assertThat(weekly.last()).isEqualTo(LocalDate.parse("2026-11-01"));
        assertThat(Duration.between(weekly.from(), weekly.to())).isEqualTo(Duration.ofHours(7 * 24 + 1));
        Figures oneAm = weekly.byHour().get(1).figures();
        assertThat(weekly.byHour().get(1).label()).isEqualTo("01:00–02:00");
        assertThat(oneAm.offered()).isEqualTo(2);
        assertThat(oneAm.answered()).isEqualTo(1);
        assertThat(oneAm.abandonedInQueue()).isEqualTo(1);
        assertThat(weekly.byDay()).extracting(r -> r.figures().offered()).containsExactly(0, 0, 0, 0, 0, 0, 2);
    }
}
