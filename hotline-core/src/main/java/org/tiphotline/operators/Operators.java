package org.tiphotline.operators;

import static org.tiphotline.db.Tables.APP_USER;

import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The users of the system, as stored. */
@Repository
public class Operators {

    private final DSLContext db;

    public Operators(DSLContext db) {
        this.db = db;
    }

    public Optional<Operator> byUsername(String username) {
        return db.selectFrom(APP_USER).where(APP_USER.USERNAME.eq(username)).and(APP_USER.ENABLED)
                .fetchOptional().map(Operators::toOperator);
    }

    public Optional<Operator> byId(OperatorId id) {
        return db.selectFrom(APP_USER).where(APP_USER.ID.eq(id.value())).fetchOptional().map(Operators::toOperator);
    }

    /** The stored password hash, for the login check only. */
    public Optional<String> passwordHash(String username) {
        return db.select(APP_USER.PASSWORD_HASH).from(APP_USER)
                .where(APP_USER.USERNAME.eq(username)).and(APP_USER.ENABLED)
                .fetchOptional(APP_USER.PASSWORD_HASH);
    }

    /** Everyone who can take calls, by name, for supervisors' filters and views. */
    public List<Operator> all() {
        return db.selectFrom(APP_USER).where(APP_USER.ENABLED).orderBy(APP_USER.DISPLAY_NAME)
                .fetch(Operators::toOperator);
    }

    public boolean exists(String username) {
        return db.fetchExists(APP_USER, APP_USER.USERNAME.eq(username));
    }

    @Transactional
    public Operator create(String username, String displayName, String passwordHash, Role role,
            List<String> languages, String endpoint) {
        return toOperator(db.insertInto(APP_USER)
                .set(APP_USER.USERNAME, username)
                .set(APP_USER.DISPLAY_NAME, displayName)
                .set(APP_USER.PASSWORD_HASH, passwordHash)
                .set(APP_USER.ROLE, role.name())
                .set(APP_USER.LANGUAGES, languages.toArray(String[]::new))
                .set(APP_USER.ENDPOINT, endpoint)
                .returning().fetchSingle());
    }

    /** A liaison user of an agency of the directory. */
    @Transactional
    public Operator createLiaison(String username, String displayName, String passwordHash, String agency) {
        return toOperator(db.insertInto(APP_USER)
                .set(APP_USER.USERNAME, username)
                .set(APP_USER.DISPLAY_NAME, displayName)
                .set(APP_USER.PASSWORD_HASH, passwordHash)
                .set(APP_USER.ROLE, Role.LIAISON.name())
                .set(APP_USER.AGENCY, agency)
                .returning().fetchSingle());
    }

    /** The agency a liaison user works for; empty for everyone else. */
    public Optional<String> agencyOf(OperatorId id) {
        return db.select(APP_USER.AGENCY).from(APP_USER).where(APP_USER.ID.eq(id.value()))
                .fetchOptional(APP_USER.AGENCY).filter(a -> a != null);
    }

    private static Operator toOperator(Record r) {
        return new Operator(new OperatorId(r.get(APP_USER.ID)), r.get(APP_USER.USERNAME),
                r.get(APP_USER.DISPLAY_NAME), Role.valueOf(r.get(APP_USER.ROLE)),
                List.of(r.get(APP_USER.LANGUAGES)), r.get(APP_USER.ENDPOINT));
    }
}
