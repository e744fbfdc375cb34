package org.tiphotline.console.factors;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationProvider;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationRequestToken;
import org.tiphotline.factors.SecondFactors;

/**
 * Spring Security's passkey check, accepted here only as the second step of a password sign-in by the same user:
 * a passkey alone (from a signed-out browser) or someone else's passkey signs nobody in. Spring's multi-factor
 * support then adds {@code FACTOR_WEBAUTHN} to the password's sign-in. Each use is an audit row.
 *
 * <p>Not a bean: {@code ThrottledSignIn} must stay the only {@link AuthenticationProvider} bean, or Spring's form
 * login would stop using it. This one lives inside the passkey filter's own authentication manager.
 */
final class PasskeyAfterPassword implements AuthenticationProvider {

    private final WebAuthnAuthenticationProvider passkeys;
    private final SecondFactors factors;

    PasskeyAfterPassword(WebAuthnAuthenticationProvider passkeys, SecondFactors factors) {
        this.passkeys = passkeys;
        this.factors = factors;
    }

    @Override
    public Authentication authenticate(Authentication attempt) throws AuthenticationException {
        Authentication current = SecurityContextHolder.getContext().getAuthentication();
        if (!SecondFactorGate.hasPassword(current)) {
            throw new BadCredentialsException("a passkey is a second factor: sign in with your password first");
        }
        Authentication checked = passkeys.authenticate(attempt);
        if (checked == null || !current.getName().equals(checked.getName())) {
            throw new BadCredentialsException("that passkey belongs to another user");
        }
        factors.passkeyUsed(checked.getName());
        return checked;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return WebAuthnAuthenticationRequestToken.class.isAssignableFrom(authentication);
    }
}
