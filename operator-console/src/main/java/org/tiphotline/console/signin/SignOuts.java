package org.tiphotline.console.signin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.stereotype.Component;
import org.tiphotline.console.online.AddressRateLimit;
import org.tiphotline.signin.SignInEvents;

/**
 * Writes a sign-out into the sign-in log (a logout without a session, say a second click, writes nothing) and closes
 * this node's live channels opened from the session; the other node closes its own at its next check.
 */
@Component
public class SignOuts implements LogoutHandler {

    private final SignInEvents events;
    private final LiveSockets sockets;

    SignOuts(SignInEvents events, LiveSockets sockets) {
        this.events = events;
        this.sockets = sockets;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        if (authentication != null) {
            events.record(authentication.getName(), AddressRateLimit.key(request.getRemoteAddr()),
                    SignInEvents.Outcome.SIGNED_OUT);
        }
        HttpSession session = request.getSession(false);
        if (session != null) {
            sockets.closeSession(session.getId(), "signed out");
        }
    }
}
