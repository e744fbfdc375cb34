package org.tiphotline.console.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.socket.EnableWebSocketSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.messaging.access.intercept.MessageMatcherDelegatingAuthorizationManager;
import org.tiphotline.operators.Operators;

/**
 * Rules for STOMP frames. CONNECT needs an authenticated session and the session's CSRF token (the
 * framework's default), so another site cannot open a socket with a logged-in operator's cookie; operators
 * receive only their own user queues; only reviewers may watch the live queue and every escalation; a liaison
 * user only their agency's escalations.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketSecurity
class LiveChannelSecurity {

    @Bean
    AuthorizationManager<Message<?>> messageAuthorizationManager(
            MessageMatcherDelegatingAuthorizationManager.Builder messages, Operators operators) {
        messages.nullDestMatcher().authenticated()
                .simpSubscribeDestMatchers("/user/queue/**").authenticated()
                .simpSubscribeDestMatchers("/topic/supervisor/**").hasAnyRole("SUPERVISOR", "DATA_MANAGER")
                .simpSubscribeDestMatchers(org.tiphotline.console.floor.FloorAccess.TOPIC,
                        org.tiphotline.console.floor.FloorAccess.ALERTS_TOPIC)
                .hasAnyRole(org.tiphotline.console.floor.FloorAccess.ROLES)
                // The callback queue's changes, masked numbers only: those who work it.
                .simpSubscribeDestMatchers("/topic/callbacks").hasAnyRole("OPERATOR", "SUPERVISOR")
                // A liaison user watches their own agency's escalations and no other's.
                .simpSubscribeDestMatchers("/topic/liaison/{agency}").access((auth, context) -> {
                    String agency = context.getVariables().get("agency");
                    Authentication a = auth.get();
                    boolean own = a != null && a.isAuthenticated() && agency != null
                            && operators.byUsername(a.getName())
                                    .flatMap(user -> operators.agencyOf(user.id()))
                                    .filter(agency::equals).isPresent();
                    return new AuthorizationDecision(own);
                })
                .simpDestMatchers("/app/presence").hasRole("OPERATOR")
                .anyMessage().denyAll();
        return messages.build();
    }
}
