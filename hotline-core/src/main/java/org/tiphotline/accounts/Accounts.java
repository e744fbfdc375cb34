package org.tiphotline.accounts;

import static org.tiphotline.db.Tables.APP_USER;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.escalation.Directory;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;

/**
 * Users as administrators manage them. Every change is one audit row naming the administrator, the fields and
 * their values before and after (never a password). Two rules keep the system administrable: an administrator
 * cannot change their own role or disable themselves, and the last enabled administrator stays one. Changes that
 * take rights away revoke the user's sessions ({@link Account.SessionsRevoked}).
 */
@Service
public class Accounts {

    static final String ENTITY = "app_user";

    private final DSLContext db;
    private final AuditTrail audit;
    private final PasswordPolicy policy;
    private final PasswordEncoder encoder;
    private final Directory directory;
    private final CallSettings calls;
    private final ApplicationEventPublisher events;

    public Accounts(DSLContext db, AuditTrail audit, PasswordPolicy policy, PasswordEncoder encoder,
            Directory directory, CallSettings calls, ApplicationEventPublisher events) {
        this.db = db;
        this.audit = audit;
        this.policy = policy;
        this.encoder = encoder;
        this.directory = directory;
        this.calls = calls;
        this.events = events;
    }

    /** A new user and the one-time password they sign in with once, shown to the administrator only now. */
    public record Created(Account account, String oneTimePassword) {}

    /**
     * Users by role, by whether they are enabled, and by text in their username or name (each filter optional),
     * administrators' view: no personal data of the hotline's callers is anywhere near these rows.
     */
    @Transactional(readOnly = true)
    public List<Account> list(Role role, Boolean enabled, String text) {
        List<Condition> where = new ArrayList<>();
        if (role != null) {
            where.add(APP_USER.ROLE.eq(role.name()));
        }
        if (enabled != null) {
            where.add(APP_USER.ENABLED.eq(enabled));
        }
        if (text != null && !text.isBlank()) {
            String like = "%" + text.strip().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%";
            where.add(APP_USER.USERNAME.likeIgnoreCase(like).or(APP_USER.DISPLAY_NAME.likeIgnoreCase(like)));
        }
        return db.selectFrom(APP_USER).where(where).orderBy(APP_USER.DISPLAY_NAME, APP_USER.USERNAME)
                .fetch(Accounts::toAccount);
    }

    @Transactional(readOnly = true)
    public Account byId(long id) {
        return db.selectFrom(APP_USER).where(APP_USER.ID.eq(id)).fetchOptional().map(Accounts::toAccount)
                .orElseThrow(AccountNotFound::new);
    }

    @Transactional
    public Created create(Actor admin, AccountForm form) {
        AccountForm f = form.checked(true, directory, calls);
        if (db.fetchExists(APP_USER, APP_USER.USERNAME.eq(f.username()))) {
            throw new AccountRuleBroken("that username is taken");
        }
        String oneTime = policy.oneTime();
        Account created = toAccount(db.insertInto(APP_USER)
                .set(APP_USER.USERNAME, f.username())
                .set(APP_USER.DISPLAY_NAME, f.displayName())
                .set(APP_USER.PASSWORD_HASH, encoder.encode(oneTime))
                .set(APP_USER.MUST_CHANGE_PASSWORD, true)
                .set(APP_USER.ROLE, f.role().name())
                .set(APP_USER.AGENCY, f.agency())
                .set(APP_USER.LANGUAGES, f.languages().toArray(String[]::new))
                .set(APP_USER.ENDPOINT, f.endpoint())
                .returning().fetchSingle());
        Map<String, Object> after = editable(created);
        after.put("username", created.username());
        after.put("enabled", true);
        after.put("password", "one-time, must be changed");
        audit.record(admin.username(), AuditTrail.Action.CREATE, ENTITY, created.id(), after.keySet(),
                changes(Map.of(), after));
        return new Created(created, oneTime);
    }

