package org.tiphotline.console.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SecondFactor;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Sign-in with a second factor through the running application's HTTP API, on a fixed clock: the half-signed-in
 * user, enrolment, app codes (a replay refused), recovery codes (each once) and the administrator's reset.
 */
class SecondFactorSignInTest {

    @TempDir
    static Path data;

    private static final TestClock clock = new TestClock(Instant.parse("2025-03-03T10:00:10Z"));
    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        // The production default: no override of the required roles (the harness empties them as the demo does).
        hotline = RunningHotline.start(data, Map.of("hotline.security.second-factor.required-roles",
                "SUPERVISOR,DATA_MANAGER,DATA_MANAGEMENT_LEADER,ADMIN"), clock);
        Operators operators = hotline.bean(Operators.class);
        PasswordEncoder passwords = hotline.bean(PasswordEncoder.class);
        operators.create("supervisor2", "Second Test Supervisor (fake)", passwords.encode("supervisor2-demo"),
                Role.SUPERVISOR, List.of("en"), null);
        operators.create("leader2", "Second Test Leader (fake)", passwords.encode("leader2-demo"),
                Role.DATA_MANAGEMENT_LEADER, List.of(), null);
        operators.create("datamanager3", "Third Test Data Manager (fake)", passwords.encode("datamanager3-demo"),
                Role.DATA_MANAGER, List.of(), null);
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    private static ConsoleClient signIn(String user) {
        return ConsoleClient.login(hotline.base(), user, user + "-demo");
    }

