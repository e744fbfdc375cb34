package org.tiphotline.console.signin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.stereotype.Component;
import org.tiphotline.console.online.AddressRateLimit;
import org.tiphotline.signin.SignInEvents;

/** Writes a sign-out into the sign-in log (a logout without a session, say a second click, writes nothing). */
@Component
public class SignOuts implements LogoutHandler {

    private final SignInEvents events;

    SignOuts(SignInEvents events) {
        this.events = events;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        if (authentication != null) {
            events.record(authentication.getName(), AddressRateLimit.key(request.getRemoteAddr()),
                    SignInEvents.Outcome.SIGNED_OUT);
        }
    }
}
