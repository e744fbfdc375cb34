package org.tiphotline.accounts;

import static org.tiphotline.db.Tables.APP_USER;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;

/**
 * The first administrator of a deployment that starts from an empty database: created once from the command
 * line with a one-time password, and refused while any enabled administrator exists, so the command can never
 * be used to take over a running system.
 */
@Service
public class FirstAdministrator {

    /** The audit trail's actor for what the command line did: no user exists yet to name. */
    public static final String ACTOR = "bootstrap-command";

    private final DSLContext db;
    private final AuditTrail audit;
    private final PasswordPolicy policy;
    private final PasswordEncoder encoder;

    public FirstAdministrator(DSLContext db, AuditTrail audit, PasswordPolicy policy, PasswordEncoder encoder) {
        this.db = db;
        this.audit = audit;
        this.policy = policy;
        this.encoder = encoder;
    }

    /** Returns the one-time password; throws {@link AccountRuleBroken} when the command must not run. */
    @Transactional
    public String create(String username) {
        // Two commands run at once must not both find no administrator.
        db.execute("lock table {0} in share row exclusive mode", APP_USER);
        if (db.fetchExists(APP_USER, APP_USER.ROLE.eq(Role.ADMIN.name()).and(APP_USER.ENABLED))) {
            throw new AccountRuleBroken("an enabled administrator already exists: sign in as them and manage users "
                    + "on the administration page");
        }
        if (username == null || !username.matches("[a-z0-9._-]{3,40}")) {
            throw new AccountRuleBroken("the username must be 3 to 40 lower-case letters, digits, dots, dashes or "
                    + "underscores");
        }
        if (db.fetchExists(APP_USER, APP_USER.USERNAME.eq(username))) {
            throw new AccountRuleBroken("a user named " + username + " already exists");
        }
        String oneTime = policy.oneTime();
        long id = db.insertInto(APP_USER)
                .set(APP_USER.USERNAME, username)
                .set(APP_USER.DISPLAY_NAME, "Administrator")
                .set(APP_USER.PASSWORD_HASH, encoder.encode(oneTime))
                .set(APP_USER.MUST_CHANGE_PASSWORD, true)
                .set(APP_USER.ROLE, Role.ADMIN.name())
                .returning(APP_USER.ID).fetchSingle(APP_USER.ID);
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("username", username);
        after.put("role", Role.ADMIN.name());
        after.put("password", "one-time, must be changed");
        audit.record(ACTOR, AuditTrail.Action.CREATE, Accounts.ENTITY, id, after.keySet(),
                Accounts.changes(Map.of(), after));
        return oneTime;
    }
}
