package org.tiphotline.console.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the embedded server's superuser does at every start, before Flyway runs: the schema owner and the
 * application's role exist with their passwords, the schema and everything in it belong to the owner, and every
 * connection needs a password (SCRAM). Idempotent and quick when nothing has to change.
 *
 * <p>A data directory of an older version (everything owned by the superuser, {@code trust} for every local
 * connection) is taken over here at its first start with this version: it is the one start that still accepts a
 * connection without a password, as every start of that version did, until the new {@code pg_hba.conf} is loaded a
 * moment later. A fresh data directory never does: initdb runs with SCRAM and the superuser's password.
 */
final class EmbeddedRoles {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRoles.class);

    /** Every role, the superuser included, signs in with its password; nothing listens beyond loopback. */
    static final String HBA = """
            # Written by the hotline at every start (org.tiphotline.console.database.EmbeddedRoles): every role, the
            # superuser included, signs in with its password (SCRAM). The server listens on 127.0.0.1 only.
            # The passwords are in database-passwords.properties beside the data directory.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;

    private static final String ROLES = """
            do $$
            begin
              if not exists (select from pg_catalog.pg_roles where rolname = 'hotline_owner') then
                create role hotline_owner;
              end if;
              if not exists (select from pg_catalog.pg_roles where rolname = 'hotline_app') then
                create role hotline_app;
              end if;
            end $$;
            alter role hotline_owner login nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
            alter role hotline_app login nosuperuser nocreatedb nocreaterole noreplication nobypassrls noinherit;
            -- No temporary tables for anyone but the superuser: the application runs no DDL at all.
            revoke temporary on database postgres from public;
            """;

    /**
     * The schema and every object in it to the owner: a no-op once done, the takeover of an older data directory
     * (whose tables the superuser owned) the first time. A table's own sequences and indexes follow the table.
     */
    private static final String TAKE_OVER = """
            do $$
            declare
              o record;
            begin
              if not exists (select from pg_catalog.pg_namespace where nspname = 'hotline') then
                create schema hotline authorization hotline_owner;
              elsif (select nspowner from pg_catalog.pg_namespace where nspname = 'hotline')
                  <> 'hotline_owner'::regrole::oid then
                alter schema hotline owner to hotline_owner;
              end if;
              for o in select c.oid::regclass as name, c.relkind from pg_catalog.pg_class c
                  where c.relnamespace = 'hotline'::regnamespace::oid and c.relkind in ('r', 'p', 'v', 'm', 'f')
                    and c.relowner <> 'hotline_owner'::regrole::oid loop
                execute format('alter %s %s owner to hotline_owner', case o.relkind when 'v' then 'view'
                  when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end, o.name);
              end loop;
              for o in select c.oid::regclass as name from pg_catalog.pg_class c
                  where c.relnamespace = 'hotline'::regnamespace::oid and c.relkind = 'S'
                    and c.relowner <> 'hotline_owner'::regrole::oid loop
                execute format('alter sequence %s owner to hotline_owner', o.name);
              end loop;
              for o in select p.oid::regprocedure as name from pg_catalog.pg_proc p
                  where p.pronamespace = 'hotline'::regnamespace::oid and p.prokind in ('f', 'p')
                    and p.proowner <> 'hotline_owner'::regrole::oid loop
                execute format('alter routine %s owner to hotline_owner', o.name);
              end loop;
              for o in select t.oid::regtype as name, t.typtype from pg_catalog.pg_type t
                  where t.typnamespace = 'hotline'::regnamespace::oid and t.typtype in ('e', 'd')
                    and t.typowner <> 'hotline_owner'::regrole::oid loop
                execute format('alter %s %s owner to hotline_owner',
                  case o.typtype when 'd' then 'domain' else 'type' end, o.name);
              end loop;
            end $$;
            """;

    private EmbeddedRoles() {
    }

    /** True when the data directory was an older version's (trust) and has just been switched to passwords. */
    static boolean secure(EmbeddedPostgres postgres, Path dataDirectory, DatabasePasswords passwords)
            throws SQLException, IOException {
        boolean legacy = trusts(dataDirectory);
        // getPostgresDatabase() carries the superuser's password (the builder's connect settings).
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(ROLES);
            // The driver computes the SCRAM verifier itself: no password is ever sent to the server, or logged by it.
            PGConnection pg = c.unwrap(PGConnection.class);
            pg.alterUserPassword(DatabasePasswords.SUPERUSER, passwords.superuser().toCharArray(), "scram-sha-256");
            pg.alterUserPassword(DatabasePasswords.OWNER, passwords.owner().toCharArray(), "scram-sha-256");
            pg.alterUserPassword(DatabasePasswords.APPLICATION, passwords.application().toCharArray(),
                    "scram-sha-256");
            s.execute(TAKE_OVER);
            Path hba = dataDirectory.resolve("pg_hba.conf");
            if (!Files.exists(hba) || !Files.readString(hba, StandardCharsets.UTF_8).equals(HBA)) {
                Files.writeString(hba, HBA, StandardCharsets.UTF_8);
                checkRules(s);
                s.execute("select pg_catalog.pg_reload_conf()");
            }
        }
        if (legacy) {
            log.warn("the embedded PostgreSQL in {} accepted local connections without a password (an older "
                    + "version's data directory): its roles now have passwords, the schema belongs to {} and the "
                    + "server asks every connection for its password (SCRAM)", dataDirectory,
                    DatabasePasswords.OWNER);
        }
        return legacy;
    }

    /** Whether the data directory's pg_hba.conf lets anyone in without a password (as initdb -A trust wrote it). */
    static boolean trusts(Path dataDirectory) throws IOException {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        if (!Files.exists(hba)) {
            return false;
        }
        return Files.readAllLines(hba, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .anyMatch(line -> line.matches(".*\\s(trust)(\\s.*)?$"));
    }

    /** PostgreSQL's own reading of the file just written: a rule it cannot parse would lock everyone out. */
    private static void checkRules(Statement s) throws SQLException {
        try (ResultSet rules = s.executeQuery(
                "select count(*) filter (where error is not null), count(*) filter (where auth_method <> "
                        + "'scram-sha-256') from pg_catalog.pg_hba_file_rules")) {
            rules.next();
            if (rules.getLong(1) != 0 || rules.getLong(2) != 0) {
                throw new IllegalStateException("PostgreSQL does not read the embedded database's pg_hba.conf as "
                        + "password-only: " + rules.getLong(1) + " unreadable rule(s), " + rules.getLong(2)
                        + " rule(s) with another method");
            }
        }
    }
}
