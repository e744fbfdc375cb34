package org.tiphotline.console.factors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;
import org.tiphotline.operators.Role;

/**
 * Tells a half-signed-in user (password only, in a role that needs a second factor) from a fully signed-in one,
 * from the factor authorities Spring Security puts in the sign-in ({@link FactorGrantedAuthority}): the password
 * gives {@code FACTOR_PASSWORD}, a passkey {@code FACTOR_WEBAUTHN}; an authenticator-app code or a recovery code
 * adds {@code FACTOR_TOTP} here. A passkey is only ever a second factor: a sign-in without the password's factor
 * (a passkey alone) owes the password whatever the role, and reaches nothing but enrolment.
 */
@Component
public class SecondFactorGate {

    public static final String TOTP_AUTHORITY = "FACTOR_TOTP";
    /**
     * Single sign-on whose ID token says the provider checked several factors (its {@code amr}/{@code acr}, as
     * configured): a factor of its own, so that the log and the session never pretend we checked an app code.
     */
    public static final String IDP_MFA_AUTHORITY = "FACTOR_IDP_MFA";
    /**
     * What a sign-in must begin with: the password, or single sign-on's authorization code (only ever for a local,
     * enabled user with the same role, see console.sso). A passkey or an app code is never the only factor.
     */
    private static final Set<String> FIRST = Set.of(FactorGrantedAuthority.PASSWORD_AUTHORITY,
            FactorGrantedAuthority.AUTHORIZATION_CODE_AUTHORITY);
    /** Any of these completes the second factor. */
    private static final Set<String> SECOND = Set.of(TOTP_AUTHORITY, FactorGrantedAuthority.WEBAUTHN_AUTHORITY,
            IDP_MFA_AUTHORITY);

    private final SecondFactorSettings settings;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

    public SecondFactorGate(SecondFactorSettings settings) {
        this.settings = settings;
    }

    public boolean owesSecondFactor(Authentication auth) {
        if (auth == null || !auth.isAuthenticated()) {
            return false;
        }
        if (!hasPassword(auth)) {
            return true;
        }
        Role role = roleOf(auth);
        return role != null && settings.required(role) && !hasSecondFactor(auth);
    }

    /** A first factor (the password or single sign-on) and a second factor, both in this sign-in. */
    public boolean hasSecondFactor(Authentication auth) {
        return hasPassword(auth)
                && auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).anyMatch(SECOND::contains);
    }

    /** Whether this sign-in began with a first factor: the password, or single sign-on's authorization code. */
    public static boolean hasPassword(Authentication auth) {
        return auth != null && auth.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .anyMatch(FIRST::contains);
    }

    public boolean required(Authentication auth) {
        Role role = roleOf(auth);
        return role != null && settings.required(role);
    }

    /**
     * Adds the TOTP factor to the signed-in user's authentication and gives the session a new id: the session the
     * password opened is not the one that reaches personal data.
     */
    public void completeWithTotp(HttpServletRequest request, HttpServletResponse response) {
        Authentication current = SecurityContextHolder.getContext().getAuthentication();
        List<GrantedAuthority> authorities = new ArrayList<>(current.getAuthorities());
        authorities.add(FactorGrantedAuthority.fromAuthority(TOTP_AUTHORITY));
        UsernamePasswordAuthenticationToken upgraded = UsernamePasswordAuthenticationToken
                .authenticated(current.getPrincipal(), null, authorities);
        upgraded.setDetails(current.getDetails());
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(upgraded);
        SecurityContextHolder.setContext(context);
        request.changeSessionId();
        contexts.saveContext(context, request, response);
    }

    private static Role roleOf(Authentication auth) {
        return auth.getAuthorities().stream().map(GrantedAuthority::getAuthority).filter(a -> a.startsWith("ROLE_"))
                .findFirst().map(a -> {
                    try {
                        return Role.valueOf(a.substring(5));
                    } catch (IllegalArgumentException unknown) {
                        return null;
                    }
                }).orElse(null);
    }
}