    @Test
    void aHalfSignedInSupervisorLandsOnEnrolmentAndReachesNothingElse() {
        ConsoleClient supervisor = signIn("supervisor");
        assertThat(supervisor.get("/api/calllog").status()).isEqualTo(403);
        ConsoleClient.Text page = supervisor.getText("/supervisor.html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/factors.html");
        assertThat(supervisor.get("/api/operators").status()).isEqualTo(403);
        ConsoleClient.Response status = supervisor.get("/api/factors");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.body().get("required").asBoolean()).isTrue();
        assertThat(status.body().get("complete").asBoolean()).isFalse();
        assertThat(supervisor.getText("/factors.html").status()).isEqualTo(200);
        // An operator's role does not need one by default: the password is enough.
        assertThat(signIn("operator").getText("/console.html").status()).isEqualTo(200);
    }

    @Test
    void theSignInPageAsksForTheFactorAndTheRolesPageSendsToEnrolment() {
        ConsoleClient leader = signIn("leader");
        assertThat(leader.getText("/login").body()).as("no demo notice here").doesNotContain("no-second-factor");
        ConsoleClient.Text landing = leader.getText("/registry.html");
        assertThat(landing.status()).isEqualTo(302);
        assertThat(landing.headers().firstValue("Location").orElse("")).endsWith("/factors.html");
        assertThat(leader.getText("/factors.html").status()).isEqualTo(200);
        ConsoleClient.Response refused = leader.get("/api/cases");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().get("message").asString()).contains("second factor");
    }

    @Test
    void anAppCodeCompletesTheSignInOnceAndAReplayIsRefused() {
        ConsoleClient first = signIn("datamanager");
        SecondFactor app = SecondFactor.enrol(first, hotline);
        assertThat(first.get("/api/cases").status()).as("enrolment completes this sign-in").isEqualTo(200);

        clock.advance(Duration.ofSeconds(30));
        ConsoleClient second = signIn("datamanager");
        assertThat(second.get("/api/cases").status()).isEqualTo(403);
        assertThat(second.post("/api/factors/totp", Map.of()).status())
                .as("a password alone never enrols another factor").isEqualTo(403);
        String code = app.codeNow();
        assertThat(second.post("/api/factors/totp/verify", Map.of("code", code)).status()).isEqualTo(200);
        assertThat(second.get("/api/cases").status()).isEqualTo(200);

        ConsoleClient thief = signIn("datamanager");
        ConsoleClient.Response replay = thief.post("/api/factors/totp/verify", Map.of("code", code));
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.body().get("message").asString()).contains("already used");
        clock.advance(Duration.ofMinutes(2));
        assertThat(thief.post("/api/factors/totp/verify", Map.of("code", app.code(-2))).status())
                .as("expired").isEqualTo(400);
        assertThat(thief.post("/api/factors/totp/verify", Map.of("code", "abc")).status()).isEqualTo(400);
        assertThat(thief.get("/api/cases").status()).isEqualTo(403);
        // Guessing: after five wrong codes in a row even the right one is refused for a while.
        thief.post("/api/factors/totp/verify", Map.of("code", "abcdef"));
        thief.post("/api/factors/recovery", Map.of("code", "AAAA-BBBB-CCCC"));
        ConsoleClient.Response locked = thief.post("/api/factors/totp/verify", Map.of("code", app.codeNow()));
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.body().get("message").asString()).contains("15 minutes");
        clock.advance(Duration.ofMinutes(16));
        assertThat(thief.post("/api/factors/totp/verify", Map.of("code", app.codeNow())).status()).isEqualTo(200);
    }

    @Test
    void eachRecoveryCodeSignsInOnce() {
        SecondFactor app = SecondFactor.enrol(signIn("supervisor2"), hotline);
        String code = app.recoveryCodes().get(3);
        ConsoleClient lostPhone = signIn("supervisor2");
        ConsoleClient.Response used = lostPhone.post("/api/factors/recovery", Map.of("code", code));
        assertThat(used.status()).isEqualTo(200);
        assertThat(used.body().get("recoveryCodesLeft").asInt()).isEqualTo(9);
        assertThat(lostPhone.get("/api/calllog").status()).isEqualTo(200);
        ConsoleClient again = signIn("supervisor2");
        assertThat(again.post("/api/factors/recovery", Map.of("code", code)).status()).isEqualTo(400);
        assertThat(again.get("/api/calllog").status()).isEqualTo(403);
        DSLContext db = hotline.bean(DSLContext.class);
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq("supervisor2"), AUDIT_LOG.ACTOR.eq("supervisor2"),
                AUDIT_LOG.FIELDS.contains(new String[] {"recovery_code_used"}))).isEqualTo(1);
    }

    @Test
    void onlyAnAdministratorResetsSomeonesFactorsAndTheResetIsAudited() {
        ConsoleClient leader = signIn("leader2");
        SecondFactor.enrol(leader, hotline);
        ConsoleClient admin = signIn("admin");
        assertThat(admin.post("/api/admin/users/leader2/factors/reset", Map.of()).status())
                .as("an administrator without a second factor yet").isEqualTo(403);
        SecondFactor.enrol(admin, hotline);
        assertThat(leader.post("/api/admin/users/leader2/factors/reset", Map.of()).status()).isEqualTo(403);
        assertThat(admin.post("/api/admin/users/nosuchuser/factors/reset", Map.of()).status()).isEqualTo(404);
        assertThat(admin.post("/api/admin/users/leader2/factors/reset", Map.of()).status()).isEqualTo(200);
        DSLContext db = hotline.bean(DSLContext.class);
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq("leader2"), AUDIT_LOG.ACTOR.eq("admin"),
                AUDIT_LOG.FIELDS.contains(new String[] {"factors_reset"}))).isEqualTo(1);
        // At the next sign-in the leader enrols again.
        ConsoleClient next = signIn("leader2");
        assertThat(next.get("/api/factors").body().get("authenticatorApp").asBoolean()).isFalse();
        SecondFactor.enrol(next, hotline);
        assertThat(next.get("/api/cases").status()).isEqualTo(200);
    }

    @Test
    void theEnrolmentIsAuditedWithoutItsSecretOrCodes() {
        SecondFactor app = SecondFactor.enrol(signIn("datamanager3"), hotline);
        DSLContext db = hotline.bean(DSLContext.class);
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq("datamanager3"), AUDIT_LOG.ACTION.eq("CREATE"),
                AUDIT_LOG.FIELDS.contains(new String[] {"totp"}))).isEqualTo(1);
        String audit = db.fetch("select * from hotline.audit_log").formatCSV();
        assertThat(audit).doesNotContain(app.secret());
        app.recoveryCodes().forEach(code -> assertThat(audit).doesNotContain(code));
        String stored = db.fetch("select secret from hotline.totp_factor").formatCSV();
        assertThat(stored).doesNotContain(app.secret());
    }
}
