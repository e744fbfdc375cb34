package org.tiphotline.console.accounts;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.accounts.PasswordPolicy;
import org.tiphotline.accounts.Passwords;
import org.tiphotline.console.web.Actors;
import org.tiphotline.operators.Actor;

/** Everyone's own account: what it is, and changing its password with the current one. */
@RestController
class AccountApi {

    private final Passwords passwords;
    private final Actors actors;

    AccountApi(Passwords passwords, Actors actors) {
        this.passwords = passwords;
        this.actors = actors;
    }

    @GetMapping("/api/account")
    Map<String, Object> account(Principal principal) {
        Actor me = actors.of(principal);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", me.username());
        body.put("roleName", RoleNames.of(me.role()));
        body.put("mustChangePassword", passwords.mustChange(me.username()));
        body.put("passwordMinLength", PasswordPolicy.MIN_LENGTH);
        body.put("passwordMaxLength", PasswordPolicy.MAX_LENGTH);
        return body;
    }

    record Change(String current, String next) {}

    @PostMapping("/api/account/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void changePassword(@RequestBody Change body, Principal principal) {
        passwords.change(actors.of(principal).username(), body.current(), body.next());
    }
}
