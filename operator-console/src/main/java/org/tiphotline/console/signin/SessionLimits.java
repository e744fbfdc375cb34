package org.tiphotline.console.signin;

import static org.tiphotline.db.Tables.SPRING_SESSION;
import static org.tiphotline.db.Tables.SPRING_SESSION_ATTRIBUTES;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.console.online.AddressRateLimit;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.signin.SignInEvents;

/**
 * Ends a signed-in session that was idle too long (its role's limit) or that reached the absolute limit, on the
 * injected clock. Only HTTP requests count as activity: the live channel's heart-beats never reach here. An
 * operator taking calls (available, ringing, on a call, in wrap-up) is never idle: waiting or talking, not
 * clicking. A sweep ends lapsed sessions between requests too: the leading node's, over every node's sessions, since
 * sessions live in PostgreSQL (Spring Session JDBC) and either node serves them. Spring Session's own timeout
 * (server.servlet.session.timeout) stays at least the absolute limit, so these are the limits that apply; being
 * kept in the session, they hold across a restart too (a restart neither ends a session nor extends it).
 * The wall display (role WALLBOARD, issue 20) is the one exception: no personal data is behind it and it must stay
 * signed in on a screen nobody touches, so its idle limit is {@link WallDisplaySessions#sessionTimeout()} (its page
 * renews the session while it is open) and the absolute limit does not apply to it.
 * Spring Security has no per-role idle limit of its own; its {@link #filter()} sits in the security chain right
 * after the security context is loaded. Not a Filter bean itself: Boot would also run that outside the chain.
 */
@Component
public class SessionLimits {

    static final String STARTED = SessionLimits.class.getName() + ".started";
    static final String LAST_ACTIVE = SessionLimits.class.getName() + ".lastActive";
    /**
     * Activity is written into the session at most this often: each write is one more statement on a request, and
     * an idle limit of minutes loses nothing by being measured to ten seconds.
     */
    private static final java.time.Duration ACTIVITY_GRAIN = java.time.Duration.ofSeconds(10);
    /**
     * An operator taking calls is on duty, clicking or not: waiting for the next call at 3 a.m. (available), or
     * talking (ringing, on a call, wrap-up). One who walked away is set away by the first call that rings out at
     * them, and the idle limit applies from then on.
     */
    private static final Set<Presence> ON_DUTY = EnumSet.of(Presence.AVAILABLE, Presence.RINGING, Presence.ON_CALL,
            Presence.WRAP_UP);

    /**
     * Who the session's clock started for (signing in as someone else in the same session starts it again), and
     * their role's idle limit, looked up once rather than on every request. {@code wallDisplay}: the wall display's
     * long session (no absolute limit); a session started by an older version reads as false.
     */
    private record Started(String username, Instant at, java.time.Duration idle, boolean wallDisplay)
            implements java.io.Serializable {}

    private final SessionSettings settings;
    private final WallDisplaySessions wallDisplay;
    private final Clock clock;
    private final Operators operators;
    private final RoutingView routing;
    private final SignInEvents events;
    private final DSLContext db;
    private final FindByIndexNameSessionRepository<? extends Session> sessions;
    private final LiveSockets sockets;
    private final Leadership leadership;
    private final DeserializingConverter attributes = new DeserializingConverter(getClass().getClassLoader());

