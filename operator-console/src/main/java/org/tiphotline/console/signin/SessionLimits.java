package org.tiphotline.console.signin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.tiphotline.console.online.AddressRateLimit;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.Router;
import org.tiphotline.signin.SignInEvents;

/**
 * Ends a signed-in session that was idle too long (its role's limit) or that reached the absolute limit, on the
 * injected clock. Only HTTP requests count as activity: the live channel's heart-beats never reach here. An
 * operator whose call is ringing, in progress or in wrap-up is never idle: they are talking, not clicking. The
 * container's own session timeout stays at least the absolute limit, so these are the limits that apply.
 * Spring Security has no per-role idle limit of its own; its {@link #filter()} sits in the security chain right
 * after the security context is loaded. Not a Filter bean itself: Boot would also run that outside the chain.
 */
@Component
public class SessionLimits {

    static final String STARTED = SessionLimits.class.getName() + ".started";
    static final String LAST_ACTIVE = SessionLimits.class.getName() + ".lastActive";
    private static final Set<Presence> ON_A_CALL = EnumSet.of(Presence.RINGING, Presence.ON_CALL, Presence.WRAP_UP);

    /**
     * Who the session's clock started for (signing in as someone else in the same session starts it again), and
     * their role's idle limit, looked up once rather than on every request.
     */
    private record Started(String username, Instant at, java.time.Duration idle) implements java.io.Serializable {}

    private final SessionSettings settings;
    private final Clock clock;
    private final Operators operators;
    private final Router router;
    private final SignInEvents events;

    SessionLimits(SessionSettings settings, Clock clock, Operators operators, Router router, SignInEvents events) {
        this.settings = settings;
        this.clock = clock;
        this.operators = operators;
        this.router = router;
        this.events = events;
    }

    /** The filter for the security chain. */
    public OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                check(request, response, chain);
            }
        };
    }

    private void check(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (session == null || auth == null || !auth.isAuthenticated()
                || auth instanceof AnonymousAuthenticationToken) {
            chain.doFilter(request, response);
            return;
        }
        Instant now = clock.instant();
        Started started = (Started) session.getAttribute(STARTED);
        Instant lastActive = (Instant) session.getAttribute(LAST_ACTIVE);
        if (started == null || !started.username().equals(auth.getName())) {
            // The first request after a sign-in (the landing page): the session's clocks start now.
            started = new Started(auth.getName(), now, idleLimit(auth));
            session.setAttribute(STARTED, started);
            lastActive = now;
        }
        Instant signedInAt = started.at();
        SignInEvents.Outcome ended = null;
        if (!now.isBefore(signedInAt.plus(settings.absolute()))) {
            ended = SignInEvents.Outcome.SESSION_LIMIT;
        } else if (lastActive != null && !now.isBefore(lastActive.plus(started.idle()))
                && !onACall(auth.getName())) {
            ended = SignInEvents.Outcome.IDLE_TIMEOUT;
        }
        if (ended != null) {
            events.record(auth.getName(), AddressRateLimit.key(request.getRemoteAddr()), ended);
            session.invalidate();
            SecurityContextHolder.clearContext();
            if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            } else {
                // The sign-in form itself: Spring's generated page knows no "expired" variant.
                response.sendRedirect(request.getContextPath() + "/login");
            }
            return;
        }
        session.setAttribute(LAST_ACTIVE, now);
        chain.doFilter(request, response);
    }

    private java.time.Duration idleLimit(Authentication auth) {
        return settings.idleFor(operators.byUsername(auth.getName()).map(Operator::role).orElse(null));
    }

    private boolean onACall(String username) {
        Optional<Operator> operator = operators.byUsername(username);
        return operator.isPresent() && ON_A_CALL.contains(router.presence(operator.get().id()));
    }
}
