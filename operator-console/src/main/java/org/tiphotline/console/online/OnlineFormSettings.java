package org.tiphotline.console.online;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How hard the public form pushes back on one address.
 *
 * @param reportsPerAddress submissions (accepted or refused) one address may send per window
 * @param window the length of that window
 * @param trackedAddresses the most addresses remembered at once, so a flood from many addresses cannot grow the
 *     table without bound (the oldest windows are forgotten first)
 */
@ConfigurationProperties("hotline.online")
record OnlineFormSettings(@DefaultValue("10") int reportsPerAddress, @DefaultValue("10m") Duration window,
        @DefaultValue("10000") int trackedAddresses) {

    OnlineFormSettings {
        if (reportsPerAddress < 1 || trackedAddresses < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("hotline.online: reports-per-address and tracked-addresses must be "
                    + "at least 1 and the window longer than zero");
        }
    }
}
