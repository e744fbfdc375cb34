package org.tiphotline.console.accounts;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;
import org.tiphotline.accounts.Passwords;

/** Keeps each user's last sign-in for the administrators' list. */
@Component
class SignIns {

    private final Passwords passwords;

    SignIns(Passwords passwords) {
        this.passwords = passwords;
    }

    @EventListener
    void on(AuthenticationSuccessEvent signedIn) {
        // A form sign-in may publish both the plain and the interactive event; writing the time twice is harmless.
        passwords.signedIn(signedIn.getAuthentication().getName());
    }
}
