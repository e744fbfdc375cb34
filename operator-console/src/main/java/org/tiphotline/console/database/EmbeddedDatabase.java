package org.tiphotline.console.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Runs a real PostgreSQL from binaries on the classpath when no external database is configured. It is
 * configured durable (fsync and synchronous commit on, unlike the library's test-oriented defaults), because
 * the default run may hold real reports: nothing acknowledged to an operator may be lost in a power cut.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(NoExternalDatabase.class)
// Also registered here (not only by the application's properties scan) so that DatabaseAlone works without it.
@EnableConfigurationProperties(EmbeddedDatabaseSettings.class)
class EmbeddedDatabase {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedDatabaseSettings settings) throws IOException {
        Files.createDirectories(settings.dataDirectory());
        LeftoverPostmaster.stopIfOrphaned(settings.dataDirectory().toAbsolutePath(), Duration.ofSeconds(60));
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(settings.dataDirectory().toAbsolutePath())
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
        if (settings.port() != 0) {
            builder.setPort(settings.port());
        }
        EmbeddedPostgres postgres = builder.start();
        log.info("embedded PostgreSQL on 127.0.0.1:{} with data in {}", postgres.getPort(),
                settings.dataDirectory().toAbsolutePath());
        return postgres;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgres postgres, EmbeddedDatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(settings.poolSize());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setPoolName("embedded");
        // As spring.datasource.hikari.schema does for an external database (application.yml): unqualified names
        // (Spring Security's WebAuthn tables) resolve in our schema; jOOQ qualifies every name itself.
        config.setSchema("hotline");
        return new HikariDataSource(config);
    }
}
