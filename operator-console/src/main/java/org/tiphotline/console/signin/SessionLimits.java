package org.tiphotline.console.signin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
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
 * operator taking calls (available, ringing, on a call, in wrap-up) is never idle: waiting or talking, not
 * clicking. A sweep ends lapsed sessions between requests too. The
 * container's own session timeout stays at least the absolute limit, so these are the limits that apply.
 * Spring Security has no per-role idle limit of its own; its {@link #filter()} sits in the security chain right
 * after the security context is loaded. Not a Filter bean itself: Boot would also run that outside the chain.
 */
@Component
public class SessionLimits implements HttpSessionListener {

    static final String STARTED = SessionLimits.class.getName() + ".started";
    static final String LAST_ACTIVE = SessionLimits.class.getName() + ".lastActive";
    /**
     * An operator taking calls is on duty, clicking or not: waiting for the next call at 3 a.m. (available), or
     * talking (ringing, on a call, wrap-up). One who walked away is set away by the first call that rings out at
     * them, and the idle limit applies from then on.
     */
    private static final Set<Presence> ON_DUTY = EnumSet.of(Presence.AVAILABLE, Presence.RINGING, Presence.ON_CALL,
            Presence.WRAP_UP);

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
    /** Every HTTP session of this node, so that lapsed ones are ended without waiting for a request. */
    private final Set<HttpSession> sessions = Collections.newSetFromMap(new ConcurrentHashMap<>());

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
        SignInEvents.Outcome ended = lapsed(started, lastActive, now);
        if (ended != null) {
            events.record(auth.getName(), AddressRateLimit.key(request.getRemoteAddr()), ended);
            session.invalidate();
            SecurityContextHolder.clearContext();
            if (request.getRequestURI().startsWith(request.getContextPath() + "/api/")) {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            } else {
                // The sign-in form itself: Spring's generated page knows no "expired" variant.
                response.sendRedirect(request.getContextPath() + "/login?ended");
            }
            return;
        }
        session.setAttribute(LAST_ACTIVE, now);
        chain.doFilter(request, response);
    }

    private java.time.Duration idleLimit(Authentication auth) {
        return settings.idleFor(operators.byUsername(auth.getName()).map(Operator::role).orElse(null));
    }

    /** Why the session has ended by now, or null while it may go on. */
    private SignInEvents.Outcome lapsed(Started started, Instant lastActive, Instant now) {
        if (!now.isBefore(started.at().plus(settings.absolute()))) {
            return SignInEvents.Outcome.SESSION_LIMIT;
        }
        if (lastActive != null && !now.isBefore(lastActive.plus(started.idle())) && !onDuty(started.username())) {
            return SignInEvents.Outcome.IDLE_TIMEOUT;
        }
        return null;
    }

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        sessions.add(event.getSession());
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        sessions.remove(event.getSession());
    }

    /**
     * Ends lapsed sessions without waiting for their next request: a console left open on a desk must not keep
     * showing what it shows, nor keep its live channel (invalidating the HTTP session closes the WebSockets opened
     * from it, and the live channel's rule sets a vanished operator away).
     */
    @Scheduled(fixedDelayString = "${hotline.sessions.sweep:30s}")
    public int sweep() {
        Instant now = clock.instant();
        int ended = 0;
        for (HttpSession session : sessions) {
            try {
                if (!(session.getAttribute(STARTED) instanceof Started started)
                        || !(session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY)
                                instanceof SecurityContext context)
                        || context.getAuthentication() == null
                        || !started.username().equals(context.getAuthentication().getName())) {
                    continue;
                }
                SignInEvents.Outcome outcome = lapsed(started, (Instant) session.getAttribute(LAST_ACTIVE), now);
                if (outcome != null) {
                    events.record(started.username(), null, outcome);
                    session.invalidate();
                    ended++;
                }
            } catch (IllegalStateException alreadyInvalid) {
                sessions.remove(session);
            }
        }
        return ended;
    }

    private boolean onDuty(String username) {
        Optional<Operator> operator = operators.byUsername(username);
        return operator.isPresent() && ON_DUTY.contains(router.presence(operator.get().id()));
    }
}
