package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.signin.LoginForm;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SecondFactor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.springframework.security.crypto.password.PasswordEncoder;
import tools.jackson.databind.JsonNode;

/**
 * One browser, two nodes: the HTTP session lives in PostgreSQL, so a sign-in on node A (by every way in) holds on
 * node B for the API, its CSRF token and the live channel; an ending on one node holds on the other, and closes the
 * live channel the user has open there; failed sign-ins on both nodes count together.
 */
class SessionAcrossNodesTest {

    @TempDir
    static Path first;
    @TempDir
    static Path second;

    private static RunningHotline a;
    private static RunningHotline b;

    @BeforeAll
    static void start() {
        // Supervisors need a second factor (production's default for them); operators do not. Failures lock an
        // account at the fourth, with no delay before: the throttle's count, not its waits, is under test.
        Map<String, String> settings = Map.of(
                "hotline.security.second-factor.required-roles", "SUPERVISOR",
                "hotline.sign-in.free-tries", "10",
                "hotline.sign-in.lock-after", "4");
        a = RunningHotline.start(first, settings);
        b = RunningHotline.secondNode(a, second, settings);
        Operators operators = a.bean(Operators.class);
        PasswordEncoder passwords = a.bean(PasswordEncoder.class);
        operators.create("twonodes-sup", "Testsupervisor Twonodes (fake)", passwords.encode("twonodes-sup-demo"),
                Role.SUPERVISOR, List.of("en"), null);
        operators.create("twonodes-locked", "Testoperator Locked (fake)", passwords.encode("twonodes-locked-demo"),
                Role.OPERATOR, List.of("en"), null);
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aPasswordSignInOnAHoldsOnBForTheApiItsCsrfTokenAndTheLiveChannel() throws Exception {
        ConsoleClient onA = ConsoleClient.login(a.base(), "operator2", "operator2-demo");
        ConsoleClient onB = onA.onNode(b.base());
        JsonNode me = onB.get("/api/me").body();
        assertThat(me.get("username").asString()).isEqualTo("operator2");
        // A CONNECT carries the session's CSRF token: node B reads it from the shared session.
        try (LiveClient live = LiveClient.connect(onB)) {
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            live.send("/app/presence", Map.of("presence", "AVAILABLE"));
            LiveClient.await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
            live.send("/app/presence", Map.of("presence", "AWAY"));
            LiveClient.await(presence, p -> p.get("presence").asString().equals("AWAY"), 5);
        }
        // And a write through node B's CSRF check: refused for its content (400), not for its token (403).
        ConsoleClient.Response wrong = onB.post("/api/account/password", Map.of("current", "not-my-password",
                "next", "a long enough passphrase"));
        assertThat(wrong.status()).isEqualTo(400);
    }

    @Test
    void signingOutOnBEndsTheSessionOnAAndClosesItsLiveChannelThere() throws Exception {
        ConsoleClient onA = ConsoleClient.login(a.base(), "datamanager", "datamanager-demo");
        try (LiveClient live = LiveClient.connect(onA)) {
            assertThat(live.isConnected()).isTrue();
            assertThat(onA.onNode(b.base()).signOut()).isEqualTo(302);
            assertThat(onA.get("/api/me").status()).isEqualTo(401);
            awaitClosed(live, "node A's live channel, after a sign-out on node B");
        }
    }

    @Test
    void anAdministratorDisablingAUserOnAClosesTheirLiveChannelOnB() throws Exception {
        ConsoleClient admin = ConsoleClient.login(a.base(), "admin", "admin-demo");
        ConsoleClient.Response created = admin.post("/api/admin/users", Map.of("username", "twonodes-first",
                "displayName", "Testoperator First (fake)", "role", "OPERATOR", "languages", List.of("en")));
        assertThat(created.status()).isEqualTo(201);
        long id = created.body().get("user").get("id").asLong();
        // The first sign-in's password change: signed in on A with the one-time password, changed on B.
        ConsoleClient onA = ConsoleClient.login(a.base(), "twonodes-first",
                created.body().get("oneTimePassword").asString());
        ConsoleClient onB = onA.onNode(b.base());
        assertThat(onB.get("/api/reports/drafts").status()).as("held at the first sign-in's gate").isEqualTo(403);
        assertThat(onB.post("/api/account/password", Map.of("current",
                created.body().get("oneTimePassword").asString(), "next", "two nodes own passphrase")).status())
                .isEqualTo(204);
        assertThat(onA.get("/api/reports/drafts").status()).as("let through on A too").isEqualTo(200);

        try (LiveClient live = LiveClient.connect(onB)) {
            assertThat(live.isConnected()).isTrue();
            assertThat(admin.post("/api/admin/users/" + id + "/disable", null).status()).isEqualTo(200);
            awaitClosed(live, "the live channel on node B, after disabling on node A");
        }
        assertThat(onA.get("/api/me").status()).isEqualTo(401);
        assertThat(onB.get("/api/me").status()).isEqualTo(401);
    }

    @Test
    void aSecondFactorEnrolledAndUsedAcrossNodes() {
        // Half signed in on A, the authenticator app enrolled on B: the whole sign-in holds on A.
        ConsoleClient onA = ConsoleClient.login(a.base(), "twonodes-sup", "twonodes-sup-demo");
        assertThat(onA.get("/api/calllog").status()).isEqualTo(403);
        SecondFactor app = SecondFactor.enrol(onA.onNode(b.base()), b);
        assertThat(onA.get("/api/calllog").status()).isEqualTo(200);

        // A later sign-in: the password on B, the app's code on A, the work on B.
        ConsoleClient again = ConsoleClient.login(b.base(), "twonodes-sup", "twonodes-sup-demo");
        assertThat(again.get("/api/calllog").status()).isEqualTo(403);
        ConsoleClient againOnA = again.onNode(a.base());
        assertThat(againOnA.post("/api/factors/totp/verify", Map.of("code", app.code(1))).status())
                .isEqualTo(200);
        assertThat(again.get("/api/calllog").status()).isEqualTo(200);

        // A passkey's ceremony keeps its challenge in the session: asked for on B, it is there on A.
        ConsoleClient.Response registering = again.post("/webauthn/register/options", Map.of());
        assertThat(registering.status()).as("%s", registering.body()).isEqualTo(200);
        assertThat(againOnA.get("/api/me").status()).as("still signed in on A").isEqualTo(200);
        ConsoleClient.Response signing = againOnA.post("/webauthn/authenticate/options", Map.of());
        assertThat(signing.status()).as("%s", signing.body()).isEqualTo(200);
    }

    @Test
    void failedSignInsOnBothNodesCountTogetherToTheLockout() {
        LoginForm onA = new LoginForm(a.base());
        LoginForm onB = new LoginForm(b.base());
        for (int i = 0; i < 4; i++) {
            LoginForm.Answer wrong = (i % 2 == 0 ? onA : onB).signIn("twonodes-locked", "wrong-password-" + i);
            assertThat(wrong.status()).as("failure %d", i + 1).isEqualTo(302);
        }
        // Two failures per node, four in all: locked, even for the right password, on either node.
        LoginForm.Answer refused = new LoginForm(a.base()).signIn("twonodes-locked", "twonodes-locked-demo");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(new LoginForm(b.base()).signIn("twonodes-locked", "twonodes-locked-demo").status())
                .isEqualTo(429);
    }

    private static void awaitClosed(LiveClient live, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (live.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(live.isConnected()).as(what + " is closed").isFalse();
    }
}
