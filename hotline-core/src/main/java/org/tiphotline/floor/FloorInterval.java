package org.tiphotline.floor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A stretch of the floor's day on the jurisdiction's clock: {@code [from, to)}. Quarters and hours are cut on
 * the instant line (an hour is always 60 minutes, even the repeated hour when clocks go back); days and shifts
 * start at local times, so the day clocks go forward is 23 hours long and its shifts too may be shorter.
 */
public record FloorInterval(Kind kind, Instant from, Instant to, String label) {

    /** The lengths a supervisor can look at. */
    public enum Kind { QUARTER, HOUR, SHIFT, DAY }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    public FloorInterval {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("an interval ends after it starts");
        }
    }

    public boolean contains(Instant at) {
        return at != null && !at.isBefore(from) && at.isBefore(to);
    }

    /** The interval of this kind that holds {@code now}. */
    public static FloorInterval containing(Kind kind, Instant now, ZoneId zone, List<LocalTime> shiftStarts) {
        ZonedDateTime local = now.atZone(zone);
        return switch (kind) {
            case QUARTER -> {
                // truncatedTo keeps the offset in the hour repeated when clocks go back.
                ZonedDateTime start = local.truncatedTo(ChronoUnit.HOURS).plusMinutes(local.getMinute() / 15 * 15L);
                yield clocked(kind, start, start.plusMinutes(15));
            }
            case HOUR -> {
                ZonedDateTime start = local.truncatedTo(ChronoUnit.HOURS);
                yield clocked(kind, start, start.plusHours(1));
            }
            case DAY -> {
                LocalDate day = local.toLocalDate();
                yield new FloorInterval(kind, day.atStartOfDay(zone).toInstant(),
                        day.plusDays(1).atStartOfDay(zone).toInstant(), day.toString());
            }
            case SHIFT -> shift(now, zone, shiftStarts);
        };
    }

    private static FloorInterval clocked(Kind kind, ZonedDateTime start, ZonedDateTime end) {
        return new FloorInterval(kind, start.toInstant(), end.toInstant(),
                start.toLocalDate() + " " + CLOCK.format(start) + "–" + CLOCK.format(end));
    }

    private static FloorInterval shift(Instant now, ZoneId zone, List<LocalTime> starts) {
        LocalDate today = now.atZone(zone).toLocalDate();
        // The latest shift start at or before now, looking back to yesterday's last shift (a night shift).
        ZonedDateTime start = null;
        for (LocalDate day : List.of(today.minusDays(1), today)) {
            for (LocalTime t : starts) {
                ZonedDateTime s = ZonedDateTime.of(day, t, zone);
                if (!s.toInstant().isAfter(now) && (start == null || s.isAfter(start))) {
                    start = s;
                }
            }
        }
        ZonedDateTime end = null;
        for (LocalDate day : List.of(today, today.plusDays(1))) {
            for (LocalTime t : starts) {
                ZonedDateTime s = ZonedDateTime.of(day, t, zone);
                if (s.isAfter(start) && (end == null || s.isBefore(end))) {
                    end = s;
                }
            }
        }
        return new FloorInterval(Kind.SHIFT, start.toInstant(), end.toInstant(), "shift " + start.toLocalDate() + " "
                + CLOCK.format(start) + "–" + CLOCK.format(end));
    }
}
