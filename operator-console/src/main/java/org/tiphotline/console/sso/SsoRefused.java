package org.tiphotline.console.sso;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.tiphotline.signin.SignInEvents.Outcome;

/** The provider vouched for the person, but this hotline does not let them in; says why, for them and for the log. */
final class SsoRefused extends OAuth2AuthenticationException {

    private final String username;
    private final Outcome outcome;

    SsoRefused(String username, Outcome outcome, String message) {
        super(new OAuth2Error("hotline_refused", message, null), message);
        this.username = username;
        this.outcome = outcome;
    }

    String username() {
        return username;
    }

    Outcome outcome() {
        return outcome;
    }
}
