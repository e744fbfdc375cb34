package org.tiphotline.console.signin;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.tiphotline.console.online.AddressRateLimit;
import org.tiphotline.signin.SignInEvents;
import org.tiphotline.signin.SignInEvents.Outcome;
import org.tiphotline.signin.SignInThrottle;

/**
 * The password sign-in, throttled and logged. A try inside its delay or lockout is refused before any hash is
 * computed (cheap to refuse, nothing learnt); every other try goes to Spring's own provider, which hashes a dummy
 * password for an unknown name so that it costs the same time as a wrong password and fails with the same
 * message. Being the one {@link AuthenticationProvider} bean, it is what Spring Security's form login uses.
 */
@Component
class ThrottledSignIn implements AuthenticationProvider {

    private final DaoAuthenticationProvider passwords;
    private final SignInThrottle throttle;
    private final SignInEvents events;

    ThrottledSignIn(UserDetailsService users, PasswordEncoder encoder, SignInThrottle throttle, SignInEvents events) {
        this.passwords = new DaoAuthenticationProvider(users);
        this.passwords.setPasswordEncoder(encoder);
        this.throttle = throttle;
        this.events = events;
    }

    @Override
    public Authentication authenticate(Authentication attempt) throws AuthenticationException {
        String username = attempt.getName();
        String address = addressOf(attempt);
        var wait = throttle.waitFor(username, address);
        if (wait.isPresent()) {
            events.record(username, address, Outcome.REFUSED_WHILE_THROTTLED);
            throw new SignInThrottled(wait.get());
        }
        try {
            Authentication signedIn = passwords.authenticate(attempt);
            throttle.succeeded(username);
            events.record(username, address, Outcome.SIGNED_IN);
            return signedIn;
        } catch (AuthenticationException e) {
            SignInThrottle.Verdict verdict = throttle.failed(username, address);
            events.record(username, address,
                    verdict == SignInThrottle.Verdict.LOCKED_OUT ? Outcome.LOCKED_OUT : Outcome.FAILED);
            throw e;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** The client's address as the servlet gives it (behind a proxy: server.forward-headers-strategy). */
    static String addressOf(Authentication authentication) {
        return authentication.getDetails() instanceof WebAuthenticationDetails details
                ? AddressRateLimit.key(details.getRemoteAddress()) : "unknown";
    }
}
