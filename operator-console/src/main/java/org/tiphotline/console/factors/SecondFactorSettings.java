package org.tiphotline.console.factors;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.tiphotline.operators.Role;

/**
 * Which roles must sign in with a second factor. By default every role that reads personal data or manages users;
 * operators, liaisons and reporters can be added. The demo profile empties it, so its accounts try everything with
 * a password alone.
 *
 * @param requiredRoles the roles that must complete a second factor before reaching anything but enrolment
 * @param issuer the name authenticator apps show next to the codes
 */
@ConfigurationProperties("hotline.security.second-factor")
public record SecondFactorSettings(Set<Role> requiredRoles, String issuer) {

    // The auditor reads who opened which victim's file: as sensitive a view as the files' own readers'.
    public static final Set<Role> PRIVILEGED = EnumSet.of(Role.SUPERVISOR, Role.DATA_MANAGER,
            Role.DATA_MANAGEMENT_LEADER, Role.ADMIN, Role.AUDITOR);

    public SecondFactorSettings {
        requiredRoles = requiredRoles == null ? PRIVILEGED : Set.copyOf(requiredRoles);
        issuer = issuer == null || issuer.isBlank() ? "Trafficking hotline" : issuer;
    }

    public boolean required(Role role) {
        return requiredRoles.contains(role);
    }
}
