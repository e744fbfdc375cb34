package org.tiphotline.console.accounts;

import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.tiphotline.accounts.Passwords;

/** A one-time password (the first administrator's, a new user's, a reset) is replaced before anything else. */
@Component
@Order(100)
class PasswordChangeStep implements FirstSignInStep {

    private final Passwords passwords;

    PasswordChangeStep(Passwords passwords) {
        this.passwords = passwords;
    }

    @Override
    public boolean pending(Authentication user) {
        return passwords.mustChange(user.getName());
    }

    @Override
    public String page() {
        return "/account.html";
    }

    @Override
    public List<String> paths() {
        return List.of("/js/account.js", "/api/account", "/api/account/password");
    }

    @Override
    public String refusal() {
        return "change your one-time password first";
    }
}
