package org.tiphotline.floor;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the floor's figures are counted.
 *
 * @param shortAbandon a caller who hangs up within this time of reaching the queue is a short abandon (a misdial,
 *     a second thought), counted apart and out of the service level
 * @param serviceLevelFirst the first answer standard (NENA: 90 % of calls answered within 15 s)
 * @param serviceLevelFirstTarget its target, in percent
 * @param serviceLevelSecond the second answer standard (NENA: 95 % within 20 s)
 * @param serviceLevelSecondTarget its target, in percent
 * @param shifts when the shifts start, on the jurisdiction's clock; a shift lasts until the next one starts
 */
@ConfigurationProperties("hotline.floor")
public record FloorSettings(@DefaultValue("5s") Duration shortAbandon, @DefaultValue("15s") Duration serviceLevelFirst,
        @DefaultValue("90") double serviceLevelFirstTarget, @DefaultValue("20s") Duration serviceLevelSecond,
        @DefaultValue("95") double serviceLevelSecondTarget,
        @DefaultValue({"07:00", "15:00", "23:00"}) List<String> shifts) {

    @ConstructorBinding
    public FloorSettings {
        if (shortAbandon.isNegative() || shortAbandon.toMinutes() > 5) {
            throw new IllegalArgumentException("hotline.floor.short-abandon must be between 0 s and 5 min");
        }
        for (Duration d : new Duration[] {serviceLevelFirst, serviceLevelSecond}) {
            if (d.isNegative() || d.isZero() || d.toMinutes() > 10) {
                throw new IllegalArgumentException(
                        "hotline.floor service level thresholds must be between 1 s and 10 min");
            }
        }
        for (double t : new double[] {serviceLevelFirstTarget, serviceLevelSecondTarget}) {
            if (!(t > 0 && t <= 100)) {
                throw new IllegalArgumentException("hotline.floor service level targets must be percentages above 0");
            }
        }
        shifts = shifts == null || shifts.isEmpty() ? List.of("00:00") : List.copyOf(shifts);
        for (String shift : shifts) {
            try {
                LocalTime.parse(shift.strip());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("hotline.floor.shifts: '" + shift + "' is not a time like 07:00", e);
            }
        }
    }

    /** When the shifts start, in order. */
    public List<LocalTime> shiftStarts() {
        return shifts.stream().map(s -> LocalTime.parse(s.strip())).sorted().distinct().toList();
    }

    /** The defaults: 5 s short abandons, 90 % within 15 s, 95 % within 20 s, shifts at 07:00, 15:00 and 23:00. */
    public static FloorSettings defaults() {
        return new FloorSettings(Duration.ofSeconds(5), Duration.ofSeconds(15), 90, Duration.ofSeconds(20), 95,
                List.of("07:00", "15:00", "23:00"));
    }
}
