package org.tiphotline.console.live;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;

/**
 * STOMP over plain WebSocket at {@code /ws}. Heartbeats both ways let the console notice a dead link within
 * seconds (and the server set a vanished operator away); frames are capped so no client can flood memory.
 * Spring's broker configuration itself is {@link ErrorBeforeClose}.
 */
@Configuration(proxyBeanMethods = false)
class LiveChannel implements WebSocketMessageBrokerConfigurer, Ordered, DisposableBean {

    /** Where the nodes' user registries and messages for users connected elsewhere meet (RabbitMQ topics). */
    static final String USER_REGISTRY_BROADCAST = "/topic/hotline-user-registry";
    static final String UNRESOLVED_USER_BROADCAST = "/topic/hotline-unresolved-user";

    private final LiveSettings settings;
    private final RelaySettings relay;
    private final ThreadPoolTaskExecutor inbound = channelExecutor("live-in-");
    private final ThreadPoolTaskExecutor outbound = channelExecutor("live-out-");

    LiveChannel(LiveSettings settings, RelaySettings relay) {
        this.settings = settings;
        this.relay = relay;
    }

    @Override
    public void registerStompEndpoints(StompEndpointRegistry registry) {
        // Same-origin is Spring's default when no origin is listed; listing extra ones is a deliberate choice.
        registry.addEndpoint("/ws").addInterceptors(new WellFormedOrigin())
                .setAllowedOrigins(settings.allowedOrigins().toArray(String[]::new));
        // An operator's frames are handled in the order sent: "available" then "away" must end away.
        registry.setPreserveReceiveOrder(true);
        registry.setErrorHandler(new StompErrors());
    }

    @Override
    public void configureMessageBroker(MessageBrokerRegistry registry) {
        if (relay.enabled()) {
            relayTo(registry);
        } else {
            registry.enableSimpleBroker("/topic", "/queue").setHeartbeatValue(new long[] {10_000, 10_000})
                    .setTaskScheduler(taskScheduler());
        }
        registry.setApplicationDestinationPrefixes("/app");
        // A console must see "answered" before "ended" for the same call.
        registry.setPreservePublishOrder(true);
        registry.setUserDestinationPrefix("/user");
    }

    /**
     * Every node relays its browsers' subscriptions and the application's messages to RabbitMQ, so a message sent
     * on one node reaches the browsers of all. The nodes also share who is connected where (Spring's user registry
     * broadcast): a message for an operator whose tabs are on another node goes to those tabs, and one for a user
     * this node has not heard of yet is offered to the other nodes. RabbitMQ's heart-beats reach the browsers
     * through the relay, as the console asks (10 s both ways); the relay's own link beats every 10 s too.
     */
    private void relayTo(MessageBrokerRegistry registry) {
        // "/exchange": where RabbitDestinations puts the users' own queues.
        registry.enableStompBrokerRelay("/topic", "/queue", "/exchange")
                .setRelayHost(relay.host()).setRelayPort(relay.port())
                .setClientLogin(relay.login()).setClientPasscode(relay.passcode())
                .setSystemLogin(relay.login()).setSystemPasscode(relay.passcode())
                .setVirtualHost(relay.virtualHost())
                .setSystemHeartbeatSendInterval(10_000).setSystemHeartbeatReceiveInterval(10_000)
                .setUserRegistryBroadcast(USER_REGISTRY_BROADCAST)
                .setUserDestinationBroadcast(UNRESOLVED_USER_BROADCAST);
        registry.configureBrokerChannel().interceptors(new RabbitDestinations());
    }

    /**
     * Client frames and outgoing messages get threads of their own. Spring Boot would otherwise run both
     * channels on the only task executor bean, the two-thread scheduler below, which also runs the routing
     * tick: measured, an operator clicking "available" then stalled every screen pop (p99 800 ms instead of
     * 65 ms, docs/benchmarks.md). Unbounded queues: a frame is never dropped, it waits.
     */
    @Override
    public void configureClientInboundChannel(ChannelRegistration registration) {
        registration.executor(inbound);
        if (relay.enabled()) {
            // Last of the interceptors: the security rules judge the names browsers use.
            registration.interceptors(new RabbitDestinations());
        }
    }

    @Override
    public void configureClientOutboundChannel(ChannelRegistration registration) {
        registration.executor(outbound);
    }

    /** After Spring Boot's configurer (order 0), so that the executors above are the ones used. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Not beans: another executor bean would change which one Spring Boot hands to everything else. */
    @Override
    public void destroy() {
        inbound.shutdown();
        outbound.shutdown();
    }

    private static ThreadPoolTaskExecutor channelExecutor(String prefix) {
        // Spring's own default for these channels: two threads per core, kept alive.
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(threads);
        executor.setMaxPoolSize(threads);
        executor.setThreadNamePrefix(prefix);
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(5);
        executor.initialize();
        return executor;
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
