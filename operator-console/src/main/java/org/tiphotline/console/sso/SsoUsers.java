package org.tiphotline.console.sso;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.tiphotline.console.factors.SecondFactorGate;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.signin.SignInEvents.Outcome;

/**
 * Turns a person the provider vouched for into one of our users, or refuses them. The local account decides: it
 * must exist and be enabled (routing needs its languages and endpoint, and the administrator decides who works
 * here), and the provider's role must be the very role the account has. The provider can take access away (a
 * person it no longer gives the role to cannot sign in here) but never give more than the administrator did.
 * The provider's word that it checked several factors counts as our second factor.
 */
final class SsoUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OAuth2UserService<OidcUserRequest, OidcUser> provider;
    private final Operators operators;
    private final SsoSettings settings;

    SsoUsers(Operators operators, SsoSettings settings) {
        this(new OidcUserService(), operators, settings);
    }

    SsoUsers(OAuth2UserService<OidcUserRequest, OidcUser> provider, Operators operators, SsoSettings settings) {
        this.provider = provider;
        this.operators = operators;
        this.settings = settings;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) throws OAuth2AuthenticationException {
        OidcUser vouched;
        try {
            vouched = provider.loadUser(request);
        } catch (IllegalArgumentException | IllegalStateException malformed) {
            // An answer Spring cannot make a user of: a refusal page, not an error 500.
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_user_info"), malformed);
        }
        String username = vouched.getClaimAsString(settings.usernameClaim());
        if (username == null || username.isBlank()) {
            throw new SsoRefused("", Outcome.SSO_REFUSED_UNKNOWN_USER, "The identity provider did not say who you"
                    + " are (no \"" + settings.usernameClaim() + "\" claim). Ask its administrator to send it.");
        }
        Operator local = operators.byUsername(username).orElseThrow(() -> operators.exists(username)
                ? new SsoRefused(username, Outcome.SSO_REFUSED_DISABLED, "Your account on this hotline ("
                        + username + ") is disabled. Ask the hotline's administrator to re-enable it.")
                : new SsoRefused(username, Outcome.SSO_REFUSED_UNKNOWN_USER, "There is no account on this hotline"
                        + " for " + username + ". Ask the hotline's administrator to create one."));
        Set<Role> granted = rolesAtProvider(vouched);
        if (!granted.equals(Set.of(local.role()))) {
            throw new SsoRefused(username, Outcome.SSO_REFUSED_ROLE, "Your role at " + settings.displayName()
                    + " does not match your role on this hotline, so you cannot sign in this way. Ask the"
                    + " hotline's administrator to correct one of them.");
        }
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority("ROLE_" + local.role().name()));
        // The first factor, as the password's FACTOR_PASSWORD: what a second factor (or a passkey) may follow.
        authorities.add(FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.AUTHORIZATION_CODE_AUTHORITY));
        if (providerCheckedSeveralFactors(vouched)) {
            authorities.add(FactorGrantedAuthority.fromAuthority(SecondFactorGate.IDP_MFA_AUTHORITY));
        }
        // Named by the local username: sessions, sign-outs, routing and the audit trail all go by it.
        return new DefaultOidcUser(authorities, vouched.getIdToken(), vouched.getUserInfo(),
                settings.usernameClaim());
    }

    private Set<Role> rolesAtProvider(OidcUser user) {
        Object claim = user.getClaims().get(settings.roleClaim());
        Collection<?> values = claim instanceof Collection<?> many ? many : claim == null ? List.of() : List.of(claim);
        return values.stream().map(v -> settings.roles().get(String.valueOf(v))).filter(Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet());
    }

    private boolean providerCheckedSeveralFactors(OidcUser user) {
        List<String> amr = user.getIdToken().getAuthenticationMethods();
        String acr = user.getIdToken().getAuthenticationContextClass();
        return (amr != null && amr.stream().anyMatch(settings.mfaAmr()::contains))
                || (acr != null && settings.mfaAcr().contains(acr));
    }
}