    /** Replaces what an administrator may edit: name, role (and a liaison's agency), languages, phone. */
    @Transactional
    public Account edit(Actor admin, long id, AccountForm form) {
        AccountForm f = form.checked(false, directory, calls);
        lockAdministrators();
        Account before = lockedById(id);
        if (f.role() != before.role()) {
            if (before.role() == Role.ADMIN && before.enabled() && enabledAdministrators() == 1) {
                throw new AccountRuleBroken("the last enabled administrator cannot be given another role");
            }
            if (before.id() == admin.id().value()) {
                throw new SecurityException("administrators cannot change their own role");
            }
        }
        db.update(APP_USER)
                .set(APP_USER.DISPLAY_NAME, f.displayName())
                .set(APP_USER.ROLE, f.role().name())
                .set(APP_USER.AGENCY, f.agency())
                .set(APP_USER.LANGUAGES, f.languages().toArray(String[]::new))
                .set(APP_USER.ENDPOINT, f.endpoint())
                .set(APP_USER.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(APP_USER.ID.eq(id)).execute();
        Account after = byId(id);
        Map<String, Map<String, Object>> changed = changes(editable(before), editable(after));
        if (!changed.isEmpty()) {
            audit.record(admin.username(), AuditTrail.Action.CHANGE, ENTITY, id, changed.keySet(), changed);
        }
        if (before.role() != after.role() || !Objects.equals(before.agency(), after.agency())) {
            events.publishEvent(new Account.SessionsRevoked(id, after.username(), "role changed"));
        }
        return after;
    }

    /**
     * Disables or re-enables a user. A disabled user cannot sign in and their open sessions end; their name stays
     * on everything they did.
     */
    @Transactional
    public Account setEnabled(Actor admin, long id, boolean enabled) {
        lockAdministrators();
        Account before = lockedById(id);
        if (before.enabled() == enabled) {
            return before;
        }
        if (!enabled) {
            if (before.role() == Role.ADMIN && enabledAdministrators() == 1) {
                throw new AccountRuleBroken("the last enabled administrator cannot be disabled");
            }
            if (before.id() == admin.id().value()) {
                throw new SecurityException("administrators cannot disable themselves");
            }
        }
        db.update(APP_USER).set(APP_USER.ENABLED, enabled).set(APP_USER.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(APP_USER.ID.eq(id)).execute();
        audit.record(admin.username(), AuditTrail.Action.CHANGE, ENTITY, id, List.of("enabled"),
                Map.of("enabled", beforeAfter(before.enabled(), enabled)));
        if (!enabled) {
            events.publishEvent(new Account.SessionsRevoked(id, before.username(), "disabled"));
        }
        return byId(id);
    }

    /**
     * Gives a user a new one-time password, which they must change at their next sign-in; their open sessions end
     * (a reset is often because someone else may know the old one). Administrators change their own password on
     * their account page instead, with their current one.
     */
    @Transactional
    public String resetPassword(Actor admin, long id) {
        Account user = lockedById(id);
        if (user.id() == admin.id().value()) {
            throw new SecurityException("change your own password on your account page");
        }
        String oneTime = policy.oneTime();
        db.update(APP_USER).set(APP_USER.PASSWORD_HASH, encoder.encode(oneTime))
                .set(APP_USER.MUST_CHANGE_PASSWORD, true).set(APP_USER.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(APP_USER.ID.eq(id)).execute();
        audit.record(admin.username(), AuditTrail.Action.CHANGE, ENTITY, id, List.of("password"),
                Map.of("password", beforeAfter("set by the user", "one-time, must be changed")));
        events.publishEvent(new Account.SessionsRevoked(id, user.username(), "password reset"));
        return oneTime;
    }

    /** Serialises the changes that could leave no enabled administrator: two admins disabling each other at once. */
    private void lockAdministrators() {
        db.select(APP_USER.ID).from(APP_USER).where(APP_USER.ROLE.eq(Role.ADMIN.name())).and(APP_USER.ENABLED)
                .forUpdate().fetch();
    }

    private int enabledAdministrators() {
        return db.fetchCount(APP_USER, APP_USER.ROLE.eq(Role.ADMIN.name()).and(APP_USER.ENABLED));
    }

    private Account lockedById(long id) {
        return db.selectFrom(APP_USER).where(APP_USER.ID.eq(id)).forUpdate().fetchOptional().map(Accounts::toAccount)
                .orElseThrow(AccountNotFound::new);
    }

    private static Map<String, Object> editable(Account a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("displayName", a.displayName());
        m.put("role", a.role().name());
        m.put("agency", a.agency());
        m.put("languages", a.languages());
        m.put("endpoint", a.endpoint());
        return m;
    }

    /** Field → {before, after} for each field whose value differs. */
    static Map<String, Map<String, Object>> changes(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Map<String, Object>> changed = new LinkedHashMap<>();
        after.forEach((field, value) -> {
            if (!Objects.equals(before.get(field), value)) {
                changed.put(field, beforeAfter(before.get(field), value));
            }
        });
        return changed;
    }

    static Map<String, Object> beforeAfter(Object before, Object after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("before", before);
        m.put("after", after);
        return m;
    }

    static Account toAccount(Record r) {
        return new Account(r.get(APP_USER.ID), r.get(APP_USER.USERNAME), r.get(APP_USER.DISPLAY_NAME),
                Role.valueOf(r.get(APP_USER.ROLE)), r.get(APP_USER.AGENCY), List.of(r.get(APP_USER.LANGUAGES)),
                r.get(APP_USER.ENDPOINT), r.get(APP_USER.ENABLED), r.get(APP_USER.MUST_CHANGE_PASSWORD),
                r.get(APP_USER.LAST_SIGN_IN_AT), r.get(APP_USER.CREATED_AT));
    }
}
