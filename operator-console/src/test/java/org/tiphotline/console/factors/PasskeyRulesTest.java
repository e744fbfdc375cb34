package org.tiphotline.console.factors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthentication;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SecondFactor;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import tools.jackson.databind.JsonNode;

/**
 * The rules around Spring Security's passkey endpoints, over real HTTP: a password alone never registers a passkey
 * for someone who has a factor, nobody deletes one but an administrator's reset, nothing passkey-related answers
 * without a password sign-in, a sign-in without the password's factor owes it whatever else it carries, and an
 * administrator's reset removes the passkeys and ends the user's open sessions at once.
 */
class PasskeyRulesTest {

    @TempDir
    static Path data;

    private static final TestClock clock = new TestClock(Instant.parse("2025-03-03T10:00:10Z"));
    private static RunningHotline hotline;
    private static DSLContext db;

    @BeforeAll
    static void start() {
        hotline = RunningHotline.start(data, Map.of("hotline.security.second-factor.required-roles",
                "SUPERVISOR,DATA_MANAGER,DATA_MANAGEMENT_LEADER,ADMIN"), clock);
        db = hotline.bean(DSLContext.class);
        Operators operators = hotline.bean(Operators.class);
        PasswordEncoder passwords = hotline.bean(PasswordEncoder.class);
        for (String name : List.of("keyholder", "resetme")) {
            operators.create(name, "Test " + name + " Fakename", passwords.encode(name + "-test"),
                    Role.DATA_MANAGEMENT_LEADER, List.of(), null);
        }
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    @Test
    void aPasswordAloneNeverRegistersAPasskeyForSomeoneWithAFactor() {
        SecondFactor app = SecondFactor.enrol(ConsoleClient.login(hotline.base(), "keyholder", "keyholder-test"),
                hotline);
        ConsoleClient halfSignedIn = ConsoleClient.login(hotline.base(), "keyholder", "keyholder-test");
        ConsoleClient.Response options = halfSignedIn.post("/webauthn/register/options", null);
        assertThat(options.status()).isEqualTo(403);
        assertThat(options.body().get("message").asString()).contains("existing second factor");
        ConsoleClient.Response register = halfSignedIn.postRaw("/webauthn/register",
                "{\"publicKey\":{\"label\":\"stolen\",\"credential\":{}}}");
        assertThat(register.status()).isEqualTo(403);
        assertThat(db.fetchCount(db.selectFrom("hotline.user_entities").where("name = 'keyholder'")))
                .as("not even a user entity is made").isZero();

        // The same session, once the app's code completed it, may add a passkey.
        clock.advance(Duration.ofSeconds(30));
        assertThat(halfSignedIn.post("/api/factors/totp/verify", Map.of("code", app.codeNow())).status())
                .isEqualTo(200);
        ConsoleClient.Response allowed = halfSignedIn.post("/webauthn/register/options", null);
        assertThat(allowed.status()).isEqualTo(200);
        JsonNode rp = allowed.body().get("rp");
        assertThat(rp.get("id").asString()).isEqualTo("localhost");
        assertThat(allowed.body().get("user").get("name").asString()).isEqualTo("keyholder");
        // A registration that is not a browser's attestation is a clear 400, and stores nothing.
        ConsoleClient.Response forged = halfSignedIn.postRaw("/webauthn/register",
                "{\"publicKey\":{\"label\":\"forged\",\"credential\":{\"id\":\"AAAA\",\"rawId\":\"AAAA\","
                        + "\"type\":\"public-key\",\"response\":{\"attestationObject\":\"AAAA\","
                        + "\"clientDataJSON\":\"AAAA\"},\"clientExtensionResults\":{}}}}");
        assertThat(forged.status()).isEqualTo(400);
        assertThat(forged.body().get("message").asString()).contains("could not be added");
        assertThat(db.fetchCount(db.selectFrom("hotline.user_credentials"))).isZero();
        // Removing a passkey is an administrator's reset only, even fully signed in.
        assertThat(halfSignedIn.delete("/webauthn/register/AAAA").status()).isEqualTo(403);
    }

    @Test
    void nothingAboutPasskeysAnswersWithoutAPasswordSignIn() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient visitor = HttpClient.newBuilder().cookieHandler(cookies).build();
        JsonNode form = ConsoleClient.parse(visitor.send(HttpRequest.newBuilder(URI.create(hotline.base()
                + "/api/public/form")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String header = form.get("csrf").get("header").asString();
        String token = form.get("csrf").get("token").asString();
        for (String path : List.of("/webauthn/authenticate/options", "/webauthn/register/options",
                "/webauthn/register", "/login/webauthn")) {
            HttpResponse<String> answer = visitor.send(HttpRequest.newBuilder(URI.create(hotline.base() + path))
                    .header("Content-Type", "application/json").header(header, token)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path).isEqualTo(401);
        }
    }

    @Test
    void aSignInWithoutThePasswordOwesItWhateverElseItCarries() {
        SecondFactorGate gate = hotline.bean(SecondFactorGate.class);
        var passkeyOnly = new WebAuthnAuthentication(ImmutablePublicKeyCredentialUserEntity.builder()
                .name("operator").id(Bytes.random()).displayName("operator").build(), Set.<GrantedAuthority>of(
                        new SimpleGrantedAuthority("ROLE_OPERATOR"),
                        FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.WEBAUTHN_AUTHORITY)));
        assertThat(gate.owesSecondFactor(passkeyOnly)).as("an operator needs no second factor, but a password")
                .isTrue();
        assertThat(gate.hasSecondFactor(passkeyOnly)).isFalse();
        var both = new WebAuthnAuthentication(passkeyOnly.getPrincipal(), Set.<GrantedAuthority>of(
                new SimpleGrantedAuthority("ROLE_ADMIN"),
                FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.WEBAUTHN_AUTHORITY),
                FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY)));
        assertThat(gate.owesSecondFactor(both)).isFalse();
        assertThat(gate.hasSecondFactor(both)).isTrue();
    }

