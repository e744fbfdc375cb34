package org.tiphotline.floor;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When the floor raises an alert (issue 20): thresholds of {@link FloorAlerts}.
 *
 * @param enabled whether the leader checks the floor's alerts at all
 * @param longestWait a call waiting longer than this raises the long-wait alert; zero switches it off
 * @param serviceLevel whether a service level under its target for the interval raises an alert
 * @param serviceLevelMinCalls the service level alert waits until this many calls count in the interval: one
 *     missed call at the start of a quarter is 0 %, not yet a trend
 * @param interval the interval an alert is raised once in (and the service level is judged over)
 */
@ConfigurationProperties("hotline.floor.alerts")
public record FloorAlertSettings(@DefaultValue("true") boolean enabled, @DefaultValue("60s") Duration longestWait,
        @DefaultValue("true") boolean serviceLevel, @DefaultValue("3") int serviceLevelMinCalls,
        @DefaultValue("QUARTER") FloorInterval.Kind interval) {

    public FloorAlertSettings {
        if (longestWait.isNegative()) {
            throw new IllegalArgumentException("hotline.floor.alerts.longest-wait must be zero (off) or more");
        }
        if (serviceLevelMinCalls < 1) {
            throw new IllegalArgumentException("hotline.floor.alerts.service-level-min-calls must be at least 1");
        }
    }
}
