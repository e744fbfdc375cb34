package org.tiphotline.floor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.floor.FloorFigures.EscalationFact;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorFigures.Timeline;
import org.tiphotline.routing.StateLog;

/**
 * A report of the floor over a day, a week or a month: the wallboard's figures ({@link FloorFigures}, the same
 * definitions, never counted again another way) for the whole period, by hour and by day, and per operator their
 * answered calls, speed of answer and handling time with their time in each state (from the state log). Staff data
 * only: operators' names and times, nothing of any caller.
 *
 * <p>By hour: for a day, each hour as the clock ran (the instant line, as the wallboard's hours are): 23 rows the day
 * clocks go forward, 25 the day they go back, the labels then naming the zone's abbreviation so the repeated hour
 * reads twice apart. For a week or a month, the hour of the day (00:00–01:00 … 23:00–24:00) over all its days: when in
 * the day callers call and wait is what a supervisor staffs by; a call counts in the local hour in which it reached
 * the queue (or arrived, if it never did), the repeated hour's calls together in one row and the skipped hour's row
 * one day emptier. By day: each day of a week or a month (none for a day report).
 *
 * <p>By operator: a call is credited to the operator who answered it first (a call handed over to a colleague later
 * stays the first operator's answered call, its handling time running to the end of the call on our line), with the
 * period's rule for which calls count (reached the queue in the period), so the operators' answered calls add up to
 * the period's.
 */
