package org.tiphotline.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * One real PostgreSQL per test JVM (zonky's embedded binaries, no Docker), migrated with the db module's
 * Flyway scripts ({@code classpath:db/migration}, schema {@code hotline}). Started on first use, stopped
 * by zonky's shutdown hook when the JVM exits.
 *
 * <p>The pooled {@link #dataSource()} is shared by every Spring context of the JVM: register it with
 * {@code @Bean(destroyMethod = "")} so that closing one cached context does not close it for the others.
 *
 * <p>Like any zonky instance it runs with fsync off: fine for tests, never a model for the application's
 * own embedded server.
 */
public final class TestDatabase {

    private static TestDatabase instance;

    private final EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;

    private TestDatabase() {
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        config.setUsername("postgres");
        config.setPassword("postgres");
        config.setMaximumPoolSize(10);
        config.setPoolName("hotline-test-db");
        dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).schemas("hotline").locations("classpath:db/migration").load()
                .migrate();
    }

    /** The JVM's test database, started and migrated on first call. */
    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = new TestDatabase();
        }
        return instance;
    }

    /** A pooled data source on the migrated database. Do not close it. */
    public DataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /**
     * Empties every table of the hotline schema (TRUNCATE does not fire the append-only row triggers), for tests
     * that count or page over all rows. Tests that only look at rows they created themselves need not call it.
     */
    public void reset() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("truncate hotline.audit_log, hotline.audit_seal, hotline.audit_unsealed, hotline.hotline_report, "
                    + "hotline.call_event, hotline.call, hotline.routing_call, hotline.app_user restart identity cascade");
        } catch (SQLException e) {
            throw new IllegalStateException("could not reset the test database", e);
        }
    }
}
