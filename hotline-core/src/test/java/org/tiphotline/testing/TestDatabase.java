package org.tiphotline.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * One real PostgreSQL per test JVM (zonky's embedded binaries, no Docker), migrated with the db module's
 * Flyway scripts ({@code classpath:db/migration}, schema {@code hotline}). Started on first use, stopped
 * by zonky's shutdown hook when the JVM exits.
 *
 * <p>Roles as in production (docs/operations.md, "Database roles"): Flyway migrates as the schema's owner
 * {@value #OWNER}, and {@link #dataSource()} connects as the application's role {@value #APPLICATION}, which owns
 * nothing and may not change the evidence tables, so that every test runs with the application's least privilege.
 * A fixture that must rewrite history (a row lost in a crash, say) does it through {@link #breakGlass} or
 * {@link #ownerDataSource()}, as the documented break-glass procedure would.
 *
 * <p>The pooled data sources are shared by every Spring context of the JVM: register them with
 * {@code @Bean(destroyMethod = "")} so that closing one cached context does not close them for the others.
 *
 * <p>Like any zonky instance it runs with fsync off and lets local connections in without checking passwords:
 * fine for tests, never a model for the application's own embedded server.
 */
public final class TestDatabase {

    /** The schema's owner: Flyway's role, and the break-glass one. */
    public static final String OWNER = "hotline_owner";
    /** The application's role. */
    public static final String APPLICATION = "hotline_app";

    private static TestDatabase instance;

    private final EmbeddedPostgres postgres;
    private final HikariDataSource dataSource;
    private final HikariDataSource ownerDataSource;

    private TestDatabase() {
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
        ownerDataSource = prepare(postgres, 3, "hotline-test-owner");
        dataSource = pool(postgres, APPLICATION, 10, "hotline-test-db");
    }

    /**
     * Makes the two roles and the schema on a fresh server, as a DBA does (docs/operations.md) and as the console's
     * embedded run does, and migrates it as the owner: for this database and for tests that need one of their own.
     * Answers the owner's pool.
     */
    public static HikariDataSource prepare(EmbeddedPostgres postgres, int ownerPoolSize, String ownerPoolName) {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create role " + OWNER + " login password 'owner-test'");
            s.execute("create role " + APPLICATION + " login noinherit password 'app-test'");
            s.execute("create schema hotline authorization " + OWNER);
            s.execute("revoke temporary on database postgres from public");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the test database's roles", e);
        }
        HikariDataSource owner = pool(postgres, OWNER, ownerPoolSize, ownerPoolName);
        Flyway.configure().dataSource(owner).schemas("hotline").locations("classpath:db/migration")
                .placeholders(Map.of("application_role", APPLICATION)).load().migrate();
        return owner;
    }

    /** A pool on {@code postgres} as {@code role}: {@link #OWNER} or {@link #APPLICATION}, made by {@link #prepare}. */
    public static HikariDataSource pool(EmbeddedPostgres postgres, String role, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        config.setUsername(role);
        config.setPassword(OWNER.equals(role) ? "owner-test" : "app-test");
        config.setMaximumPoolSize(size);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    /** The JVM's test database, started and migrated on first call. */
    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = new TestDatabase();
        }
        return instance;
    }

    /** A pooled data source on the migrated database, as the application's role. Do not close it. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * A pooled data source as the schema's owner, for fixtures that need DDL or must rewrite history (with
     * {@link #breakGlass}: the append-only guards refuse the owner too otherwise). Do not close it.
     */
    public DataSource ownerDataSource() {
        return ownerDataSource;
    }

    /** The superuser's address (user {@code postgres}), for tests of what even a superuser cannot do. */
    public String superuserJdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /**
     * Runs {@code work} as the schema's owner in one transaction with the break-glass setting on
     * (docs/operations.md): the only way past the append-only guards, for fixtures that imitate a crash or damage.
     */
    public void breakGlass(Consumer<DSLContext> work) {
        DSL.using(ownerDataSource, SQLDialect.POSTGRES).transaction(cfg -> {
            DSLContext owner = cfg.dsl();
            owner.execute("set local hotline.break_glass = 'on'");
            work.accept(owner);
        });
    }

    /**
     * Empties every table of the hotline schema (TRUNCATE ... CASCADE, through the break-glass procedure: the
     * append-only tables refuse TRUNCATE otherwise), for tests that count or page over all rows. Tests that only
     * look at rows they created themselves need not call it.
     */
    public void reset() {
        breakGlass(owner -> owner.execute("truncate hotline.audit_log, hotline.audit_seal, hotline.audit_unsealed, "
                + "hotline.hotline_report, hotline.call_event, hotline.call, hotline.routing_call, hotline.app_user "
                + "restart identity cascade"));
    }
}
