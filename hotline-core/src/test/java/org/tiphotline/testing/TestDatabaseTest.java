package org.tiphotline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;

/** The fixture itself: a migrated PostgreSQL, and jOOQ statements that belong to Spring's transactions. */
@SpringJUnitConfig(CoreTestConfiguration.class)
class TestDatabaseTest {

    @Autowired
    private DSLContext db;
    @Autowired
    private TransactionTemplate tx;
    @Autowired
    private AuditTrail audit;

    @Test
    void theSchemaIsMigrated() {
        assertThat(db.fetchSingle("select count(*) from hotline.flyway_schema_history where success").get(0, Long.class))
                .isPositive();
        assertThat(db.fetchSingle("select version()").get(0, String.class)).startsWith("PostgreSQL");
        assertThat(db.fetchSingle("select current_user").get(0, String.class)).as("every test runs as the application")
                .isEqualTo(TestDatabase.APPLICATION);
    }

    @Test
    void resetEmptiesTheAppendOnlyTablesThroughTheBreakGlassProcedure() {
        tx.executeWithoutResult(status -> audit.record("fixture-reset", AuditTrail.Action.READ, "test", 1, List.of()));
        assertThat(db.fetchCount(AUDIT_LOG)).isPositive();
        TestDatabase.get().reset();
        assertThat(db.fetchCount(AUDIT_LOG)).isZero();
    }

    @Test
    void jooqStatementsRollBackWithTheSpringTransaction() {
        String username = FakeData.username("rollback");
        tx.executeWithoutResult(status -> {
            insertUser(username);
            assertThat(db.fetchExists(APP_USER, APP_USER.USERNAME.eq(username))).isTrue();
            status.setRollbackOnly();
        });
        assertThat(db.fetchExists(APP_USER, APP_USER.USERNAME.eq(username))).isFalse();

        tx.executeWithoutResult(status -> insertUser(username));
        assertThat(db.fetchExists(APP_USER, APP_USER.USERNAME.eq(username))).isTrue();
    }

    @Test
    void constraintViolationsArriveAsSpringExceptions() {
        String username = FakeData.username("dup");
        insertUser(username);
        assertThatThrownBy(() -> insertUser(username)).isInstanceOf(DuplicateKeyException.class);
        assertThatThrownBy(() -> db.insertInto(APP_USER).set(APP_USER.USERNAME, "NOT VALID")
                .set(APP_USER.DISPLAY_NAME, "x").set(APP_USER.PASSWORD_HASH, "x").set(APP_USER.ROLE, "OPERATOR")
                .execute()).isInstanceOf(DataAccessException.class);
    }

    @Test
    void theAuditTrailRefusesToWriteOutsideATransactionAndIsAppendOnly() {
        assertThatThrownBy(() -> audit.record("test", AuditTrail.Action.READ, "test", 1, List.of()))
                .isInstanceOf(IllegalTransactionStateException.class);

        tx.executeWithoutResult(status -> audit.record("fixture-test", AuditTrail.Action.READ, "test", 1, List.of()));
        // The tests' connections are the application's role, which may not delete there at all.
        assertThatThrownBy(() -> db.deleteFrom(AUDIT_LOG).where(AUDIT_LOG.ACTOR.eq("fixture-test")).execute())
                .isInstanceOf(DataAccessException.class).rootCause()
                .hasMessageContaining("permission denied for table audit_log");
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq("fixture-test"))).isPositive();
    }

    private void insertUser(String username) {
        db.insertInto(APP_USER).set(APP_USER.USERNAME, username).set(APP_USER.DISPLAY_NAME, "Testfirst Fakename")
                .set(APP_USER.PASSWORD_HASH, "{noop}not-a-real-hash").set(APP_USER.ROLE, Role.OPERATOR.name())
                .execute();
    }
}
