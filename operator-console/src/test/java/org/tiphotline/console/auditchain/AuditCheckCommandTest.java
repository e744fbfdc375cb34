package org.tiphotline.console.auditchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;

/**
 * {@code --hotline.audit-check} against a running hotline's database, with the settings and keys a second node would
 * have: intact, then a made-up head named (exit status 4), then refused without the audit key. The administrator's
 * endpoint answers the same outcome, and its look is audited.
 */
class AuditCheckCommandTest {

    @TempDir
    Path data;

    private record Run(int status, String out, String err) {}

    @Test
    void theCommandAndTheEndpointSayWhetherTheTrailFits() throws Exception {
        try (RunningHotline hotline = RunningHotline.start(data, Map.of("hotline.audit.publish-every", "1s",
                "hotline.audit.seal-every", "200ms"))) {
            ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
            ConsoleClient.Response first = admin.post(AuditCheckApi.PATH, null);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body().get("summary").asString()).startsWith("The audit trail is ");
            DSLContext db = hotline.bean(DSLContext.class);
            assertThat(db.fetchCount(db.selectFrom("hotline.audit_log").where("actor = 'admin' "
                    + "and entity = 'audit_log' and entity_id = 'chain'"))).isEqualTo(1);
            Path heads = data.resolve("audit-heads").resolve("audit-heads.log");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!(Files.exists(heads) && Files.size(heads) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(heads).isNotEmptyFile();
            // The same line went to the application's log; the file is what the check reads.
            assertThat(Files.readString(heads)).startsWith("tiphotline audit head: seq=");

            List<String> settings = new ArrayList<>();
            hotline.sharedDatabaseSettings().forEach((name, value) -> settings.add("--" + name + "=" + value));
            settings.add("--hotline.audit.heads-directory=" + heads.getParent());
            settings.add("--hotline.audit-check");
            Run intact = check(settings);
            assertThat(intact.status()).as(intact.err()).isZero();
            assertThat(intact.out()).startsWith("The audit trail is intact: ").contains("It agrees with the ");

            Files.writeString(heads, "tiphotline audit head: seq=1 hash=" + "0".repeat(64)
                    + " at=2026-01-01T00:00:00Z sig=" + "0".repeat(64) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            Run broken = check(settings);
            assertThat(broken.status()).isEqualTo(AuditCheckCommand.DOES_NOT_FIT);
            assertThat(broken.out()).startsWith("The audit trail does not fit. A published head (audit-heads.log, "
                    + "line ").contains("\n  - A published head (audit-heads.log, line ");
            ConsoleClient.Response answer = admin.post(AuditCheckApi.PATH, null);
            assertThat(answer.body().get("intact").asBoolean()).isFalse();
            assertThat(answer.body().get("findings").get(0).get("problem").asString()).isEqualTo("HEAD_NOT_SIGNED");

            List<String> withoutAuditKey = new ArrayList<>(settings);
            withoutAuditKey.removeIf(s -> s.startsWith("--hotline.protection.audit-key="));
            Run refused = check(withoutAuditKey);
            assertThat(refused.status()).isEqualTo(AuditCheckCommand.FAILED);
            assertThat(refused.err()).startsWith("The protection keys could not be loaded: no audit key configured");
            assertThat(refused.out()).isEmpty();
        }
    }

    private static Run check(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AuditCheckCommand.run(args.toArray(String[]::new), new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
