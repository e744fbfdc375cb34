package org.tiphotline.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.tiphotline.console.database.ConnectedRole;
import org.tiphotline.console.testing.RunningHotline;

/** The default run owns a durable embedded PostgreSQL; a configured datasource replaces it entirely. */
class DatabaseModesTest {

    @TempDir
    Path data;

    @Test
    void theEmbeddedDatabaseIsDurableAndKeepsItsDataDirectory() throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data)) {
            DataSource db = hotline.bean(DataSource.class);
            assertThat(setting(db, "fsync")).isEqualTo("on");
            assertThat(setting(db, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(db, "full_page_writes")).isEqualTo("on");
            assertThat(setting(db, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(hotline.bean(EmbeddedPostgres.class)).isNotNull();
            assertThat(setting(db, "password_encryption")).isEqualTo("scram-sha-256");
            assertThat(HotlineFlowTest.count(db, "select count(*) from pg_tables where schemaname = 'hotline'"
                    + " and tableowner <> 'hotline_owner'")).as("the schema's owner owns every table").isZero();
            assertThat(hotline.bean(ConnectedRole.class).current())
                    .isEqualTo(new ConnectedRole.Role("hotline_app", null));
            assertThat(HotlineFlowTest.count(db, "select count(*) from hotline.app_user where username = 'operator'"))
                    .isEqualTo(1);
        }
        assertThat(data.resolve("postgres/PG_VERSION")).exists();
        assertThat(Files.getPosixFilePermissions(data.resolve("keys.properties")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(Files.getPosixFilePermissions(data.resolve("database-passwords.properties")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        assertThat(data.resolve(".initdb-password")).doesNotExist();
    }

    @Test
    void aConfiguredDatasourceStartsNoEmbeddedDatabaseAndNoDemoAccounts() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            // What the DBA does first (docs/operations.md, "Database roles").
            try (Connection c = external.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("create role hotline_owner login password 'owner-test-secret'");
                s.execute("create role hotline_app login password 'app-test-secret'");
                s.execute("grant create on database postgres to hotline_owner");
            }
            String key = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "QUJD");
            Map<String, String> settings = Map.of(
                    "spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + external.getPort() + "/postgres",
                    "spring.datasource.username", "hotline_app",
                    "spring.datasource.password", "app-test-secret",
                    "spring.flyway.user", "hotline_owner",
                    "spring.flyway.password", "owner-test-secret",
                    "hotline.protection.keys.k1", key,
                    "hotline.protection.active-key", "k1",
                    "hotline.protection.hash-key", key,
                    "hotline.protection.audit-key", Base64.getEncoder().encodeToString(new byte[32])
                            .replace("AAAA", "QUJE"));
            try (RunningHotline hotline = RunningHotline.start(data, settings)) {
                assertThatThrownBy(() -> hotline.bean(EmbeddedPostgres.class))
                        .isInstanceOf(NoSuchBeanDefinitionException.class);
                DataSource db = hotline.bean(DataSource.class);
                assertThat(setting(db, "port")).isEqualTo(String.valueOf(external.getPort()));
                assertThat(HotlineFlowTest.count(db, "select count(*) from hotline.app_user")).isZero();
                // Flyway migrated as the owner, the pool is the application's role, which owns nothing.
                assertThat(text(db, "select current_user")).isEqualTo("hotline_app");
                assertThat(HotlineFlowTest.count(db, "select count(*) from pg_tables where schemaname = 'hotline'"
                        + " and tableowner <> 'hotline_owner'")).isZero();
                assertThat(text(db, "select nspowner::regrole::text from pg_namespace where nspname = 'hotline'"))
                        .isEqualTo("hotline_owner");
                assertThat(hotline.bean(ConnectedRole.class).current().leastPrivilege()).isTrue();
            }
            assertThat(data.resolve("postgres")).doesNotExist();
            assertThat(data.resolve("keys.properties")).doesNotExist();
        }
    }

    @Test
    void anExternalDatabaseWithoutConfiguredKeysRefusesToStart() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            assertThatThrownBy(() -> RunningHotline.start(data, Map.of(
                    "spring.datasource.url", external.getJdbcUrl("postgres", "postgres"))))
                    .hasStackTraceContaining("no encryption keys");
        }
    }

    private static String setting(DataSource db, String name) throws Exception {
        return text(db, "show " + name);
    }

    private static String text(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
