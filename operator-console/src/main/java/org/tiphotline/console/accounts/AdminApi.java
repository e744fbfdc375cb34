package org.tiphotline.console.accounts;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.accounts.Account;
import org.tiphotline.accounts.AccountForm;
import org.tiphotline.accounts.Accounts;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.console.web.Actors;
import org.tiphotline.escalation.Directory;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.operators.Role;

/**
 * Administrators' API for users (ADMIN only, by the security rules). It carries accounts and nothing of the
 * hotline's callers or victims; a one-time password is in the answer that creates or resets it, and nowhere else.
 */
@RestController
@RequestMapping("/api/admin")
class AdminApi {

    private final Accounts accounts;
    private final Actors actors;
    private final Directory directory;
    private final CallSettings calls;

    AdminApi(Accounts accounts, Actors actors, Directory directory, CallSettings calls) {
        this.accounts = accounts;
        this.actors = actors;
        this.directory = directory;
        this.calls = calls;
    }

    /** What the user form offers: roles by name, the directory's agencies, the hotline's languages. */
    @GetMapping("/options")
    Map<String, Object> options() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("roles", java.util.Arrays.stream(Role.values()).map(r -> Map.of("id", r.name(), "name",
                RoleNames.of(r))).toList());
        body.put("agencies", directory.agencies().stream().map(a -> Map.of("id", a.id(), "name", a.name()))
                .toList());
        body.put("languages", calls.languages());
        return body;
    }

    @GetMapping("/users")
    List<Map<String, Object>> list(@RequestParam(required = false) String role,
            @RequestParam(required = false) Boolean enabled, @RequestParam(required = false) String text) {
        return accounts.list(role == null || role.isBlank() ? null : AdminApi.role(role), enabled, text).stream()
                .map(this::view).toList();
    }

    @GetMapping("/users/{id}")
    Map<String, Object> one(@PathVariable long id) {
        return view(accounts.byId(id));
    }

    record UserForm(String username, String displayName, String role, String agency, List<String> languages,
            String endpoint) {

        AccountForm form() {
            return new AccountForm(username, displayName, role == null || role.isBlank() ? null : AdminApi.role(role), agency,
                    languages, endpoint);
        }
    }

    @PostMapping("/users")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(@RequestBody UserForm body, Principal principal) {
        Accounts.Created created = accounts.create(actors.of(principal), body.form());
        return Map.of("user", view(created.account()), "oneTimePassword", created.oneTimePassword());
    }

    @PutMapping("/users/{id}")
    Map<String, Object> edit(@PathVariable long id, @RequestBody UserForm body, Principal principal) {
        return view(accounts.edit(actors.of(principal), id, body.form()));
    }

    @PostMapping("/users/{id}/disable")
    Map<String, Object> disable(@PathVariable long id, Principal principal) {
        return view(accounts.setEnabled(actors.of(principal), id, false));
    }

    @PostMapping("/users/{id}/enable")
    Map<String, Object> enable(@PathVariable long id, Principal principal) {
        return view(accounts.setEnabled(actors.of(principal), id, true));
    }

    @PostMapping("/users/{id}/password-reset")
    Map<String, Object> resetPassword(@PathVariable long id, Principal principal) {
        return Map.of("oneTimePassword", accounts.resetPassword(actors.of(principal), id));
    }

    private static Role role(String name) {
        try {
            return Role.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidField("role", "one of " + java.util.Arrays.toString(Role.values()));
        }
    }

    private Map<String, Object> view(Account a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id());
        v.put("username", a.username());
        v.put("displayName", a.displayName());
        v.put("role", a.role().name());
        v.put("roleName", RoleNames.of(a.role()));
        if (a.agency() != null) {
            v.put("agency", a.agency());
            v.put("agencyName", directory.agency(a.agency()).map(Directory.Agency::name).orElse(a.agency()));
        }
        v.put("languages", a.languages());
        v.put("endpoint", a.endpoint());
        v.put("enabled", a.enabled());
        v.put("mustChangePassword", a.mustChangePassword());
        v.put("lastSignInAt", a.lastSignInAt());
        v.put("createdAt", a.createdAt());
        return v;
    }
}
