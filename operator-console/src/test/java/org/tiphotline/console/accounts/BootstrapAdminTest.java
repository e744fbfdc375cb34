package org.tiphotline.console.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;

/**
 * The first administrator of a deployment on an external, empty PostgreSQL: the command migrates the database,
 * creates the administrator, prints the one-time password on standard output and nowhere in the log, and refuses
 * the second time. The application then starts on that database and the administrator signs in, is held at the
 * password change, and reaches the administration page once it is done.
 */
@ExtendWith(OutputCaptureExtension.class)
class BootstrapAdminTest {

    /** Test-only keys (never used outside tests): the audit key differs from the hash key, as it must. */
    private static final String ZEROS = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String AUDIT = ZEROS.replace("AAAA", "QUJE");

    @TempDir
    Path data;

    private record Run(int status, String out, String err) {}

    private static Run bootstrap(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BootstrapAdmin.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createsTheFirstAdministratorOnceOnAnEmptyDatabase(CapturedOutput log) throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            String url = external.getJdbcUrl("postgres", "postgres");
            String key = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "QUJD");
            String auditKey = Base64.getEncoder().encodeToString(new byte[32]).replace("AAAA", "QUJE");
            // The same settings as the nodes': the database and the keys (the administrator's creation is audited,
            // and an audit row carries a MAC under the audit key).
            String[] datasource = {"--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres", "--hotline.protection.keys.k1=" + key,
                "--hotline.protection.active-key=k1", "--hotline.protection.hash-key=" + key,
                "--hotline.protection.audit-key=" + auditKey};
            assertThat(count(external, "select count(*) from pg_namespace where nspname = 'hotline'")).isZero();

            Run first = bootstrap(with(datasource, "--hotline.bootstrap-admin=chief"));
            assertThat(first.status()).as(first.err()).isZero();
            Matcher printed = Pattern.compile("\\n {4}([a-z2-9]{5}(?:-[a-z2-9]{5}){3})\\n").matcher(first.out());
            assertThat(printed.find()).as(first.out()).isTrue();
            String oneTime = printed.group(1);
            assertThat(first.out()).contains("'chief'").contains("must be changed");
            // The command's own output went to the stream it was given; what reached the process's output is the log.
            assertThat(log.getAll()).contains("Flyway").doesNotContain(oneTime);
            assertThat(count(external, "select count(*) from hotline.app_user where username = 'chief' and role = "
                    + "'ADMIN' and enabled and must_change_password")).isEqualTo(1);
            assertThat(count(external, "select count(*) from hotline.audit_log where actor = 'bootstrap-command' "
                    + "and action = 'CREATE' and entity = 'app_user'")).isEqualTo(1);
            assertThat(count(external, "select count(*) from hotline.audit_log where changes::text like '%"
                    + oneTime + "%'")).isZero();

            Run second = bootstrap(with(datasource, "--hotline.bootstrap-admin=another"));
            assertThat(second.status()).isEqualTo(BootstrapAdmin.REFUSED);
            assertThat(second.err()).contains("an enabled administrator already exists");
            assertThat(second.out()).isEmpty();
            assertThat(count(external, "select count(*) from hotline.app_user")).isEqualTo(1);

            Map<String, String> settings = Map.of("spring.datasource.url", url,
                    "spring.datasource.username", "postgres", "spring.datasource.password", "postgres",
                    "hotline.protection.keys.k1", key, "hotline.protection.active-key", "k1",
                    "hotline.protection.hash-key", key, "hotline.protection.audit-key", auditKey);
            try (RunningHotline hotline = RunningHotline.start(data, settings)) {
                ConsoleClient chief = ConsoleClient.login(hotline.base(), "chief", oneTime);
                assertThat(chief.get("/api/admin/users").status()).isEqualTo(403);
                assertThat(chief.getText("/admin.html").headers().firstValue("Location").orElse(""))
                        .endsWith("/account.html");
                assertThat(chief.post("/api/account/password", Map.of("current", oneTime,
                        "next", "my very own long passphrase")).status()).isEqualTo(204);
                assertThat(chief.get("/api/admin/users").body()).hasSize(1);
                assertThat(chief.getText("/admin.html").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aBadNameOrAnUnreachableDatabaseFailsWithAClearMessage() throws Exception {
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            Run bad = bootstrap("--spring.datasource.url=" + external.getJdbcUrl("postgres", "postgres"),
                    "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                    "--hotline.bootstrap-admin=Not Valid", "--hotline.protection.keys.k1=" + ZEROS,
                    "--hotline.protection.active-key=k1", "--hotline.protection.hash-key=" + ZEROS,
                    "--hotline.protection.audit-key=" + AUDIT);
            assertThat(bad.status()).isEqualTo(BootstrapAdmin.REFUSED);
            assertThat(bad.err()).contains("lower-case letters");
        }
        try (EmbeddedPostgres external = EmbeddedPostgres.builder().start()) {
            Run noAuditKey = bootstrap("--spring.datasource.url=" + external.getJdbcUrl("postgres", "postgres"),
                    "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                    "--hotline.protection.keys.k1=" + ZEROS, "--hotline.protection.active-key=k1",
                    "--hotline.protection.hash-key=" + ZEROS, "--hotline.bootstrap-admin=chief");
            assertThat(noAuditKey.status()).isEqualTo(BootstrapAdmin.FAILED);
            assertThat(noAuditKey.err()).isEqualTo("The protection keys could not be loaded: no audit key configured: "
                    + "set hotline.protection.audit-key (base64, 32 bytes, not the same as any other key)\n");
        }
        Run unreachable = bootstrap("--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none",
                "--spring.datasource.username=postgres", "--hotline.bootstrap-admin=chief",
                "--hotline.protection.keys.k1=" + ZEROS, "--hotline.protection.active-key=k1",
                "--hotline.protection.hash-key=" + ZEROS, "--hotline.protection.audit-key=" + AUDIT);
        assertThat(unreachable.status()).isEqualTo(BootstrapAdmin.FAILED);
        assertThat(unreachable.err()).contains("could not be reached");
        assertThatThrownBy(() -> BootstrapAdmin.run(new String[] {"--other"}, System.out, System.err))
                .isInstanceOf(java.util.NoSuchElementException.class);
    }

    private static String[] with(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    private static long count(EmbeddedPostgres db, String sql) throws Exception {
        try (Connection c = db.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
