package org.tiphotline.console.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application killed with SIGKILL leaves its embedded PostgreSQL running. The next start, on the default free
 * port, must still start: the leftover server is shut down and the data comes back under the new one.
 */
class LeftoverPostmasterTest {

    @TempDir
    Path data;

    @Test
    void theNextStartStopsThePostgresOfAKilledApplicationAndKeepsItsData() throws Exception {
        Path pgData = data.resolve("postgres").toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process killed = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KilledApplication.class.getName(), pgData.toString()).redirectErrorStream(true).start();
        long leftover;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(killed.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("committed")) {
                // the child's start-up noise
            }
            assertThat(line).isEqualTo("committed");
            killed.destroyForcibly();
            assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        leftover = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive)).contains(true);

        try {
            restartAndRead(pgData, leftover);
        } finally {
            // Whatever happened, this test's own leftover server must not outlive it.
            ProcessHandle.of(leftover).ifPresent(ProcessHandle::destroy);
        }
    }

    private static void restartAndRead(Path pgData, long leftover) throws Exception {
        try (EmbeddedPostgres restarted = new EmbeddedDatabase()
                .embeddedPostgres(new EmbeddedDatabaseSettings(pgData, 0, 16, java.time.Duration.ofSeconds(30), null));
                Connection c = restarted.getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select note from survived")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Testfirst Fakename");
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    /** The application about to be killed: starts the database as the application does, commits, waits. */
    public static final class KilledApplication {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgres postgres = new EmbeddedDatabase()
                    .embeddedPostgres(new EmbeddedDatabaseSettings(Path.of(args[0]), 0, 16,
                            java.time.Duration.ofSeconds(30), null));
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table survived (note text)");
                s.execute("insert into survived values ('Testfirst Fakename')");
            }
            System.out.println("committed");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