public record FloorReport(ReportPeriod.Length length, LocalDate first, LocalDate last, Instant from, Instant to,
        String label, String timeZone, Row total, List<Row> byHour, List<Row> byDay, List<OperatorRow> byOperator) {

    /**
     * One row of figures: a stretch of time ({@code from}, {@code to}; an hour also has the local {@code hourOfDay}
     * it starts at), or an hour of the day over a week or month ({@code hourOfDay} 0–23, {@code from} and {@code to}
     * null).
     */
    public record Row(String label, Instant from, Instant to, Integer hourOfDay, Figures figures) {}

    /** One operator over the period; durations in whole milliseconds, null when there is nothing to average. */
    public record OperatorRow(long operator, String name, int answered, Long averageSpeedOfAnswerMs,
            Long averageHandlingMs, List<StateLog.Total> timeInState) {}

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter CLOCK_AND_ZONE = DateTimeFormatter.ofPattern("HH:mm z", Locale.ENGLISH);

    /**
     * The report of {@code period} from the calls and escalations of its span ({@link FloorFacts#span}), the
     * operators' states over it ({@link StateLog#between}) and the names of operators who answered but logged no
     * state in it; as things stand at {@code now}. Pure: tested with a constructed log.
     */
    public static FloorReport derive(ReportPeriod period, FloorFacts.Span span, List<StateLog.OperatorShift> shifts,
            Map<Long, String> names, FloorSettings settings, Instant now) {
        FloorInterval whole = period.interval();
        List<Timeline> calls = span.calls();
        List<EscalationFact> escalations = span.escalations();
        Row total = new Row(period.label(), whole.from(), whole.to(), null,
                FloorFigures.compute(whole, calls, escalations, settings, now));
        List<Row> byHour = period.length() == ReportPeriod.Length.DAY
                ? hoursOfTheDay(period, calls, escalations, settings, now)
                : hoursOfDayOverThePeriod(period, calls, escalations, settings, now);
        List<Row> byDay = new ArrayList<>();
        if (period.length() != ReportPeriod.Length.DAY) {
            for (LocalDate d = period.first(); d.isBefore(period.next()); d = d.plusDays(1)) {
                FloorInterval day = new FloorInterval(FloorInterval.Kind.DAY, d.atStartOfDay(period.zone()).toInstant(),
                        d.plusDays(1).atStartOfDay(period.zone()).toInstant(), d.toString());
                byDay.add(new Row(day.label(), day.from(), day.to(), null,
                        FloorFigures.compute(day, calls, escalations, settings, now)));
            }
        }
        return new FloorReport(period.length(), period.first(), period.next().minusDays(1), whole.from(), whole.to(),
                period.label(), period.zone().getId(), total, byHour, byDay,
                byOperator(whole, calls, shifts, names, settings, now));
    }

    /** Each hour of one day on the instant line; the zone's abbreviation in the labels of a day the clocks change. */
    private static List<Row> hoursOfTheDay(ReportPeriod period, List<Timeline> calls,
            List<EscalationFact> escalations, FloorSettings settings, Instant now) {
        ZoneId zone = period.zone();
        boolean clocksChange = !zone.getRules().getOffset(period.from()).equals(zone.getRules().getOffset(period.to()));
        DateTimeFormatter clock = clocksChange ? CLOCK_AND_ZONE : CLOCK;
        List<Row> rows = new ArrayList<>();
        for (Instant start = period.from(); start.isBefore(period.to()); start = start.plusSeconds(3600)) {
            Instant end = start.plusSeconds(3600);
            FloorInterval hour = new FloorInterval(FloorInterval.Kind.HOUR, start, end,
                    clock.format(start.atZone(zone)) + "–" + clock.format(end.atZone(zone)));
            rows.add(new Row(hour.label(), start, end, start.atZone(zone).getHour(),
                    FloorFigures.compute(hour, calls, escalations, settings, now)));
        }
        return rows;
    }

    /** The 24 hours of the day, each holding the calls of that local hour on every day of the period. */
    private static List<Row> hoursOfDayOverThePeriod(ReportPeriod period, List<Timeline> calls,
            List<EscalationFact> escalations, FloorSettings settings, Instant now) {
        ZoneId zone = period.zone();
        Map<Integer, List<Timeline>> callsByHour = new TreeMap<>();
        for (Timeline call : calls) {
            Instant at = FloorFigures.countedAt(call);
            if (at != null) {
                callsByHour.computeIfAbsent(at.atZone(zone).getHour(), h -> new ArrayList<>()).add(call);
            }
        }
        Map<Integer, List<EscalationFact>> escalationsByHour = new TreeMap<>();
        for (EscalationFact e : escalations) {
            escalationsByHour.computeIfAbsent(e.raisedAt().atZone(zone).getHour(), h -> new ArrayList<>()).add(e);
        }
        FloorInterval whole = period.interval();
        List<Row> rows = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            String label = "%02d:00–%02d:00".formatted(h, h + 1);
            rows.add(new Row(label, null, null, h, FloorFigures.compute(whole, callsByHour.getOrDefault(h, List.of()),
                    escalationsByHour.getOrDefault(h, List.of()), settings, now)));
        }
        return rows;
    }

    private static List<OperatorRow> byOperator(FloorInterval whole, List<Timeline> calls,
            List<StateLog.OperatorShift> shifts, Map<Long, String> names, FloorSettings settings, Instant now) {
        Map<Long, List<Timeline>> answeredBy = new LinkedHashMap<>();
        for (Timeline call : calls) {
            Long operator = answeredBy(call.events());
            if (operator != null) {
                answeredBy.computeIfAbsent(operator, o -> new ArrayList<>()).add(call);
            }
        }
        Map<Long, StateLog.OperatorShift> shiftOf = new LinkedHashMap<>();
        shifts.forEach(s -> shiftOf.put(s.operator().value(), s));
        Collection<Long> operators = new java.util.TreeSet<>(answeredBy.keySet());
        operators.addAll(shiftOf.keySet());
        List<OperatorRow> rows = new ArrayList<>();
        for (Long operator : operators) {
            Figures f = FloorFigures.compute(whole, answeredBy.getOrDefault(operator, List.of()), List.of(), settings,
                    now);
            StateLog.OperatorShift shift = shiftOf.get(operator);
            String name = shift != null && shift.name() != null ? shift.name()
                    : names.getOrDefault(operator, "Former user");
            rows.add(new OperatorRow(operator, name, f.answered(), f.averageSpeedOfAnswerMs(), f.averageHandlingMs(),
                    shift == null ? List.of() : shift.totals()));
        }
        rows.sort(Comparator.comparing(OperatorRow::name).thenComparing(OperatorRow::operator));
        return rows;
    }

    /** The operator of the call's first answer, or null if nobody answered it. */
    static Long answeredBy(List<CallEvent> events) {
        for (CallEvent e : events) {
            if (e.type() == CallEventType.ANSWERED) {
                return e.operator() == null ? null : e.operator().value();
            }
        }
        return null;
    }

    /** Operators who answered a call of the span: their names are needed where the state log has none. */
    public static java.util.Set<Long> answeringOperators(FloorFacts.Span span) {
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        for (Timeline call : span.calls()) {
            Long operator = answeredBy(call.events());
            if (operator != null) {
                ids.add(operator);
            }
        }
        return ids;
    }
}
