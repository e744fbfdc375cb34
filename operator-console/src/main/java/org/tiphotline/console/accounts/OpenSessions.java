package org.tiphotline.console.accounts;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.security.Principal;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.tiphotline.accounts.Account;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.Router;

/**
 * Every open HTTP session and live channel, so that a user who is disabled, loses a role or has their password
 * reset is signed out at once: their sessions are invalidated (the next call answers 401) and their WebSocket
 * closed, instead of lasting until they time out. Acts once the change has committed.
 *
 * <p>Tomcat also closes the WebSockets opened from an HTTP session that is invalidated; the sockets are closed here
 * as well so that this holds on any servlet container and names why.
 */
@Component
class OpenSessions implements HttpSessionListener, WebSocketMessageBrokerConfigurer {

    private static final Logger log = LoggerFactory.getLogger(OpenSessions.class);

    private final Router router;
    private final Set<HttpSession> http = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private final Set<WebSocketSession> sockets = Collections.newSetFromMap(new ConcurrentHashMap<>());

    OpenSessions(Router router) {
        this.router = router;
    }

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        http.add(event.getSession());
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        http.remove(event.getSession());
    }

    @Override
    public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
        registration.addDecoratorFactory(handler -> new WebSocketHandlerDecorator(handler) {
            @Override
            public void afterConnectionEstablished(WebSocketSession session) throws Exception {
                sockets.add(session);
                super.afterConnectionEstablished(session);
            }

            @Override
            public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
                sockets.remove(session);
                super.afterConnectionClosed(session, status);
            }
        });
    }

    @TransactionalEventListener
    void on(Account.SessionsRevoked revoked) {
        // No call is offered to someone signed out. The live channel's own "vanished operator" rule cannot do it for
        // a disabled user: it finds operators among the enabled ones.
        OperatorId operator = new OperatorId(revoked.userId());
        Presence now = router.presence(operator);
        if (now == Presence.AVAILABLE || now == Presence.RINGING) {
            router.setPresence(operator, Presence.AWAY);
        }
        int ended = 0;
        for (WebSocketSession socket : sockets) {
            Principal p = socket.getPrincipal();
            if (p != null && revoked.username().equals(p.getName())) {
                try {
                    socket.close(CloseStatus.POLICY_VIOLATION.withReason("signed out: " + revoked.why()));
                } catch (IOException e) {
                    log.debug("a live channel was already closing: {}", e.getClass().getName());
                }
                ended++;
            }
        }
        for (HttpSession session : http) {
            if (revoked.username().equals(signedIn(session))) {
                try {
                    session.invalidate();
                    ended++;
                } catch (IllegalStateException alreadyInvalid) {
                    http.remove(session);
                }
            }
        }
        log.info("user {} signed out everywhere ({}): {} sessions ended", revoked.username(), revoked.why(), ended);
    }

    private static String signedIn(HttpSession session) {
        try {
            Object context = session.getAttribute(
                    HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
            return context instanceof SecurityContext c && c.getAuthentication() != null
                    ? c.getAuthentication().getName() : null;
        } catch (IllegalStateException invalidated) {
            return null;
        }
    }

}
