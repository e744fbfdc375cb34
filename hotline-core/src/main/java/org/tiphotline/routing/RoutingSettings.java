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
 */
@ConfigurationProperties("hotline.routing")
public record RoutingSettings(@DefaultValue("20s") Duration offerTimeout, @DefaultValue("30s") Duration languageWait,
        @DefaultValue("60s") Duration urgentAlarmAfter) {

    /** Routing rules alone, with the default alarm delay. */
    public RoutingSettings(Duration offerTimeout, Duration languageWait) {
        this(offerTimeout, languageWait, Duration.ofSeconds(60));
    }

    @ConstructorBinding
    public RoutingSettings {
        if (urgentAlarmAfter.isNegative() || urgentAlarmAfter.toHours() > 1) {
            throw new IllegalArgumentException("hotline.routing.urgent-alarm-after must be between 0 s and 1 h");
        }
    }
}
