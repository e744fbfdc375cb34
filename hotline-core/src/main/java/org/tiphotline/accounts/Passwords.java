package org.tiphotline.accounts;

import static org.tiphotline.db.Tables.APP_USER;

import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.protection.AuditTrail;

/**
 * Each user's own password: changed with the current one, never expiring; a one-time password set by an
 * administrator (or the first-administrator command) must be changed before anything else.
 */
@Service
public class Passwords {

    private final DSLContext db;
    private final AuditTrail audit;
    private final PasswordPolicy policy;
    private final PasswordEncoder encoder;

    public Passwords(DSLContext db, AuditTrail audit, PasswordPolicy policy, PasswordEncoder encoder) {
        this.db = db;
        this.audit = audit;
        this.policy = policy;
        this.encoder = encoder;
    }

    /** Whether this enabled user still signs in with a one-time password that they must replace first. */
    @Transactional(readOnly = true)
    public boolean mustChange(String username) {
        return Boolean.TRUE.equals(db.select(APP_USER.MUST_CHANGE_PASSWORD).from(APP_USER)
                .where(APP_USER.USERNAME.eq(username)).fetchOne(APP_USER.MUST_CHANGE_PASSWORD));
    }

    /**
     * Replaces the user's password. The current one is required even right after signing in, so that a session
     * left open cannot be turned into a taken account.
     */
    @Transactional
    public void change(String username, String current, String next) {
        String hash = db.select(APP_USER.PASSWORD_HASH).from(APP_USER).where(APP_USER.USERNAME.eq(username))
                .and(APP_USER.ENABLED).forUpdate().fetchOptional(APP_USER.PASSWORD_HASH)
                .orElseThrow(AccountNotFound::new);
        if (current == null || !encoder.matches(current, hash)) {
            throw new PasswordRefused("the current password is not right");
        }
        policy.check(next, username);
        if (next.equals(current)) {
            throw new PasswordRefused("the new password must differ from the current one");
        }
        long id = db.update(APP_USER).set(APP_USER.PASSWORD_HASH, encoder.encode(next))
                .set(APP_USER.MUST_CHANGE_PASSWORD, false).set(APP_USER.UPDATED_AT, DSL.currentOffsetDateTime())
                .where(APP_USER.USERNAME.eq(username)).returning(APP_USER.ID).fetchSingle(APP_USER.ID);
        audit.record(username, AuditTrail.Action.CHANGE, Accounts.ENTITY, id, List.of("password"),
                Map.of("password", Accounts.beforeAfter(null, "changed by the user")));
    }

    /** Remembers when the user last signed in, for the administrators' list. */
    @Transactional
    public void signedIn(String username) {
        db.update(APP_USER).set(APP_USER.LAST_SIGN_IN_AT, DSL.currentOffsetDateTime())
                .where(APP_USER.USERNAME.eq(username)).execute();
    }
}
