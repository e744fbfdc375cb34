package org.tiphotline.console.screening;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many screening forms one agency reporter may send: a public agent fills one in minutes, so far more than a
 * busy day's share in one window is a script or a stolen account filling the registry with cases.
 *
 * @param submissionsPerUser accepted submissions one reporter may send per window (refused ones do not count)
 * @param window the length of that window
 */
@ConfigurationProperties("hotline.screening")
record ScreeningSettings(@DefaultValue("30") int submissionsPerUser, @DefaultValue("1h") Duration window) {

    ScreeningSettings {
        if (submissionsPerUser < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("hotline.screening: submissions-per-user must be at least 1 and the "
                    + "window longer than zero");
        }
    }
}
