package org.tiphotline.console.factors;

import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.tiphotline.console.accounts.FirstSignInStep;

/**
 * A half-signed-in user (password only, in a role that needs a second factor) reaches the enrolment page and its
 * APIs, and nothing else, until a passkey, an app code or a recovery code completes the sign-in. After the
 * one-time password's change: a new user replaces the password first, then enrols.
 */
@Component
@Order(200)
class SecondFactorStep implements FirstSignInStep {

    private final SecondFactorGate gate;

    SecondFactorStep(SecondFactorGate gate) {
        this.gate = gate;
    }

    @Override
    public boolean pending(Authentication user) {
        return gate.owesSecondFactor(user);
    }

    @Override
    public String page() {
        return "/factors.html";
    }

    @Override
    public List<String> paths() {
        // Spring's passkey endpoints (PasskeyGuard has its own rules for them).
        return List.of("/js/factors.js", "/api/factors", "/api/factors/**", "/webauthn/register",
                "/webauthn/register/options", "/webauthn/authenticate/options", "/login/webauthn");
    }

    @Override
    public String refusal() {
        return "complete your second factor first";
    }
}
