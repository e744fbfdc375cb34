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
 * @param supervisorAlerts where the supervisors are told when an agency has not acknowledged in time (the duty
 *     supervisor's phone for SMS, the supervisors' mailbox, a webhook), every one of them at each missed deadline,
 *     besides their live page; empty: the live page only
 * @param callbackLine the hotline's number agencies call back on, given in every alert; unset: the reference only
 */
@ConfigurationProperties("hotline.escalation")
public record EscalationSettings(@DefaultValue("5m") Duration acknowledgeWithin,
        @DefaultValue("15m") Duration acknowledgeUrgentWithin, @DefaultValue("5m") Duration realertEvery,
        @DefaultValue("POLICE") java.util.List<Directory.Role> ivrDangerAlerts,
        @DefaultValue({}) java.util.List<Directory.Alert> supervisorAlerts, String callbackLine) {

    /** The settings of a hotline that tells supervisors on their live page only and gives no callback line. */
    public EscalationSettings(Duration acknowledgeWithin, Duration acknowledgeUrgentWithin, Duration realertEvery,
            java.util.List<Directory.Role> ivrDangerAlerts) {
        this(acknowledgeWithin, acknowledgeUrgentWithin, realertEvery, ivrDangerAlerts, null, null);
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public EscalationSettings {
        ivrDangerAlerts = ivrDangerAlerts == null ? java.util.List.of() : java.util.List.copyOf(ivrDangerAlerts);
        supervisorAlerts = supervisorAlerts == null ? java.util.List.of() : java.util.List.copyOf(supervisorAlerts);
        callbackLine = callbackLine == null || callbackLine.isBlank() ? null : callbackLine.strip();
        for (Duration d : new Duration[] {acknowledgeWithin, acknowledgeUrgentWithin, realertEvery}) {
            if (d.isNegative() || d.isZero() || d.toHours() > 24) {
                throw new IllegalArgumentException("hotline.escalation deadlines must be between 1 s and 24 h");
            }
        }
    }
}
