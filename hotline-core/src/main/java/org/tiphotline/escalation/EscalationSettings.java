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
 * @param ivrDangerAlerts the roles whose agencies are alerted as soon as a caller answers yes to "is someone in
 *     immediate danger?" in the phone menu (default the police); empty: only operators escalate
 */
@ConfigurationProperties("hotline.escalation")
public record EscalationSettings(@DefaultValue("5m") Duration acknowledgeWithin,
        @DefaultValue("15m") Duration acknowledgeUrgentWithin, @DefaultValue("5m") Duration realertEvery,
        @DefaultValue("POLICE") java.util.List<Directory.Role> ivrDangerAlerts) {

    public EscalationSettings {
        ivrDangerAlerts = ivrDangerAlerts == null ? java.util.List.of() : java.util.List.copyOf(ivrDangerAlerts);
        for (Duration d : new Duration[] {acknowledgeWithin, acknowledgeUrgentWithin, realertEvery}) {
            if (d.isNegative() || d.isZero() || d.toHours() > 24) {
                throw new IllegalArgumentException("hotline.escalation deadlines must be between 1 s and 24 h");
            }
        }
    }
}
