package org.tiphotline.console.factors;

import jakarta.servlet.Filter;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.authentication.session.ChangeSessionIdAuthenticationStrategy;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationFilter;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationProvider;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.registration.PublicKeyCredentialCreationOptionsRepository;
import org.springframework.stereotype.Component;
import org.tiphotline.accounts.Passwords;
import org.tiphotline.factors.SecondFactors;

/** What the web security adds to Spring Security's {@code webAuthn()}: the passkey as a second factor only. */
@Component
public class PasskeySignIn {

    private final WebAuthnRelyingPartyOperations relyingParty;
    private final UserDetailsService users;
    private final SecondFactors factors;
    private final SecondFactorGate gate;
    private final Passwords passwords;

    PasskeySignIn(WebAuthnRelyingPartyOperations relyingParty, UserDetailsService users, SecondFactors factors,
            SecondFactorGate gate, Passwords passwords) {
        this.relyingParty = relyingParty;
        this.users = users;
        this.factors = factors;
        this.gate = gate;
        this.passwords = passwords;
    }

    /**
     * For {@code webAuthn().withObjectPostProcessor(...)}: the sign-in with a passkey checks it follows the same
     * user's password, and gives the session a new id, as the other factors do (the session the password opened is
     * not the one that reaches personal data).
     */
    public ObjectPostProcessor<WebAuthnAuthenticationFilter> afterPassword() {
        return new ObjectPostProcessor<>() {
            @Override
            public <O extends WebAuthnAuthenticationFilter> O postProcess(O filter) {
                filter.setAuthenticationManager(new ProviderManager(new PasskeyAfterPassword(
                        new WebAuthnAuthenticationProvider(relyingParty, users), factors)));
                filter.setSessionAuthenticationStrategy(new ChangeSessionIdAuthenticationStrategy());
                return filter;
            }
        };
    }

    /**
     * For {@code webAuthn().creationOptionsRepository(...)}: a registration's options kept in the session as a
     * serializable copy, since the session is in PostgreSQL and may be read by the other node.
     */
    public PublicKeyCredentialCreationOptionsRepository creationOptions() {
        return new SessionCreationOptions();
    }

    /** The rules in front of the registration and sign-in option endpoints ({@link PasskeyGuard}). */
    public Filter guard() {
        return new PasskeyGuard(factors, gate, passwords);
    }
}
