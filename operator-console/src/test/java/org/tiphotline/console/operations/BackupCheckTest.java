package org.tiphotline.console.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.NumberWatch;
import org.tiphotline.console.testing.PublicVisitor;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The backup drill's reading of a case ({@code --hotline.backup-check}): a case that came in through the online form
 * is found and its report's personal fields decrypt with the hotline's keys, the fingerprint is the same at every
 * reading with the same salt and differs with another, no word of the report is printed, and with another key the
 * reading fails instead of printing a case. (The drill itself, ops/backup/drill.sh, needs pg_dump of the server's
 * version, which the embedded PostgreSQL 18 of the tests has not: its run is in docs/operations.md.)
 */
class BackupCheckTest {

    private static final String SECRET_WORDS = "Testvictim Fakename works at a fictional farm";

    @TempDir
    Path data;

    @Test
    void readsTheNewestCaseDecryptedAndPrintsOnlyItsFingerprint() {
        try (RunningHotline hotline = RunningHotline.start(data)) {
            PublicVisitor visitor = new PublicVisitor(hotline.base(), "127.0.0.1");
            visitor.openForm();
            assertThat(visitor.postWith("/api/public/reports", Map.of("language", "en", "answers", Map.of(
                    "traffickingTypes", List.of("LABOUR"), "anonymous", true, "description", SECRET_WORDS)),
                    Map.of("Idempotency-Key", "0f5d2c1e-7a3b-4c9d-8e2f-1a2b3c4d5e6f")).status()).isEqualTo(201);
            Map<String, String> database = hotline.sharedDatabaseSettings();
            String salt = "00112233445566778899aabbccddeeff";

            String[] first = check(database, salt);
            assertThat(first[0]).as(first[1]).isEqualTo("0");
            assertThat(first[1]).matches("CASE C-\\d{4}-\\d{6,} [0-9a-f]{64} 1\\n").doesNotContain("Testvictim");
            assertThat(check(database, salt)[1]).as("the same reading, the same fingerprint").isEqualTo(first[1]);
            String reference = first[1].split(" ")[1];
            assertThat(check(withCase(database, reference), salt)[1]).isEqualTo(first[1]);
            assertThat(check(database, "ffeeddccbbaa99887766554433221100")[1]).startsWith("CASE " + reference)
                    .isNotEqualTo(first[1]);
            assertThat(check(withCase(database, "C-2026-999999"), salt)[0]).isEqualTo(
                    String.valueOf(BackupCheck.NO_CASE));

            Map<String, String> wrongKey = new java.util.LinkedHashMap<>(database);
            wrongKey.replaceAll((name, value) -> name.startsWith("hotline.protection.keys.")
                    ? Base64.getEncoder().encodeToString(new byte[32]) : value);
            String[] refused = check(wrongKey, salt);
            assertThat(refused[0]).isEqualTo("1");
            assertThat(refused[1]).doesNotContain("CASE");
            assertThat(refused[2]).contains("could not be read");
        }
    }

    private static Map<String, String> withCase(Map<String, String> settings, String reference) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(settings);
        copy.put("case", reference);
        return copy;
    }

    /** Exit status, standard output, standard error. */
    private static String[] check(Map<String, String> settings, String salt) {
        List<String> args = new ArrayList<>();
        args.add(settings.containsKey("case") ? BackupCheck.OPTION + "=" + settings.get("case") : BackupCheck.OPTION);
        args.add(BackupCheck.OPTION + ".salt=" + salt);
        settings.forEach((name, value) -> {
            if (!name.equals("case")) {
                args.add("--" + name + "=" + value);
            }
        });
        args.add("--spring.main.banner-mode=off");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BackupCheck.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        NumberWatch.received("backup check", printed);
        assertThat(printed + err.toString(StandardCharsets.UTF_8)).doesNotContain(SECRET_WORDS);
        return new String[] {String.valueOf(status), printed, err.toString(StandardCharsets.UTF_8)};
    }
}
