package org.tiphotline.console.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Runs a real PostgreSQL from binaries on the classpath when no external database is configured. It is
 * configured durable (fsync and synchronous commit on, unlike the library's test-oriented defaults), because
 * the default run may hold real reports: nothing acknowledged to an operator may be lost in a power cut.
 *
 * <p>Least privilege as on an external database (docs/operations.md, "Database roles"): Flyway migrates as the
 * schema's owner, {@code hotline_owner}; the application's pool connects as {@code hotline_app}, which owns nothing.
 * Every role, the superuser included, needs its password (SCRAM); the passwords are generated once and kept in a
 * file readable by the application's user only ({@link DatabasePasswords}), and the server listens on 127.0.0.1.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoExternalDatabase.class)
// Also registered here (not only by the application's properties scan) so that DatabaseAlone works without it.
@EnableConfigurationProperties(EmbeddedDatabaseSettings.class)
class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseSettings settings) throws IOException {
        Path data = settings.dataDirectory().toAbsolutePath();
        Files.createDirectories(data);
        LeftoverPostmaster.stopIfOrphaned(data, Duration.ofSeconds(60));
        boolean fresh = !Files.exists(data.resolve("postgresql.conf"));
        Path passwordFile = settings.passwordFile().toAbsolutePath();
        if (!fresh && !Files.exists(passwordFile) && !EmbeddedRoles.trusts(data)) {
            throw new IllegalStateException("the embedded database in " + data + " asks for passwords, but its "
                    + "password file " + passwordFile + " is missing: restore it from the same backup as the data "
                    + "directory (it is kept beside it, like the key file)");
        }
        DatabasePasswords passwords = DatabasePasswords.loadOrCreate(passwordFile);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("password_encryption", "scram-sha-256")
                // The library's own readiness check and getPostgresDatabase() sign in as the superuser.
                .setConnectConfig("password", passwords.superuser());
        if (settings.port() != 0) {
            builder.setPort(settings.port());
        }
        Path initdbPassword = null;
        if (fresh) {
            // initdb's options beyond the library's own (it passes these "locale" settings as --name=value, after
            // its -A trust, which they override): a new cluster asks for passwords from its very first start.
            initdbPassword = passwordFile.resolveSibling(".initdb-password");
            Files.deleteIfExists(initdbPassword);
            Files.createFile(initdbPassword,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(initdbPassword, passwords.superuser() + "\n");
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", initdbPassword.toString());
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } finally {
            if (initdbPassword != null) {
                Files.deleteIfExists(initdbPassword);
            }
        }
        try {
            EmbeddedRoles.secure(postgres, data, passwords);
        } catch (SQLException | IOException | RuntimeException e) {
            postgres.close();
            throw new IllegalStateException("could not set up the embedded database's roles in " + data, e);
        }
        log.info("embedded PostgreSQL on 127.0.0.1:{} with data in {}; passwords in {}", postgres.getPort(), data,
                passwordFile);
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres, EmbeddedDatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url(postgres));
        config.setUsername(DatabasePasswords.APPLICATION);
        config.setPassword(passwords(settings).application());
        config.setMaximumPoolSize(settings.poolSize());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setPoolName("embedded");
        // As spring.datasource.hikari.schema does for an external database (application.yml): unqualified names
        // (Spring Security's WebAuthn tables) resolve in our schema; jOOQ qualifies every name itself.
        config.setSchema("hotline");
        return new HikariDataSource(config);
    }

    /** Flyway migrates as the schema's owner, never as the application's role (spring.flyway.user elsewhere). */
    @Bean
    FlywayConfigurationCustomizer schemaOwnerMigrates(EmbeddedPostgres postgres, EmbeddedDatabaseSettings settings) {
        String url = url(postgres);
        String password = passwords(settings).owner();
        return configuration -> configuration.dataSource(url, DatabasePasswords.OWNER, password);
    }

    static String url(EmbeddedPostgres postgres) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    private static DatabasePasswords passwords(EmbeddedDatabaseSettings settings) {
        return DatabasePasswords.loadOrCreate(settings.passwordFile().toAbsolutePath());
    }
}
