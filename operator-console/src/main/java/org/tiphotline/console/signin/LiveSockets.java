package org.tiphotline.console.signin;

import static org.tiphotline.db.Tables.SPRING_SESSION;

import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.HttpSessionHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * This node's live channels (WebSockets), each with the HTTP session it was opened from. The HTTP session lives in
 * PostgreSQL and may end on the other node (sign-out, expiry, an administrator), which this node hears nothing of;
 * so every {@code hotline.sessions.socket-check} one query asks which of the sessions behind this node's sockets
 * still exist, and the sockets of the others are closed. One indexed read per node and check, whatever the number
 * of sockets; STOMP frames and heart-beats never touch the session table. An ending seen on this node closes its
 * sockets at once.
 */
@Component
public class LiveSockets implements WebSocketMessageBrokerConfigurer, SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(LiveSockets.class);
    private static final String STOMP_MAPPING = "stompWebSocketHandlerMapping";

    private final DSLContext db;
    private final ListableBeanFactory beans;
    /** Open sockets and the id of the HTTP session each was opened from. */
    private final Map<WebSocketSession, String> sockets = new ConcurrentHashMap<>();

    LiveSockets(DSLContext db, ListableBeanFactory beans) {
        this.db = db;
        this.beans = beans;
    }

    @Override
    public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
        registration.addDecoratorFactory(handler -> new WebSocketHandlerDecorator(handler) {
            @Override
            public void afterConnectionEstablished(WebSocketSession session) throws Exception {
                if (session.getAttributes().get(HttpSessionHandshakeInterceptor.HTTP_SESSION_ID_ATTR_NAME)
                        instanceof String httpSession) {
                    sockets.put(session, httpSession);
                }
                super.afterConnectionEstablished(session);
            }

            @Override
            public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
                sockets.remove(session);
                super.afterConnectionClosed(session, status);
            }
        });
    }

    /**
     * Every handshake copies its HTTP session's id into the socket's attributes (Spring's own interceptor), added to
     * the STOMP endpoints the way Spring Security adds its CSRF interceptor, so the live channel's configuration
     * need not know.
     */
    @Override
    public void afterSingletonsInstantiated() {
        if (!beans.containsBean(STOMP_MAPPING)) {
            return;
        }
        for (Object handler : beans.getBean(STOMP_MAPPING, SimpleUrlHandlerMapping.class).getUrlMap().values()) {
            if (handler instanceof WebSocketHttpRequestHandler endpoint) {
                List<HandshakeInterceptor> interceptors = new ArrayList<>(endpoint.getHandshakeInterceptors());
                HttpSessionHandshakeInterceptor sessionId = new HttpSessionHandshakeInterceptor(List.of());
                sessionId.setCopyHttpSessionId(true);
                sessionId.setCreateSession(false);
                interceptors.add(sessionId);
                endpoint.setHandshakeInterceptors(interceptors);
            }
        }
    }

    /** Closes this node's sockets opened from that HTTP session; how many. */
    public int closeSession(String httpSession, String why) {
        int closed = 0;
        for (Map.Entry<WebSocketSession, String> socket : sockets.entrySet()) {
            if (socket.getValue().equals(httpSession)) {
                close(socket.getKey(), why);
                closed++;
            }
        }
        return closed;
    }

    /** Closes this node's sockets of that user, whatever session they came from; how many. */
    public int closeUser(String username, String why) {
        int closed = 0;
        for (WebSocketSession socket : sockets.keySet()) {
            Principal p = socket.getPrincipal();
            if (p != null && username.equals(p.getName())) {
                close(socket, why);
                closed++;
            }
        }
        return closed;
    }

    /** Closes the sockets whose HTTP session has ended, on whichever node it ended; how many. */
    @Scheduled(fixedDelayString = "${hotline.sessions.socket-check:2s}")
    public int check() {
        if (sockets.isEmpty()) {
            return 0;
        }
        // Only the sockets asked about: one that opens while the query runs is not in its answer, and was closed as
        // "session ended" (100 consoles connecting at once lost a few, in the end-to-end benchmark).
        Map<WebSocketSession, String> asked = Map.copyOf(sockets);
        Set<String> behind = new HashSet<>(asked.values());
        Set<String> alive = new HashSet<>(db.select(SPRING_SESSION.SESSION_ID).from(SPRING_SESSION)
                .where(SPRING_SESSION.SESSION_ID.in(behind))
                .and(SPRING_SESSION.EXPIRY_TIME.gt(System.currentTimeMillis()))
                .fetch(SPRING_SESSION.SESSION_ID));
        int closed = 0;
        for (Map.Entry<WebSocketSession, String> socket : asked.entrySet()) {
            if (!alive.contains(socket.getValue())) {
                close(socket.getKey(), "session ended");
                closed++;
            }
        }
        return closed;
    }

    /** How many sockets this node has open. */
    public int open() {
        return sockets.size();
    }

    private void close(WebSocketSession socket, String why) {
        sockets.remove(socket);
        try {
            socket.close(CloseStatus.POLICY_VIOLATION.withReason("signed out: " + why));
        } catch (IOException e) {
            log.debug("a live channel was already closing: {}", e.getClass().getName());
        }
    }
}
