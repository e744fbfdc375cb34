package org.tiphotline.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tiphotline.testing.TestDatabase;

/**
 * Issue 21, item 1, as an independent tester tried it: connected as the application's own database role, every
 * way to erase or rewrite the audit trail and the call history is refused by PostgreSQL itself (SQLState 42501,
 * insufficient privilege), while the application can still do its job there: INSERT and SELECT. Then the same
 * attempts as the schema's owner and as a superuser, which the ALWAYS triggers refuse too, and the one documented
 * way past them (break-glass), which the application's role cannot take.
 */
class LeastPrivilegeTest {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** Every append-only table of the schema: evidence, written once. */
    private static final List<String> APPEND_ONLY = List.of("audit_log", "call_event", "case_event",
            "case_consent_answer", "sign_in_event", "offline_contact");

    private final TestDatabase database = TestDatabase.get();
    private long auditRow;
    private UUID call;

    @BeforeEach
    void oneRowInEach() throws SQLException {
        try (Connection app = database.dataSource().getConnection()) {
            assertThat(text(app, "select current_user")).isEqualTo(TestDatabase.APPLICATION);
            // INSERT and SELECT: what the application needs, and has.
            try (PreparedStatement s = app.prepareStatement("insert into hotline.audit_log (actor, action, entity, "
                    + "entity_id) values ('least-privilege-test', 'READ', 'call', 'fake') returning id")) {
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    auditRow = r.getLong(1);
                }
            }
            call = UUID.randomUUID();
            try (PreparedStatement s = app.prepareStatement("insert into hotline.call (id, provider, "
                    + "provider_call_id, caller_mask, dialled_number, arrived_at, state, last_seq) "
                    + "values (?, 'sim', ?, '***00', '+15555550100', now(), 'IVR', 1)")) {
                s.setObject(1, call);
                s.setString(2, call.toString());
                s.executeUpdate();
            }
            try (PreparedStatement s = app.prepareStatement("insert into hotline.call_event (call_id, seq, type, at)"
                    + " values (?, 1, 'ARRIVED', now())")) {
                s.setObject(1, call);
                s.executeUpdate();
            }
            assertThat(text(app, "select actor from hotline.audit_log where id = " + auditRow))
                    .isEqualTo("least-privilege-test");
            assertThat(text(app, "select type from hotline.call_event where call_id = '" + call + "'"))
                    .isEqualTo("ARRIVED");
        }
    }

    /** The test's own rows go, through the break-glass procedure: no other test should meet this half-made call. */
    @AfterEach
    void removeTheTestsRows() {
        database.breakGlass(owner -> {
            owner.execute("delete from hotline.call_event where call_id = ?", call);
            owner.execute("delete from hotline.call where id = ?", call);
            owner.execute("delete from hotline.audit_log where id = ?", auditRow);
        });
    }

    @Test
    void theApplicationsRoleCannotEraseOrRewriteTheAuditTrailOrTheCallHistory() throws SQLException {
        try (Connection app = database.dataSource().getConnection(); Statement s = app.createStatement()) {
            String audit = "hotline.audit_log";
            String events = "hotline.call_event";
            refused(s, "update " + audit + " set actor = 'someone else' where id = " + auditRow)
                    .hasMessageContaining("permission denied for table audit_log");
            refused(s, "delete from " + audit + " where id = " + auditRow)
                    .hasMessageContaining("permission denied for table audit_log");
            refused(s, "truncate " + audit).hasMessageContaining("permission denied for table audit_log");
            refused(s, "update " + events + " set type = 'ENDED' where call_id = '" + call + "'")
                    .hasMessageContaining("permission denied for table call_event");
            refused(s, "delete from " + events + " where call_id = '" + call + "'")
                    .hasMessageContaining("permission denied for table call_event");
            refused(s, "truncate " + events + " cascade")
                    .hasMessageContaining("permission denied for table call_event");

            // What worked before issue 21: switch the triggers off, or have them skipped.
            refused(s, "alter table " + audit + " disable trigger audit_log_append_only")
                    .hasMessageContaining("must be owner of table audit_log");
            refused(s, "alter table " + events + " disable trigger all")
                    .hasMessageContaining("must be owner of table call_event");
            refused(s, "set session_replication_role = replica")
                    .hasMessageContaining("permission denied to set parameter \"session_replication_role\"");
            refused(s, "drop table " + audit).hasMessageContaining("must be owner of table audit_log");
            refused(s, "drop table " + events + " cascade").hasMessageContaining("must be owner of table call_event");

            // The break-glass setting is a custom one any role may set; it opens nothing for this one.
            s.execute("set hotline.break_glass = 'on'");
            refused(s, "delete from " + audit + " where id = " + auditRow)
                    .hasMessageContaining("permission denied for table audit_log");
            s.execute("reset hotline.break_glass");

            // No DDL anywhere: not in the schema, not in a temporary table.
            refused(s, "create table hotline.least_privilege_probe (id int)")
                    .hasMessageContaining("permission denied for schema hotline");
            refused(s, "create temporary table least_privilege_probe (id int)")
                    .hasMessageContaining("permission denied to create temporary tables");
            refused(s, "alter table hotline.call add column probe text")
                    .hasMessageContaining("must be owner of table call");

            for (String table : APPEND_ONLY) {
                String column = firstColumn(s, table);
                refused(s, "update hotline." + table + " set " + column + " = " + column + " where false")
                        .hasMessageContaining("permission denied for table " + table);
                refused(s, "delete from hotline." + table + " where false")
                        .hasMessageContaining("permission denied for table " + table);
                refused(s, "truncate hotline." + table).hasMessageContaining("permission denied for table " + table);
            }
            refused(s, "delete from hotline.export_request where false")
                    .hasMessageContaining("permission denied for table export_request");
            // Retention's record of what was erased under which rule (V67): decided and counted, never deleted.
            for (String table : List.of("retention_batch", "retention_batch_item")) {
                refused(s, "delete from hotline." + table + " where false")
                        .hasMessageContaining("permission denied for table " + table);
                refused(s, "truncate hotline." + table).hasMessageContaining("permission denied for table " + table);
            }
            refused(s, "delete from hotline.flyway_schema_history where false")
                    .hasMessageContaining("permission denied for table flyway_schema_history");

            // Nothing of the above happened; the rows are as written, and the role can still append and read.
            assertThat(text(app, "select actor from hotline.audit_log where id = " + auditRow))
                    .isEqualTo("least-privilege-test");
            assertThat(text(app, "select count(*) from hotline.call_event where call_id = '" + call + "'"))
                    .isEqualTo("1");
            s.executeUpdate("insert into hotline.call_event (call_id, seq, type, at) values ('" + call
                    + "', 2, 'ENDED', now())");
            assertThat(text(app, "select count(*) from hotline.call_event where call_id = '" + call + "'"))
                    .isEqualTo("2");
        }
    }

    @Test
    void theOwnerAndASuperuserAreRefusedToo() throws SQLException {
        try (Connection owner = database.ownerDataSource().getConnection(); Statement s = owner.createStatement()) {
            refused(s, "update hotline.audit_log set actor = 'someone else' where id = " + auditRow)
                    .hasMessageContaining("audit_log is append-only");
            refused(s, "delete from hotline.call_event where call_id = '" + call + "'")
                    .hasMessageContaining("call_event is append-only");
            refused(s, "truncate hotline.audit_log").hasMessageContaining("audit_log is append-only");
            refused(s, "truncate hotline.call_event cascade").hasMessageContaining("call_event is append-only");
            for (String table : APPEND_ONLY) {
                refused(s, "truncate hotline." + table + " cascade").hasMessageContaining(table + " is append-only");
            }
            refused(s, "truncate hotline.export_request").hasMessageContaining("export_request is append-only");
        }
        try (Connection superuser = DriverManager.getConnection(database.superuserJdbcUrl(), "postgres", "postgres");
                Statement s = superuser.createStatement()) {
            // Replication mode skips ordinary triggers; these fire ALWAYS.
            s.execute("set session_replication_role = replica");
            refused(s, "delete from hotline.audit_log where id = " + auditRow)
                    .hasMessageContaining("audit_log is append-only");
            refused(s, "truncate hotline.call_event cascade").hasMessageContaining("call_event is append-only");
        }
        try (Connection app = database.dataSource().getConnection()) {
            assertThat(text(app, "select count(*) from hotline.audit_log where id = " + auditRow)).isEqualTo("1");
        }
    }

    /** The documented procedure (docs/operations.md): the owner, in a transaction, with the setting on. */
    @Test
    void theBreakGlassProcedureLetsTheOwnerThrough() throws SQLException {
        DataSource owners = database.ownerDataSource();
        try (Connection owner = owners.getConnection(); Statement s = owner.createStatement()) {
            owner.setAutoCommit(false);
            try {
                s.execute("set local hotline.break_glass = 'on'");
                assertThat(s.executeUpdate("delete from hotline.audit_log where id = " + auditRow)).isEqualTo(1);
                s.execute("truncate hotline.audit_log");
                assertThat(text(owner, "select count(*) from hotline.audit_log")).isEqualTo("0");
            } finally {
                owner.rollback();
                owner.setAutoCommit(true);
            }
            // SET LOCAL ends with the transaction: the guard is back.
            refused(s, "delete from hotline.audit_log where id = " + auditRow)
                    .hasMessageContaining("audit_log is append-only");
        }
        try (Connection app = database.dataSource().getConnection()) {
            assertThat(text(app, "select count(*) from hotline.audit_log where id = " + auditRow))
                    .as("rolled back").isEqualTo("1");
        }
    }

    /**
     * A key rotation must move who asked a consent question to the new key (V66): that column alone, and only to
     * another key; every other change of the answer stays refused, to the application and to the owner.
     */
    @Test
    void aConsentAnswerMayOnlyBeReencryptedUnderAnotherKey() throws SQLException {
        UUID caseId = UUID.randomUUID();
        UUID answer = UUID.randomUUID();
        long user;
        try (Connection app = database.dataSource().getConnection(); Statement s = app.createStatement()) {
            try (ResultSet r = s.executeQuery("insert into hotline.app_user (username, display_name, password_hash, "
                    + "role) values ('lp-" + answer.toString().substring(0, 8) + "', 'Fake Recorder', 'x', "
                    + "'DATA_MANAGER') returning id")) {
                r.next();
                user = r.getLong(1);
            }
            s.executeUpdate("insert into hotline.registry_case (id, reference, status, form_version, created_at, "
                    + "updated_at) values ('" + caseId + "', 'C-2099-" + (900000 + (int) (Math.random() * 99999))
                    + "', 'POTENTIAL', 1, now(), now())");
            // Ciphertexts as FieldCipher lays them out: 0x01, the key id's length, the key id, then the sealed bytes.
            s.executeUpdate("insert into hotline.case_consent_answer (id, case_id, question, answer, asked_by_enc, "
                    + "asked_on, recorded_by, recorded_at) values ('" + answer + "', '" + caseId + "', '1.1', true, "
                    + "'\\x01026b31aabbccdd', current_date, " + user + ", now())");

            String table = "hotline.case_consent_answer";
            refused(s, "update " + table + " set asked_by_enc = '\\x01026b31eeff0011' where id = '" + answer + "'")
                    .hasMessageContaining("case_consent_answer is append-only");
            refused(s, "update " + table + " set answer = false where id = '" + answer + "'")
                    .hasMessageContaining("permission denied for table case_consent_answer");
            refused(s, "update " + table + " set asked_by_enc = 'garbage'::bytea where id = '" + answer + "'")
                    .hasMessageContaining("case_consent_answer is append-only");
            assertThat(s.executeUpdate("update " + table + " set asked_by_enc = '\\x01026b32eeff0011' where id = '"
                    + answer + "'")).isEqualTo(1);
            assertThat(text(app, "select encode(asked_by_enc, 'hex') from " + table + " where id = '" + answer + "'"))
                    .isEqualTo("01026b32eeff0011");
            refused(s, "delete from " + table + " where id = '" + answer + "'")
                    .hasMessageContaining("permission denied for table case_consent_answer");
        }
        try (Connection owner = database.ownerDataSource().getConnection(); Statement s = owner.createStatement()) {
            refused(s, "update hotline.case_consent_answer set answer = false, asked_by_enc = '\\x01026b31eeff0011' "
                    + "where id = '" + answer + "'").hasMessageContaining("case_consent_answer is append-only");
            refused(s, "delete from hotline.case_consent_answer where id = '" + answer + "'")
                    .hasMessageContaining("case_consent_answer is append-only");
        }
        database.breakGlass(owner -> {
            owner.execute("delete from hotline.case_consent_answer where id = ?", answer);
            owner.execute("delete from hotline.registry_case where id = ?", caseId);
            owner.execute("delete from hotline.app_user where id = ?", user);
        });
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(Statement s, String sql) {
        return assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(sql + ": " + e.getMessage())
                        .isEqualTo(INSUFFICIENT_PRIVILEGE));
    }

    private static String firstColumn(Statement s, String table) throws SQLException {
        // Not an identity column: "can only be updated to DEFAULT" would come before the privilege check.
        try (ResultSet r = s.executeQuery("select column_name from information_schema.columns where table_schema = "
                + "'hotline' and table_name = '" + table + "' and is_identity = 'NO' order by ordinal_position "
                + "limit 1")) {
            r.next();
            return r.getString(1);
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
