package org.tiphotline.console.floorreport;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tiphotline.exports.ExportTable;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorFigures.ServiceLevel;
import org.tiphotline.floor.FloorReport;
import org.tiphotline.labels.Labels;
import org.tiphotline.routing.AwayReason;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.StateLog;

/**
 * A floor report as spreadsheet tables with headings in words: the figures (the period, then each day, then each
 * hour) or the operators (answered calls, speed, handling and time in each state). Written by the exports' CSV
 * writer ({@link org.tiphotline.exports.ExportFormat}), whose cells never start a formula: an operator's display
 * name is the only text typed by a person here, and it goes through the same guard.
 */
final class FloorReportCsv {

    /** The two tables a report exports. */
    enum Table { FIGURES, OPERATORS }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private FloorReportCsv() {
    }

    static ExportTable table(FloorReport report, Table table) {
        return switch (table) {
            case FIGURES -> figures(report);
            case OPERATORS -> operators(report);
        };
    }

    private static ExportTable figures(FloorReport report) {
        ZoneId zone = ZoneId.of(report.timeZone());
        ServiceLevel first = report.total().figures().serviceLevelFirst();
        ServiceLevel second = report.total().figures().serviceLevelSecond();
        List<String> columns = List.of("Row", "Period", "Starts", "Offered", "Answered", "Abandoned in the phone menu",
                "Abandoned waiting", "Abandoned while ringing", "Short abandons", "Handed over unanswered", "Lost",
                "Still waiting", "Answered within " + first.thresholdSeconds() + " s (%)",
                "Target within " + first.thresholdSeconds() + " s (%)",
                "Answered within " + second.thresholdSeconds() + " s (%)",
                "Target within " + second.thresholdSeconds() + " s (%)", "Average speed of answer (s)",
                "90th percentile speed of answer (s)", "Average handling time (s)", "Escalations raised",
                "Escalations acknowledged in time");
        List<Map<String, Object>> rows = new ArrayList<>();
        rows.add(figuresRow(columns, "Whole " + report.length().name().toLowerCase(java.util.Locale.ROOT),
                report.total(), zone));
        report.byDay().forEach(r -> rows.add(figuresRow(columns, "Day", r, zone)));
        report.byHour().forEach(r -> rows.add(figuresRow(columns, r.from() == null ? "Hour of the day" : "Hour", r,
                zone)));
        return new ExportTable("floor-report-figures", columns, rows, notice(report));
    }

    private static Map<String, Object> figuresRow(List<String> columns, String kind, FloorReport.Row row,
            ZoneId zone) {
        Figures f = row.figures();
        List<Object> values = List.of(kind, row.label(), row.from() == null ? "" : local(row.from(), zone),
                f.offered(), f.answered(), f.abandonedInIvr(), f.abandonedInQueue(), f.abandonedRinging(),
                f.shortAbandons(), f.handedOver(), f.lost(), f.waiting(), percent(f.serviceLevelFirst()),
                f.serviceLevelFirst().target(), percent(f.serviceLevelSecond()), f.serviceLevelSecond().target(),
                seconds(f.averageSpeedOfAnswerMs()), seconds(f.speedOfAnswerP90Ms()), seconds(f.averageHandlingMs()),
                f.escalationsRaised(), f.escalationsAcknowledgedInTime());
        return zip(columns, values);
    }

    /** The states a report has a column for, in the order of an operator's day; away's reasons apart. */
    private record StateColumn(Presence state, AwayReason reason, String words) {}

    private static List<StateColumn> stateColumns() {
        List<StateColumn> states = new ArrayList<>();
        for (Presence p : List.of(Presence.AVAILABLE, Presence.RINGING, Presence.ON_CALL, Presence.WRAP_UP)) {
            states.add(new StateColumn(p, null, Labels.of("presence", p.name())));
        }
        for (AwayReason r : List.of(AwayReason.BREAK, AwayReason.TRAINING, AwayReason.MEETING, AwayReason.OTHER)) {
            states.add(new StateColumn(Presence.AWAY, r, Labels.of("away", r.name())));
        }
        states.add(new StateColumn(Presence.PHONE_NOT_CONNECTED, null,
                Labels.of("presence", Presence.PHONE_NOT_CONNECTED.name())));
        return states;
    }

    private static ExportTable operators(FloorReport report) {
        List<StateColumn> states = stateColumns();
        List<String> columns = new ArrayList<>(List.of("Operator", "Answered", "Average speed of answer (s)",
                "Average handling time (s)"));
        states.forEach(s -> columns.add(s.words() + " (s)"));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FloorReport.OperatorRow o : report.byOperator()) {
            List<Object> values = new ArrayList<>(List.of(o.name(), o.answered(),
                    seconds(o.averageSpeedOfAnswerMs()), seconds(o.averageHandlingMs())));
            for (StateColumn s : states) {
                long total = 0;
                for (StateLog.Total t : o.timeInState()) {
                    // Away with no reason given reads as plain "Away", the OTHER reason's words.
                    AwayReason reason = t.state() == Presence.AWAY && t.reason() == null ? AwayReason.OTHER
                            : t.reason();
                    if (t.state() == s.state() && reason == s.reason()) {
                        total += t.seconds();
                    }
                }
                values.add(total);
            }
            rows.add(zip(columns, values));
        }
        return new ExportTable("floor-report-operators", columns, rows, notice(report));
    }

    private static Map<String, Object> notice(FloorReport report) {
        return Map.of("period", report.label(), "timeZone", report.timeZone());
    }

    private static Map<String, Object> zip(List<String> columns, List<Object> values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(columns.get(i), values.get(i));
        }
        return row;
    }

    private static String local(Instant at, ZoneId zone) {
        return LOCAL.format(at.atZone(zone));
    }

    private static Object percent(ServiceLevel level) {
        return level.percent() == null ? "" : level.percent();
    }

    /** Milliseconds as seconds with one decimal; empty when there was nothing to average. */
    private static Object seconds(Long ms) {
        return ms == null ? "" : Math.round(ms / 100.0) / 10.0;
    }
}