    SessionLimits(SessionSettings settings, WallDisplaySessions wallDisplay, Clock clock, Operators operators,
            RoutingView routing, SignInEvents events,
            DSLContext db, FindByIndexNameSessionRepository<? extends Session> sessions, LiveSockets sockets,
            Leadership leadership) {
        this.settings = settings;
        this.wallDisplay = wallDisplay;
        this.clock = clock;
        this.operators = operators;
        this.routing = routing;
        this.events = events;
        this.db = db;
        this.sessions = sessions;
        this.sockets = sockets;
        this.leadership = leadership;
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
            Role role = operators.byUsername(auth.getName()).map(Operator::role).orElse(null);
            boolean wall = role == Role.WALLBOARD;
            started = new Started(auth.getName(), now, wall ? wallDisplay.sessionTimeout() : settings.idleFor(role),
                    wall);
            session.setAttribute(STARTED, started);
            if (wall) {
                // The container's own expiry (server.servlet.session.timeout) must not end it first.
                session.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE,
                        wallDisplay.sessionTimeout().plusMinutes(1).toSeconds()));
            }
            lastActive = now;
        }
        SignInEvents.Outcome ended = lapsed(started, lastActive, now);
        if (ended != null) {
            events.record(auth.getName(), AddressRateLimit.key(request.getRemoteAddr()), ended);
            sockets.closeSession(session.getId(), "session ended");
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
        if (lastActive == null || !now.isBefore(lastActive.plus(ACTIVITY_GRAIN))) {
            session.setAttribute(LAST_ACTIVE, now);
        }
        chain.doFilter(request, response);
    }

    /** Why the session has ended by now, or null while it may go on. */
    private SignInEvents.Outcome lapsed(Started started, Instant lastActive, Instant now) {
        if (!started.wallDisplay() && !now.isBefore(started.at().plus(settings.absolute()))) {
            return SignInEvents.Outcome.SESSION_LIMIT;
        }
        if (lastActive != null && !now.isBefore(lastActive.plus(started.idle())) && !onDuty(started.username())) {
            return SignInEvents.Outcome.IDLE_TIMEOUT;
        }
        return null;
    }

    /**
     * Ends lapsed sessions without waiting for their next request: a console left open on a desk must not keep
     * showing what it shows, nor keep its live channel (closed here on this node, by the other node's own check
     * there; the live channel's rule sets a vanished operator away). The leading node sweeps every node's sessions.
     */
    @Scheduled(fixedDelayString = "${hotline.sessions.sweep:30s}")
    void scheduledSweep() {
        if (leadership.leads()) {
            sweep();
        }
    }

    /** Ends every lapsed session, whichever node it was used on; how many. Reads all sessions' clocks at once. */
    public int sweep() {
        Instant now = clock.instant();
        Map<String, Started> started = new HashMap<>();
        Map<String, Instant> lastActive = new HashMap<>();
        Map<String, String> principal = new HashMap<>();
        db.select(SPRING_SESSION.SESSION_ID, SPRING_SESSION.PRINCIPAL_NAME, SPRING_SESSION_ATTRIBUTES.ATTRIBUTE_NAME,
                        SPRING_SESSION_ATTRIBUTES.ATTRIBUTE_BYTES)
                .from(SPRING_SESSION).join(SPRING_SESSION_ATTRIBUTES)
                .on(SPRING_SESSION_ATTRIBUTES.SESSION_PRIMARY_ID.eq(SPRING_SESSION.PRIMARY_ID))
                .where(SPRING_SESSION.PRINCIPAL_NAME.isNotNull())
                .and(SPRING_SESSION_ATTRIBUTES.ATTRIBUTE_NAME.in(STARTED, LAST_ACTIVE))
                .fetch().forEach(row -> {
                    Object value = attributes.convert(row.value4());
                    principal.put(row.value1(), row.value2());
                    if (value instanceof Started s) {
                        started.put(row.value1(), s);
                    } else if (value instanceof Instant at) {
                        lastActive.put(row.value1(), at);
                    }
                });
        int ended = 0;
        for (Map.Entry<String, Started> session : started.entrySet()) {
            Started s = session.getValue();
            if (!s.username().equals(principal.get(session.getKey()))) {
                continue;
            }
            SignInEvents.Outcome outcome = lapsed(s, lastActive.get(session.getKey()), now);
            if (outcome != null) {
                events.record(s.username(), null, outcome);
                sockets.closeSession(session.getKey(), "session ended");
                sessions.deleteById(session.getKey());
                ended++;
            }
        }
        return ended;
    }

    private boolean onDuty(String username) {
        Optional<Operator> operator = operators.byUsername(username);
        return operator.isPresent() && ON_DUTY.contains(routing.presence(operator.get().id()));
    }
}
