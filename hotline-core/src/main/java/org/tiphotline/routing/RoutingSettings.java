package org.tiphotline.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param offerTimeout how long a call rings at an operator before it goes to the next one (and the silent
 *     operator is set away)
 * @param languageWait how long a non-urgent call waits for an operator who speaks its language before any
 *     available operator may take it; urgent calls never wait for a language match
 * @param urgentAlarmAfter how long an urgent call may wait in the queue (nobody available to take it) before
 *     every supervisor is alarmed, on their page and through the supervisors' alert channels
 * @param wrapUpMax how long after-call work may last (0: as long as the operator needs, the default); then
 *     {@code wrapUpOverdue} decides
 * @param wrapUpOverdue what follows after-call work past its maximum: {@code AVAILABLE} (the operator is given
 *     calls again, as if they had submitted) or {@code ALERT} (they stay in after-call work and the supervisors are
 *     alerted, once, on their page and through their alert channels)
 * @param consoleReturn how soon a console must come back, after the operator's last one closed, for them to take
 *     calls again as before without a click (0: never; they choose again): a broker restart or a network blip closes
 *     every console at once, and each comes back by itself within seconds
 */
@ConfigurationProperties("hotline.routing")
public record RoutingSettings(@DefaultValue("20s") Duration offerTimeout, @DefaultValue("30s") Duration languageWait,
        @DefaultValue("60s") Duration urgentAlarmAfter, @DefaultValue("0s") Duration wrapUpMax,
        @DefaultValue("AVAILABLE") WrapUpOverdue wrapUpOverdue, @DefaultValue("2m") Duration consoleReturn) {

    /** What follows after-call work past {@link #wrapUpMax}. */
    public enum WrapUpOverdue {
        AVAILABLE, ALERT
    }

    /** Routing rules alone, with the default alarm delay. */
    public RoutingSettings(Duration offerTimeout, Duration languageWait) {
        this(offerTimeout, languageWait, Duration.ofSeconds(60));
    }

    /** No maximum for after-call work. */
    public RoutingSettings(Duration offerTimeout, Duration languageWait, Duration urgentAlarmAfter) {
        this(offerTimeout, languageWait, urgentAlarmAfter, Duration.ZERO, WrapUpOverdue.AVAILABLE);
    }

    /** A console must come back within two minutes, the default. */
    public RoutingSettings(Duration offerTimeout, Duration languageWait, Duration urgentAlarmAfter, Duration wrapUpMax,
            WrapUpOverdue wrapUpOverdue) {
        this(offerTimeout, languageWait, urgentAlarmAfter, wrapUpMax, wrapUpOverdue, Duration.ofMinutes(2));
    }

    @ConstructorBinding
    public RoutingSettings {
        if (urgentAlarmAfter.isNegative() || urgentAlarmAfter.toHours() > 1) {
            throw new IllegalArgumentException("hotline.routing.urgent-alarm-after must be between 0 s and 1 h");
        }
        if (wrapUpMax.isNegative() || wrapUpMax.toHours() > 8) {
            throw new IllegalArgumentException("hotline.routing.wrap-up-max must be between 0 s (no maximum) and 8 h");
        }
        if (consoleReturn.isNegative() || consoleReturn.toMinutes() > 30) {
            throw new IllegalArgumentException("hotline.routing.console-return must be between 0 s (never) and 30 min");
        }
    }

    /** Whether after-call work has a maximum. */
    public boolean wrapUpLimited() {
        return !wrapUpMax.isZero();
    }
}
