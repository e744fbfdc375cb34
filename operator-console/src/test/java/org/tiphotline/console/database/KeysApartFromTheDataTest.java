package org.tiphotline.console.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.calls.CallRef;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.protection.rotation.KeyRotation;

/**
 * Issue 21, item 4: keys apart from the data. The embedded run says in its log that its data directory holds the
 * keys too; production refuses keys read from a file inside the database's or the application's data directory;
 * a rotation of the embedded key file runs on the leader, and a key retired while rows still need it stops the
 * start, naming the rows.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeysApartFromTheDataTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "QUJD");
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "WFla");

    @TempDir
    Path data;

    @Test
    void productionRefusesKeysReadFromAFileInsideTheDatabasesOrTheApplicationsDataDirectory(@TempDir Path elsewhere)
            throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            Path databaseDirectory;
            try (Connection c = external.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("show data_directory")) {
                r.next();
                databaseDirectory = Path.of(r.getString(1));
            }
            Path inDatabase = keyFile(databaseDirectory.resolve("hotline-keys.properties"));
            assertThatThrownBy(() -> RunningHotline.start(data, external(external, inDatabase)))
                    .hasStackTraceContaining("hotline.protection.keys.k1 is read from " + inDatabase)
                    .hasStackTraceContaining("inside the database's data directory")
                    .hasStackTraceContaining("a copy of that directory would decrypt everything");

            Path inApplication = keyFile(data.resolve("secrets/keys.properties"));
            assertThatThrownBy(() -> RunningHotline.start(data, external(external, inApplication)))
                    .hasStackTraceContaining("inside the application's data directory (hotline.data-dir)");

            Path apart = keyFile(elsewhere.resolve("keys.properties"));
            try (RunningHotline hotline = RunningHotline.start(data, external(external, apart))) {
                assertThat(hotline.bean(KeyRing.class).activeKeyId()).isEqualTo("k1");
            }
        }
    }

    @Test
    void theEmbeddedRunSaysOnceThatACopyOfItsDataDirectoryDecryptsEverything(CapturedOutput log) {
        try (RunningHotline hotline = RunningHotline.start(data)) {
            assertThat(hotline.bean(KeyRing.class).activeKeyId()).isEqualTo("k1");
        }
        String warning = "inside the data directory next to the database: a copy of the data directory decrypts "
                + "everything";
        assertThat(log.getOut().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
        assertThat(log.getOut()).contains("WARN").contains(data.resolve("keys.properties").toAbsolutePath() + ",");
    }

    @Test
    void theEmbeddedKeyFileRotatesOnTheLeaderAndAKeyRetiredTooSoonStopsTheStart() throws Exception {
        Path keyFile = data.resolve("keys.properties");
        CallId earlier;
        try (RunningHotline hotline = RunningHotline.start(data)) {
            earlier = hotline.bean(Switchboard.class).arrived(new CallRef("sim", "rotation-before"),
                    "+447700900444", "+1-555-0100");
        }
        String original = Files.readString(keyFile);

        // Too soon: k1 and h1 replaced outright, while rows still need them.
        Files.writeString(keyFile, original.replaceAll("(?m)^key\\.k1=.*$", "key.k2=" + KEY)
                .replace("active-key=k1", "active-key=k2"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RunningHotline.start(data))
                .hasStackTraceContaining("Stored data needs protection keys this configuration does not hold: key k1 "
                        + "(still used by [1 rows of call.caller_number_enc])")
                .hasStackTraceContaining("retire a key only once the status page says no row uses it");

        // As documented: the new keys added and made active, the old ones kept until the status page says so.
        Files.writeString(keyFile, original + "key.k2=" + KEY + "\nactive-key=k2\nhash-key.h2=" + OTHER_KEY
                + "\nactive-hash-key=h2\n", StandardCharsets.UTF_8);
        Map<String, String> often = Map.of("hotline.protection.rotation.first-after", "0s",
                "hotline.protection.rotation.every", "200ms");
        try (RunningHotline hotline = RunningHotline.start(data, often)) {
            KeyRotation rotation = hotline.bean(KeyRotation.class);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!rotation.report().retirable().containsAll(List.of("k1", "h1"))) {
                assertThat(Instant.now()).as("the rotation finished within a minute").isBefore(deadline);
                Thread.sleep(200);
            }
            assertThat(rotation.report().sentences()).contains(
                    "Key k1 is no longer used by any row: it can be retired (remove it from the configuration or "
                            + "the key file and restart).");
            assertThat(hotline.bean(Calls.class).earlierContacts(hotline.bean(Switchboard.class).arrived(
                    new CallRef("sim", "rotation-during"), "+447700900444", "+1-555-0100"))).isEqualTo(1);
        }

        // Retired: the old lines go, the data stays readable and the caller is still recognised.
        Files.writeString(keyFile, Files.readString(keyFile).replaceAll("(?m)^(key\\.k1|hash-key)=.*\\R", ""),
                StandardCharsets.UTF_8);
        try (RunningHotline hotline = RunningHotline.start(data)) {
            assertThat(hotline.bean(KeyRing.class).keyIds()).containsExactly("k2");
            assertThat(hotline.bean(KeyRing.class).hashKeyIds()).containsExactly("h2");
            assertThat(hotline.bean(Calls.class).load(earlier)).isPresent();
            assertThat(hotline.bean(Calls.class).earlierContacts(hotline.bean(Switchboard.class).arrived(
                    new CallRef("sim", "rotation-after"), "+447700900444", "+1-555-0100"))).isEqualTo(2);
        }
    }

    private static Map<String, String> external(EmbeddedPostgres database, Path keys) {
        return Map.of("spring.datasource.url", database.getJdbcUrl("postgres", "postgres"),
                "spring.datasource.username", "postgres",
                "spring.datasource.password", "postgres",
                "spring.config.import", "file:" + keys);
    }

    private static Path keyFile(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "hotline.protection.keys.k1=" + KEY + "\nhotline.protection.active-key=k1\n"
                + "hotline.protection.hash-key=" + KEY + "\nhotline.protection.audit-key=" + OTHER_KEY + "\n",
                StandardCharsets.UTF_8);
        return file;
    }
}
