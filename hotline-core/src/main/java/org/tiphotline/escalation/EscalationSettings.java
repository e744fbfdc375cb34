package org.tiphotline.escalation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long an agency has to acknowledge an escalation before it is alerted again, through its next channel,
 * and the supervisors with it.
 *
 * @param acknowledgeWithin the first deadline, for {@code IMMEDIATE} escalations
 * @param acknowledgeUrgentWithin the first deadline for {@code URGENT} ones
 * @param realertEvery after a missed deadline, how often to alert again while nobody acknowledges
 */
@ConfigurationProperties("hotline.escalation")
public record EscalationSettings(@DefaultValue("5m") Duration acknowledgeWithin,
        @DefaultValue("15m") Duration acknowledgeUrgentWithin, @DefaultValue("5m") Duration realertEvery) {

    public EscalationSettings {
        for (Duration d : new Duration[] {acknowledgeWithin, acknowledgeUrgentWithin, realertEvery}) {
            if (d.isNegative() || d.isZero() || d.toHours() > 24) {
                throw new IllegalArgumentException("hotline.escalation deadlines must be between 1 s and 24 h");
            }
        }
    }
}
