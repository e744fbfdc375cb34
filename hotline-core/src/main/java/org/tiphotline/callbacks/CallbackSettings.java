package org.tiphotline.callbacks;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the hotline calls people back.
 *
 * @param safeHours the daily window, in the jurisdiction's time zone, in which a call back may be placed
 *     ({@code 08:00-20:00}); a window that ends before it starts runs past midnight. A call at 3 a.m. to a
 *     household where someone controls the phone is a danger of its own.
 * @param maxAttempts attempts that reach nobody (no answer, someone else answered) before the task closes as not
 *     reached
 */
@ConfigurationProperties("hotline.callbacks")
public record CallbackSettings(@DefaultValue("08:00-20:00") String safeHours, @DefaultValue("3") int maxAttempts) {

    public CallbackSettings {
        window(safeHours);
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("hotline.callbacks.max-attempts must be 1-20");
        }
    }

    public static CallbackSettings defaults() {
        return new CallbackSettings("08:00-20:00", 3);
    }

    /** The window's start and end; fails at start-up on a misspelt setting rather than on the first task shown. */
    LocalTime[] window() {
        return window(safeHours);
    }

    private static LocalTime[] window(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split("\\s*-\\s*");
        try {
            if (parts.length == 2) {
                LocalTime from = LocalTime.parse(parts[0]);
                LocalTime to = LocalTime.parse(parts[1]);
                if (!from.equals(to)) {
                    return new LocalTime[] {from, to};
                }
            }
        } catch (DateTimeParseException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("hotline.callbacks.safe-hours must look like 08:00-20:00 (two different "
                + "times of day)");
    }
}
