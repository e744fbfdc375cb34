package org.tiphotline.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tiphotline.floor.FloorInterval.Kind;

/** Intervals on the jurisdiction's clock, across the two days a year the clocks change (New York, 2026). */
class FloorIntervalTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final List<LocalTime> SHIFTS = List.of(LocalTime.of(7, 0), LocalTime.of(15, 0),
            LocalTime.of(23, 0));

    @Test
    void quartersAndHoursFollowTheLocalClock() {
        // 14:07:30 UTC is 09:07:30 in New York in December.
        FloorInterval q = FloorInterval.containing(Kind.QUARTER, Instant.parse("2026-12-07T14:07:30Z"), NEW_YORK,
                SHIFTS);
        assertThat(q.from()).isEqualTo(Instant.parse("2026-12-07T14:00:00Z"));
        assertThat(q.to()).isEqualTo(Instant.parse("2026-12-07T14:15:00Z"));
        assertThat(q.label()).isEqualTo("2026-12-07 09:00–09:15");
        assertThat(q.contains(q.from())).isTrue();
        assertThat(q.contains(q.to())).isFalse();
        FloorInterval h = FloorInterval.containing(Kind.HOUR, Instant.parse("2026-12-07T14:59:59Z"), NEW_YORK,
                SHIFTS);
        assertThat(h.from()).isEqualTo(Instant.parse("2026-12-07T14:00:00Z"));
        assertThat(h.to()).isEqualTo(Instant.parse("2026-12-07T15:00:00Z"));
    }

    @Test
    void theDayClocksGoForwardIs23HoursAndTheDayTheyGoBack25() {
        assertThat(length(Kind.DAY, "2026-03-08T12:00:00Z")).isEqualTo(Duration.ofHours(23));
        assertThat(length(Kind.DAY, "2026-11-01T12:00:00Z")).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void theRepeatedHourWhenClocksGoBackGivesTwoDistinctQuarters() {
        // 01:50 EDT (05:50Z) and 01:50 EST (06:50Z) on 1 November 2026.
        FloorInterval first = FloorInterval.containing(Kind.QUARTER, Instant.parse("2026-11-01T05:50:00Z"), NEW_YORK,
                SHIFTS);
        FloorInterval second = FloorInterval.containing(Kind.QUARTER, Instant.parse("2026-11-01T06:50:00Z"),
                NEW_YORK, SHIFTS);
        assertThat(first.from()).isEqualTo(Instant.parse("2026-11-01T05:45:00Z"));
        assertThat(second.from()).isEqualTo(Instant.parse("2026-11-01T06:45:00Z"));
        assertThat(Duration.between(second.from(), second.to())).isEqualTo(Duration.ofMinutes(15));
        assertThat(length(Kind.HOUR, "2026-11-01T06:30:00Z")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theNightShiftRunsFromYesterday23ToToday7AndIsLongerWhenClocksGoBack() {
        // 04:00 EST on 1 November: the night shift started 23:00 EDT on 31 October (03:00Z), ends 07:00 EST (12:00Z).
        FloorInterval night = FloorInterval.containing(Kind.SHIFT, Instant.parse("2026-11-01T09:00:00Z"), NEW_YORK,
                SHIFTS);
        assertThat(night.from()).isEqualTo(Instant.parse("2026-11-01T03:00:00Z"));
        assertThat(night.to()).isEqualTo(Instant.parse("2026-11-01T12:00:00Z"));
        assertThat(night.label()).isEqualTo("shift 2026-10-31 23:00–07:00");
        FloorInterval day = FloorInterval.containing(Kind.SHIFT, Instant.parse("2026-12-07T12:00:00Z"), NEW_YORK,
                SHIFTS);
        assertThat(day.from()).isEqualTo(Instant.parse("2026-12-07T12:00:00Z"));
        assertThat(day.to()).isEqualTo(Instant.parse("2026-12-07T20:00:00Z"));
    }

    @Test
    void oneShiftStartMakesADayLongShift() {
        FloorInterval shift = FloorInterval.containing(Kind.SHIFT, Instant.parse("2026-12-07T11:00:00Z"), NEW_YORK,
                List.of(LocalTime.of(7, 0)));
        assertThat(shift.from()).isEqualTo(Instant.parse("2026-12-06T12:00:00Z"));
        assertThat(shift.to()).isEqualTo(Instant.parse("2026-12-07T12:00:00Z"));
    }

    private static Duration length(Kind kind, String at) {
        FloorInterval i = FloorInterval.containing(kind, Instant.parse(at), NEW_YORK, SHIFTS);
        return Duration.between(i.from(), i.to());
    }
}
