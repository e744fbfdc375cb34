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
            assertThat(HotlineFlowTest.count(db, "select count(*) from hotline.app_user where username = 'operator'"))
                    .isEqualTo(1);
        }
        assertThat(data.resolve("postgres/PG_VERSION")).exists();
        assertThat(Files.getPosixFilePermissions(data.resolve("keys.properties")).toString())
                .isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void aConfiguredDatasourceStartsNoEmbeddedDatabaseAndNoDemoAccounts() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            String key = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "QUJD");
            Map<String, String> settings = Map.of(
                    "spring.datasource.url", external.getJdbcUrl("postgres", "postgres"),
                    "spring.datasource.username", "postgres",
                    "spring.datasource.password", "postgres",
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
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("show " + name)) {
            r.next();
            return r.getString(1);
        }
    }
}
