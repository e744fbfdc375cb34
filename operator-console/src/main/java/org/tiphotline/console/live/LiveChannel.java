package org.tiphotline.console.live;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

/**
 * STOMP over plain WebSocket at {@code /ws}. Heartbeats both ways let the console notice a dead link within
 * seconds (and the server set a vanished operator away); frames are capped so no client can flood memory.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
class LiveChannel implements WebSocketMessageBrokerConfigurer {

    private final LiveSettings settings;

    LiveChannel(LiveSettings settings) {
        this.settings = settings;
    }

    @Override
    public void registerStompEndpoints(StompEndpointRegistry registry) {
        // Same-origin is Spring's default when no origin is listed; listing extra ones is a deliberate choice.
        registry.addEndpoint("/ws").setAllowedOrigins(settings.allowedOrigins().toArray(String[]::new));
        // An operator's frames are handled in the order sent: "available" then "away" must end away.
        registry.setPreserveReceiveOrder(true);
    }

    @Override
    public void configureMessageBroker(MessageBrokerRegistry registry) {
        registry.enableSimpleBroker("/topic", "/queue").setHeartbeatValue(new long[] {10_000, 10_000})
                .setTaskScheduler(taskScheduler());
        registry.setApplicationDestinationPrefixes("/app");
        // A console must see "answered" before "ended" for the same call.
        registry.setPreservePublishOrder(true);
        registry.setUserDestinationPrefix("/user");
    }

    @Override
    public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
        registration.setMessageSizeLimit(16 * 1024).setSendBufferSizeLimit(512 * 1024).setSendTimeLimit(10_000);
    }

    /**
     * The application's one scheduler, named so that {@code @Scheduled} work (the routing tick) and STOMP
     * heart-beats both find it; with several unnamed schedulers Spring picks none for {@code @Scheduled}.
     */
    @Bean
    ThreadPoolTaskScheduler taskScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("scheduler-");
        scheduler.initialize();
        return scheduler;
    }
}
