package org.tiphotline.console.signin;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/** A sign-in try came before its delay or during a lockout; it was not checked at all. */
final class SignInThrottled extends AuthenticationException {

    private final long seconds;

    SignInThrottled(Duration wait) {
        super("Too many failed sign-ins. Try again in " + Math.max(1, (wait.toMillis() + 999) / 1000) + " s.");
        this.seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    long seconds() {
        return seconds;
    }
}
