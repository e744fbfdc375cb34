package org.tiphotline.callbacks;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.springframework.stereotype.Component;
import org.tiphotline.intake.JurisdictionSettings;

/** When a call back may be placed: the configured daily window, read on the jurisdiction's clock. */
@Component
public class SafeHours {

    private final LocalTime from;
    private final LocalTime to;
    private final ZoneId zone;

    public SafeHours(CallbackSettings settings, JurisdictionSettings jurisdiction) {
        LocalTime[] window = settings.window();
        this.from = window[0];
        this.to = window[1];
        this.zone = ZoneId.of(jurisdiction.timeZone());
    }

    /** {@code now} itself when inside the window, else the window's next opening. */
    public Instant dueAt(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        if (inside(local.toLocalTime())) {
            return now;
        }
        ZonedDateTime opening = local.with(from).withSecond(0).withNano(0);
        if (!opening.isAfter(local)) {
            opening = opening.plusDays(1);
        }
        return opening.toInstant();
    }

    private boolean inside(LocalTime t) {
        return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }
}
