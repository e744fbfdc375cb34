package org.tiphotline.console.database;

import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Which PostgreSQL role the application's connections use, for the start-up log and the administrators' status
 * page: least privilege holds only if that role is no superuser and owns nothing of the schema. A deployment that
 * still connects as the owner (or a superuser) starts, and says so loudly. Never a password.
 */
@Component
public class ConnectedRole {

    private static final Logger log = LoggerFactory.getLogger(ConnectedRole.class);

    private final DSLContext db;

    ConnectedRole(DSLContext db) {
        this.db = db;
    }

    /**
     * @param name the role the application's pool connects as
     * @param problem null when it is least privileged; otherwise what is wrong, in words
     */
    public record Role(String name, String problem) {

        public boolean leastPrivilege() {
            return problem == null;
        }
    }

    public Role current() {
        org.jooq.Record r = db.fetchSingle("""
                select current_user::text, r.rolsuper, coalesce(pg_catalog.pg_has_role(current_user, n.nspowner,
                  'MEMBER'), false)
                from pg_catalog.pg_roles r left join pg_catalog.pg_namespace n on n.nspname = 'hotline'
                where r.rolname = current_user""");
        String problem = Boolean.TRUE.equals(r.get(1, Boolean.class)) ? "it is a superuser"
                : Boolean.TRUE.equals(r.get(2, Boolean.class)) ? "it owns the schema (or is a member of its owner)"
                : null;
        return new Role(r.get(0, String.class), problem);
    }

    @EventListener(ApplicationReadyEvent.class)
    void tell() {
        Role role = current();
        if (role.leastPrivilege()) {
            log.info("the application connects to PostgreSQL as {}, which owns nothing: the evidence tables are "
                    + "append-only for it", role.name());
        } else {
            log.warn("the application connects to PostgreSQL as {}, and {}: least privilege is not in force. Give "
                    + "the application its own role and Flyway the owner's (docs/operations.md, \"Database roles\")",
                    role.name(), role.problem());
        }
    }
}
