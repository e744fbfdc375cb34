package org.tiphotline.console.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.socket.EnableWebSocketSecurity;
import org.springframework.security.messaging.access.intercept.MessageMatcherDelegatingAuthorizationManager;

/**
 * Rules for STOMP frames. CONNECT needs an authenticated session and the session's CSRF token (the
 * framework's default), so another site cannot open a socket with a logged-in operator's cookie; operators
 * receive only their own user queues; only reviewers may watch the live queue.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketSecurity
class LiveChannelSecurity {

    @Bean
    AuthorizationManager<Message<?>> messageAuthorizationManager(
            MessageMatcherDelegatingAuthorizationManager.Builder messages) {
        messages.nullDestMatcher().authenticated()
                .simpSubscribeDestMatchers("/user/queue/**").authenticated()
                .simpSubscribeDestMatchers("/topic/supervisor/**").hasAnyRole("SUPERVISOR", "DATA_MANAGER")
                .simpDestMatchers("/app/presence").hasRole("OPERATOR")
                .anyMessage().denyAll();
        return messages.build();
    }
}
