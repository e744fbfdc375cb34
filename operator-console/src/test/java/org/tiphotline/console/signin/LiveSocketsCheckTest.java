package org.tiphotline.console.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.SPRING_SESSION;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.support.HttpSessionHandshakeInterceptor;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The check that closes live channels whose HTTP session ended asks PostgreSQL about the sockets open when it
 * starts. A console that connects while that query runs is not in its answer and must not be closed for it: 100
 * consoles connecting at once (a shift change, the end-to-end benchmark) lost a few that way.
 */
class LiveSocketsCheckTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        hotline = RunningHotline.start(data);
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void aSocketOpenedWhileTheCheckQueriesIsKeptAndOneWhoseSessionEndedIsClosed() throws Exception {
        ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        DSLContext db = hotline.bean(DSLContext.class);
        String signedIn = db.select(SPRING_SESSION.SESSION_ID).from(SPRING_SESSION).limit(1)
                .fetchSingle(SPRING_SESSION.SESSION_ID);
        Socket ended = new Socket("ended", "a-session-that-ended");
        Socket late = new Socket("late", signedIn);
        WebSocketHandler[] handler = new WebSocketHandler[1];
        AtomicBoolean opened = new AtomicBoolean();
        // The late console's socket opens while the check's query is running.
        DSLContext checking = db.configuration().derive(new DefaultExecuteListenerProvider(new ExecuteListener() {
            @Override
            public void executeEnd(ExecuteContext ctx) {
                if (opened.compareAndSet(false, true)) {
                    try {
                        handler[0].afterConnectionEstablished(late);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        })).dsl();
        LiveSockets sockets = new LiveSockets(checking,
                new org.springframework.beans.factory.support.DefaultListableBeanFactory());
        Registration registration = new Registration();
        sockets.configureWebSocketTransport(registration);
        handler[0] = registration.factories().getFirst().decorate(new TextWebSocketHandler());
        handler[0].afterConnectionEstablished(ended);

        assertThat(sockets.check()).isEqualTo(1);

        assertThat(ended.closedWith).as("its session ended").isNotNull();
        assertThat(late.closedWith).as("opened during the query, from a live session").isNull();
        assertThat(sockets.open()).isEqualTo(1);
        assertThat(sockets.check()).as("asked about at the next check: alive").isZero();
        assertThat(late.closedWith).isNull();
    }

    /** Spring's registration, its decorator factories in reach. */
    private static final class Registration extends WebSocketTransportRegistration {
        List<org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory> factories() {
            return getDecoratorFactories();
        }
    }

    /** A socket as the server holds it: its HTTP session's id in its attributes, and how it was closed. */
    private static final class Socket implements WebSocketSession {
        private final String id;
        private final Map<String, Object> attributes = new HashMap<>();
        volatile CloseStatus closedWith;

        Socket(String id, String httpSession) {
            this.id = id;
            attributes.put(HttpSessionHandshakeInterceptor.HTTP_SESSION_ID_ATTR_NAME, httpSession);
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public URI getUri() {
            return URI.create("ws://127.0.0.1/live");
        }

        @Override
        public HttpHeaders getHandshakeHeaders() {
            return new HttpHeaders();
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }

        @Override
        public Principal getPrincipal() {
            return () -> "operator";
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return new InetSocketAddress("127.0.0.1", 8080);
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return new InetSocketAddress("127.0.0.1", 50000);
        }

        @Override
        public String getAcceptedProtocol() {
            return "v12.stomp";
        }

        @Override
        public void setTextMessageSizeLimit(int messageSizeLimit) {}

        @Override
        public int getTextMessageSizeLimit() {
            return 65536;
        }

        @Override
        public void setBinaryMessageSizeLimit(int messageSizeLimit) {}

        @Override
        public int getBinaryMessageSizeLimit() {
            return 65536;
        }

        @Override
        public List<WebSocketExtension> getExtensions() {
            return List.of();
        }

        @Override
        public void sendMessage(WebSocketMessage<?> message) {}

        @Override
        public boolean isOpen() {
            return closedWith == null;
        }

        @Override
        public void close() {
            close(CloseStatus.NORMAL);
        }

        @Override
        public void close(CloseStatus status) {
            closedWith = status;
        }
    }
}
