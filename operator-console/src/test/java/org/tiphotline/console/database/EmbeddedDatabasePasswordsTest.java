package org.tiphotline.console.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL asks every role for its password (issue 21: it used to let any local user in as the
 * superuser): a connection without one or with a wrong one is refused by the server, for the superuser too; and
 * the data directory of an older version (trust, everything owned by the superuser) still starts, taken over.
 */
class EmbeddedDatabasePasswordsTest {

    @TempDir
    Path data;

    @Test
    void aNewDataDirectoryRefusesEveryRoleWithoutItsPassword() throws Exception {
        Path pgData = data.resolve("postgres");
        try (EmbeddedPostgres postgres = DatabaseRestart.start(pgData, 0)) {
            DatabasePasswords passwords = DatabasePasswords.loadOrCreate(data.resolve("database-passwords.properties"));
            String url = EmbeddedDatabase.url(postgres);
            assertThat(Files.readString(pgData.resolve("pg_hba.conf"), StandardCharsets.UTF_8))
                    .isEqualTo(EmbeddedRoles.HBA).doesNotContain("trust");
            assertThat(Files.getPosixFilePermissions(data.resolve("database-passwords.properties")).toString())
                    .isEqualTo("[OWNER_READ, OWNER_WRITE]");
            assertThat(data.resolve(".initdb-password")).as("initdb's copy of the password is gone").doesNotExist();

            for (Map.Entry<String, String> role : Map.of(DatabasePasswords.SUPERUSER, passwords.superuser(),
                    DatabasePasswords.OWNER, passwords.owner(), DatabasePasswords.APPLICATION,
                    passwords.application()).entrySet()) {
                assertRefused(url, role.getKey(), null);
                assertRefused(url, role.getKey(), "postgres");
                assertRefused(url, role.getKey(), role.getValue() + "x");
                try (Connection c = DriverManager.getConnection(url, role.getKey(), role.getValue())) {
                    assertThat(text(c, "select current_user")).isEqualTo(role.getKey());
                }
            }
            try (Connection c = DriverManager.getConnection(url, DatabasePasswords.SUPERUSER, passwords.superuser())) {
                assertThat(text(c, "show listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(text(c, "select count(*) from pg_hba_file_rules where auth_method <> 'scram-sha-256'"))
                        .isEqualTo("0");
                assertThat(text(c, "select count(*) from pg_authid where rolname in ('postgres', 'hotline_owner', "
                        + "'hotline_app') and rolpassword like 'SCRAM-SHA-256$%'")).isEqualTo("3");
                assertThat(text(c, "select nspowner::regrole::text from pg_namespace where nspname = 'hotline'"))
                        .isEqualTo(DatabasePasswords.OWNER);
                assertThat(text(c, "select (rolsuper or rolcreaterole or rolcreatedb)::text from pg_roles "
                        + "where rolname = 'hotline_app'")).isEqualTo("false");
            }
        }
        // A restart reads the same passwords and changes nothing.
        try (EmbeddedPostgres again = DatabaseRestart.start(pgData, 0)) {
            DatabasePasswords passwords = DatabasePasswords.loadOrCreate(data.resolve("database-passwords.properties"));
            try (Connection c = DriverManager.getConnection(EmbeddedDatabase.url(again), DatabasePasswords.APPLICATION,
                    passwords.application())) {
                assertThat(text(c, "select current_user")).isEqualTo(DatabasePasswords.APPLICATION);
            }
        }
    }

    @Test
    void anOlderVersionsDataDirectoryWithTrustStartsAndIsTakenOver() throws Exception {
        Path pgData = data.resolve("postgres");
        // What the previous version left: initdb -A trust, migrations up to V60 run as the superuser, a row.
        try (EmbeddedPostgres older = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .start()) {
            Flyway.configure().dataSource(older.getPostgresDatabase()).schemas("hotline")
                    .locations("classpath:db/migration").target("60")
                    .placeholders(Map.of("application_role", "hotline_app")).load().migrate();
            try (Connection c = older.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("insert into hotline.audit_log (actor, action, entity, entity_id) "
                        + "values ('older-version', 'READ', 'test', '1')");
            }
        }
        assertThat(EmbeddedRoles.trusts(pgData)).isTrue();
        assertThat(data.resolve("database-passwords.properties")).doesNotExist();

        try (EmbeddedPostgres postgres = DatabaseRestart.start(pgData, 0)) {
            DatabasePasswords passwords = DatabasePasswords.loadOrCreate(data.resolve("database-passwords.properties"));
            String url = EmbeddedDatabase.url(postgres);
            assertThat(EmbeddedRoles.trusts(pgData)).isFalse();
            waitUntilRefused(url, DatabasePasswords.SUPERUSER);
            assertRefused(url, DatabasePasswords.APPLICATION, null);

            try (Connection c = DriverManager.getConnection(url, DatabasePasswords.SUPERUSER, passwords.superuser())) {
                assertThat(text(c, "select count(*) from pg_class where relnamespace = 'hotline'::regnamespace "
                        + "and relkind in ('r', 'S', 'v') and relowner <> 'hotline_owner'::regrole"))
                        .as("every table and sequence now belongs to the owner").isEqualTo("0");
                assertThat(text(c, "select count(*) from pg_proc where pronamespace = 'hotline'::regnamespace "
                        + "and proowner <> 'hotline_owner'::regrole")).isEqualTo("0");
                assertThat(text(c, "select nspowner::regrole::text from pg_namespace where nspname = 'hotline'"))
                        .isEqualTo(DatabasePasswords.OWNER);
            }
            // The new version's migration, as the owner (the application's start does the same).
            Flyway.configure().dataSource(url, DatabasePasswords.OWNER, passwords.owner()).schemas("hotline")
                    .locations("classpath:db/migration").placeholders(Map.of("application_role", "hotline_app"))
                    .load().migrate();
            try (Connection app = DriverManager.getConnection(url, DatabasePasswords.APPLICATION,
                    passwords.application()); Statement s = app.createStatement()) {
                assertThat(text(app, "select count(*) from hotline.audit_log where actor = 'older-version'"))
                        .isEqualTo("1");
                assertThatThrownBy(() -> s.execute("delete from hotline.audit_log"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for table audit_log")
                        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
            }
        }
    }

    private static void assertRefused(String url, String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url, props).close()).isInstanceOf(SQLException.class)
                .satisfies(e -> {
                    SQLException refused = (SQLException) e;
                    if (password == null) {
                        // The server asks for SCRAM; the driver, having no password, cannot answer.
                        assertThat(refused.getMessage()).contains("SCRAM").contains("no password was provided");
                    } else {
                        assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo("28P01");
                        assertThat(refused.getMessage()).contains("password authentication failed for user \""
                                + user + "\"");
                    }
                });
    }

    /** The new pg_hba.conf is loaded by a signal the server handles a moment after the start returns. */
    private static void waitUntilRefused(String url, String user) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            Properties props = new Properties();
            props.setProperty("user", user);
            try {
                DriverManager.getConnection(url, props).close();
                assertThat(System.nanoTime()).as("still let in without a password").isLessThan(deadline);
                Thread.sleep(50);
            } catch (SQLException refused) {
                assertThat(refused.getMessage()).contains("no password was provided");
                return;
            }
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
