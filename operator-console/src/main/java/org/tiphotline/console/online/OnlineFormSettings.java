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
 * @param quickExitUrl where the form's quick exit sends the visitor: a page of this server ({@code /…}) or an
 *     {@code http(s)://} address, with nothing on it about the hotline
 */
@ConfigurationProperties("hotline.online")
record OnlineFormSettings(@DefaultValue("10") int reportsPerAddress, @DefaultValue("10m") Duration window,
        @DefaultValue("10000") int trackedAddresses, @DefaultValue("/weather.html") String quickExitUrl) {

    OnlineFormSettings {
        if (reportsPerAddress < 1 || trackedAddresses < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("hotline.online: reports-per-address and tracked-addresses must be "
                    + "at least 1 and the window longer than zero");
        }
        // Checked at start-up: a quick exit that fails is a visitor left on the form when they most need to leave.
        if (quickExitUrl == null || quickExitUrl.length() > 500
                || !quickExitUrl.matches("(/(?!/)|https?://[^/\\s]+(/|$))[^\\s<>\"'`]*")) {
            throw new IllegalArgumentException("hotline.online.quick-exit-url must be a path of this server (/…) or "
                    + "an http(s):// address, without spaces or quotes");
        }
    }
}
