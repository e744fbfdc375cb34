package org.tiphotline.console.sso;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.tiphotline.operators.Role;

/**
 * Single sign-on through an OpenID Connect provider. Off unless {@code enabled}: then nothing of it is active.
 *
 * @param enabled whether the sign-in button and the /oauth2 endpoints exist at all
 * @param issuerUri the provider's issuer; its discovery document is read at start-up
 * @param clientId the hotline's client at the provider
 * @param clientSecret its secret (from the secret store, never in a file in the repository)
 * @param displayName the provider's name on the button, "Sign in with …"
 * @param usernameClaim the ID token claim holding the local username
 * @param roleClaim the ID token claim holding the person's roles at the provider (a string or a list)
 * @param roles the provider's role values and the hotline role each stands for; values not listed are ignored
 * @param mfaAmr {@code amr} values that mean the provider checked more than one factor
 * @param mfaAcr {@code acr} values that mean the same
 * @param scopes the scopes asked for
 */
@ConfigurationProperties("hotline.security.oidc")
public record SsoSettings(boolean enabled, String issuerUri, String clientId, String clientSecret,
        String displayName, String usernameClaim, String roleClaim, Map<String, Role> roles, Set<String> mfaAmr,
        Set<String> mfaAcr, List<String> scopes) {

    public SsoSettings {
        displayName = blank(displayName) ? "single sign-on" : displayName;
        usernameClaim = blank(usernameClaim) ? "preferred_username" : usernameClaim;
        roleClaim = blank(roleClaim) ? "hotline_roles" : roleClaim;
        roles = roles == null ? Map.of() : Map.copyOf(roles);
        // RFC 8176: "mfa" is the provider's own statement that several factors were used.
        mfaAmr = mfaAmr == null ? Set.of("mfa") : Set.copyOf(mfaAmr);
        mfaAcr = mfaAcr == null ? Set.of() : Set.copyOf(mfaAcr);
        scopes = scopes == null || scopes.isEmpty() ? List.of("openid") : List.copyOf(scopes);
    }

    /** What is missing for the sign-in to work, so that a half-configured deployment refuses to start. */
    List<String> missing() {
        var missing = new java.util.ArrayList<String>();
        if (blank(issuerUri)) {
            missing.add("issuer-uri");
        }
        if (blank(clientId)) {
            missing.add("client-id");
        }
        if (blank(clientSecret)) {
            missing.add("client-secret");
        }
        if (roles.isEmpty()) {
            missing.add("roles (provider value -> hotline role)");
        }
        return missing;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
