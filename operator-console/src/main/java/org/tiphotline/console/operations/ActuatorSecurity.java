package org.tiphotline.console.operations;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;

/**
 * Who reaches Actuator. The two probes ({@code /actuator/health/liveness} and {@code /actuator/health/readiness},
 * also {@code /livez} and {@code /readyz} on the main port) answer anyone, with a status and nothing else
 * ({@code show-details: never}): the load balancer checks them without signing in. The health endpoint's root is
 * refused (it would list the groups). Metrics
 * ({@code /actuator/prometheus}) are served only on a separate management port ({@code management.server.port},
 * bound by {@code management.server.address} to loopback or the private network Prometheus scrapes from); on the
 * port the public reaches they are refused to everyone, signed in or not. Nothing else of Actuator is exposed, and
 * its index page is refused. A chain of its own, before the console's, so the console's sign-in never answers here.
 */
@Configuration(proxyBeanMethods = false)
class ActuatorSecurity {

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain actuator(HttpSecurity http, Environment environment) throws Exception {
        boolean ownPort = ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
        http.securityMatcher("/actuator", "/actuator/**", "/livez", "/readyz")
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers("/actuator/health/liveness", "/actuator/health/readiness", "/livez",
                            "/readyz").permitAll();
                    if (ownPort) {
                        auth.requestMatchers("/actuator/prometheus").permitAll();
                    }
                    auth.anyRequest().denyAll();
                })
                // Probes and scrapes carry no session and no form: no cookie is created, no CSRF token asked.
                .sessionManagement(session -> session.sessionCreationPolicy(
                        org.springframework.security.config.http.SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .exceptionHandling(ex -> ex.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.FORBIDDEN)));
        return http.build();
    }
}
