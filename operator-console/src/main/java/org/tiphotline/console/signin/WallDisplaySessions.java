package org.tiphotline.console.signin;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The wall display's long session (issue 20): it shows the floor on a screen nobody touches and reaches no personal
 * data, so it stays signed in while its page is open; every other role keeps {@code hotline.sessions}.
 *
 * @param sessionTimeout the wall display's session ends after this long without a request; its page renews it
 *     every few minutes while it is open, and the absolute limit ({@code hotline.sessions.absolute}) does not apply
 */
@ConfigurationProperties("hotline.wallboard")
record WallDisplaySessions(@DefaultValue("12h") Duration sessionTimeout) {

    WallDisplaySessions {
        if (sessionTimeout.compareTo(Duration.ofMinutes(15)) < 0) {
            // The page renews every 10 minutes: a shorter limit would end the session between two renewals.
            throw new IllegalArgumentException("hotline.wallboard.session-timeout must be at least 15 minutes");
        }
    }
}
