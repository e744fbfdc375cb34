package org.tiphotline.floor;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * The stretch a floor report covers on the jurisdiction's clock: a day, a week (Monday to Sunday, as ISO 8601
 * counts weeks) or a calendar month, from local midnight to local midnight, so a day clocks go forward is 23 hours
 * long and the month holding it an hour shorter. A month is the longest: what one request may read is bounded.
 */
public record ReportPeriod(Length length, LocalDate first, LocalDate next, ZoneId zone) {

    /** How long a report's period is. */
    public enum Length { DAY, WEEK, MONTH }

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM uuuu", Locale.ENGLISH);

    /** The period of {@code length} that holds {@code day}. */
    public static ReportPeriod holding(Length length, LocalDate day, ZoneId zone) {
        return switch (length) {
            case DAY -> new ReportPeriod(length, day, day.plusDays(1), zone);
            case WEEK -> {
                LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield new ReportPeriod(length, monday, monday.plusWeeks(1), zone);
            }
            case MONTH -> {
                LocalDate first = day.withDayOfMonth(1);
                yield new ReportPeriod(length, first, first.plusMonths(1), zone);
            }
        };
    }

    /** Local midnight of the first day. */
    public Instant from() {
        return first.atStartOfDay(zone).toInstant();
    }

    /** Local midnight after the last day (exclusive). */
    public Instant to() {
        return next.atStartOfDay(zone).toInstant();
    }

    /** "2026-12-07", "week of 2026-12-07", "December 2026". */
    public String label() {
        return switch (length) {
            case DAY -> first.toString();
            case WEEK -> "week of " + first;
            case MONTH -> MONTH.format(first);
        };
    }

    /** The whole period as one interval for {@link FloorFigures} (its kind is only a name there). */
    FloorInterval interval() {
        return new FloorInterval(FloorInterval.Kind.DAY, from(), to(), label());
    }
}
