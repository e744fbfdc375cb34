package org.tiphotline.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.support.ExecutorChannelInterceptor;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.intake.ScreenPop;

/**
 * Optional ({@code -Dbench.stages=true}): where a screen pop's time goes inside the server. Added to the server
 * as an extra source ({@code spring.main.sources}); deliberately not a {@code @Component}, so the application's
 * component scan never picks it up in other tests. Each stage is the time since {@code ringingAt}, taken when
 * <ol>
 *   <li>{@code committed}: the provider's ringing report reached the core and was published as
 *       {@code Call.RingReported}, before it is read against the database or stored (since the pop stopped
 *       waiting for the ringing record);
 *   <li>{@code core}: the core publishes the pop (prepared at the offer: draft opened, call and caller history
 *       read);
 *   <li>{@code queued}: the pop, addressed to the operator's session, is handed to the client outbound channel;
 *   <li>{@code sending}: a thread of that channel's executor starts writing it to the WebSocket;
 *   <li>{@code sent}: the write returned.
 * </ol>
 * The benchmark's own figure is the last step, the operator's client having it.
 */
public final class ServerStages implements WebSocketMessageBrokerConfigurer {

    private final Map<CallId, Instant> committed = new ConcurrentHashMap<>();

    enum Stage { COMMITTED, CORE, QUEUED, SENDING, SENT }

    /** How each stage is printed. */
    static final String[] NAMES = {"ringing report published", "core published the pop", "queued on outbound channel",
        "outbound thread starts write", "WebSocket write returned"};

    private static final Pattern RINGING_AT = Pattern.compile("\"ringingAt\"\\s*:\\s*\"([^\"]+)\"");
    private static volatile Latencies[] stages = fresh();

    private static Latencies[] fresh() {
        Latencies[] all = new Latencies[Stage.values().length];
        for (int i = 0; i < all.length; i++) {
            all[i] = new Latencies(1024);
        }
        return all;
    }

    /** The stages recorded since the last call, and starts afresh. */
    static Latencies[] drain() {
        Latencies[] recorded = stages;
        stages = fresh();
        return recorded;
    }

    /** The event carries no time; it is matched with the pop (which carries ringingAt) by call, without I/O here. */
    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void on(Call.RingReported ringing) {
        committed.put(ringing.call(), Instant.now());
    }

    @EventListener
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void on(ScreenPop pop) {
        Instant now = Instant.now();
        Instant committedAt = committed.remove(pop.call());
        if (committedAt != null) {
            record(Stage.COMMITTED, pop.ringingAt(), committedAt);
        }
        record(Stage.CORE, pop.ringingAt(), now);
    }

    @Override
    public void configureClientOutboundChannel(ChannelRegistration registration) {
        registration.interceptors(new ExecutorChannelInterceptor() {
            @Override
            public Message<?> preSend(Message<?> message, MessageChannel channel) {
                record(Stage.QUEUED, message);
                return message;
            }

            @Override
            public Message<?> beforeHandle(Message<?> message, MessageChannel channel, MessageHandler handler) {
                record(Stage.SENDING, message);
                return message;
            }

            @Override
            public void afterMessageHandled(Message<?> message, MessageChannel channel, MessageHandler handler,
                    Exception ex) {
                record(Stage.SENT, message);
            }
        });
    }

    private static void record(Stage stage, Message<?> message) {
        Instant now = Instant.now();
        // The broker's destination for a user queue is the session's own ("/queue/pop-user...").
        String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
        if (destination != null && destination.startsWith("/queue/pop")
                && message.getPayload() instanceof byte[] json) {
            Matcher m = RINGING_AT.matcher(new String(json, StandardCharsets.UTF_8));
            if (m.find()) {
                record(stage, Instant.parse(m.group(1)), now);
            }
        }
    }

    private static void record(Stage stage, Instant ringingAt, Instant now) {
        stages[stage.ordinal()].add(ChronoUnit.MICROS.between(ringingAt, now));
    }
}
