package org.tiphotline.console.floorreport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tiphotline.exports.ExportFormat;
import org.tiphotline.floor.FloorFacts;
import org.tiphotline.floor.FloorReport;
import org.tiphotline.floor.FloorSettings;
import org.tiphotline.floor.ReportPeriod;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.AwayReason;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.StateLog;

/**
 * A week's report as CSV, without a server: the rows in order (the week, its seven days, the 24 hours of the day),
 * and an operator's time per state, away with no reason given counted as plain "Away" with the OTHER reason.
 */
class FloorReportCsvTest {

    private static final ZoneId KINGSTON = ZoneId.of("America/Jamaica");

    private static FloorReport week() {
        ReportPeriod week = ReportPeriod.holding(ReportPeriod.Length.WEEK, LocalDate.parse("2026-06-03"), KINGSTON);
        StateLog.OperatorShift shift = new StateLog.OperatorShift(new OperatorId(7), "Testann Fakename", List.of(
                new StateLog.Total(Presence.AVAILABLE, null, 3600), new StateLog.Total(Presence.AWAY, null, 60),
                new StateLog.Total(Presence.AWAY, AwayReason.OTHER, 40),
                new StateLog.Total(Presence.AWAY, AwayReason.MEETING, 1800),
                new StateLog.Total(Presence.WRAP_UP, null, 120)), List.of());
        return FloorReport.derive(week, new FloorFacts.Span(List.of(), List.of()), List.of(shift), Map.of(),
                FloorSettings.defaults(), java.time.Instant.parse("2027-01-01T00:00:00Z"));
    }

    private static List<String> lines(FloorReportCsv.Table table) {
        return new String(ExportFormat.CSV.write(FloorReportCsv.table(week(), table), "x").content(),
                StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aWeekIsTheWeekThenItsDaysThenTheHoursOfTheDay() {
        List<String> lines = lines(FloorReportCsv.Table.FIGURES);
        assertThat(lines).hasSize(1 + 1 + 7 + 24);
        assertThat(lines.get(1)).startsWith("Whole week,week of 2026-06-01,2026-06-01 00:00,0,0,");
        assertThat(lines.get(2)).startsWith("Day,2026-06-01,2026-06-01 00:00,0,");
        assertThat(lines.get(8)).startsWith("Day,2026-06-07,2026-06-07 00:00,0,");
        // Hours of the day over the week have no start of their own.
        assertThat(lines.get(9)).startsWith("Hour of the day,00:00–01:00,,0,");
        assertThat(lines.getLast()).startsWith("Hour of the day,23:00–24:00,,0,");
    }

    @Test
    void anOperatorsTimeIsPerStateInSecondsWithUnexplainedAwayAsAway() {
        List<String> lines = lines(FloorReportCsv.Table.OPERATORS);
        // Available 3600, ringing 0, on a call 0, after-call work 120, on a break 0, training 0, meeting 1800,
        // away 60 + 40, phone not connected 0; nothing answered: no averages.
        assertThat(lines).containsExactly("Operator,Answered,Average speed of answer (s),Average handling time (s),"
                + "Available (s),Ringing (s),On a call (s),After-call work (s),On a break (s),In training (s),"
                + "In a meeting (s),Away (s),Phone not connected (s)",
                "Testann Fakename,0,,,3600,0,0,120,0,0,1800,100,0");
    }
}