    @Test
    void aResetRemovesThePasskeysAndEndsTheUsersOpenSessionsAtOnce() {
        ConsoleClient user = ConsoleClient.login(hotline.base(), "resetme", "resetme-test");
        SecondFactor.enrol(user, hotline);
        assertThat(user.get("/api/cases").status()).isEqualTo(200);
        // A passkey as Spring Security stores one (fake key material: only its removal is checked here).
        db.execute("insert into hotline.user_entities (id, name, display_name) values ('dGVzdA', 'resetme', "
                + "'resetme')");
        db.execute("insert into hotline.user_credentials (credential_id, user_entity_user_id, public_key, "
                + "backup_eligible, backup_state, label) values ('a2V5', 'dGVzdA', '\\x00'::bytea, false, false, "
                + "'Test passkey')");
        assertThat(user.get("/api/factors").body().get("passkey").asBoolean()).isTrue();

        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        SecondFactor.enrol(admin, hotline);
        assertThat(admin.post("/api/admin/users/resetme/factors/reset", Map.of()).status()).isEqualTo(200);

        assertThat(user.get("/api/cases").status()).as("the open session ended with the reset").isEqualTo(401);
        assertThat(db.fetchCount(db.selectFrom("hotline.user_credentials"))).isZero();
        assertThat(db.fetchCount(db.selectFrom("hotline.user_entities").where("name = 'resetme'"))).isZero();
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq("resetme"), AUDIT_LOG.ACTOR.eq("admin"),
                AUDIT_LOG.FIELDS.contains(new String[] {"factors_reset"}))).isEqualTo(1);
        ConsoleClient again = ConsoleClient.login(hotline.base(), "resetme", "resetme-test");
        JsonNode factors = again.get("/api/factors").body();
        assertThat(factors.get("passkey").asBoolean()).isFalse();
        assertThat(factors.get("authenticatorApp").asBoolean()).isFalse();
    }
}
