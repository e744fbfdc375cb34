package org.tiphotline.console.signin;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.tiphotline.operators.Role;

/**
 * @param idle a session with no request for this long ends (an operator with a call in progress is kept)
 * @param idleByRole a role's own idle limit, instead of {@code idle}
 * @param absolute a session ends this long after its sign-in, active or not
 */
@ConfigurationProperties("hotline.sessions")
record SessionSettings(@DefaultValue("30m") Duration idle, @DefaultValue({}) Map<Role, Duration> idleByRole,
        @DefaultValue("12h") Duration absolute) {

    Duration idleFor(Role role) {
        return role == null ? idle : idleByRole.getOrDefault(role, idle);
    }
}
