package org.tiphotline.console.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestDirectory;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.RoutingView;
import tools.jackson.databind.JsonNode;

/**
 * Administrators manage users over real HTTP on a real PostgreSQL: each rule of the administration API, the
 * first-sign-in gate of a one-time password, sessions and live channels ended at once, and the audit row of every
 * change with its before and after, never a password.
 */
class AccountsApiTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static DSLContext db;
    private static ConsoleClient admin;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", null,
                "EMAIL duty@police.example.test");
        hotline = RunningHotline.start(data, settings);
        db = hotline.bean(DSLContext.class);
        admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    private static JsonNode created(String username, String role, Map<String, Object> more) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("username", username,
                "displayName", "Test " + username + " (fake)", "role", role, "languages", List.of("en")));
        body.putAll(more);
        ConsoleClient.Response r = admin.post("/api/admin/users", body);
        assertThat(r.status()).as("create %s: %s", username, r.body()).isEqualTo(201);
        return r.body();
    }

    /** Signs in with the one-time password and chooses a password of their own; returns the signed-in client. */
    private static ConsoleClient signedInWithOwnPassword(JsonNode created, String password) {
        String username = created.get("user").get("username").asString();
        ConsoleClient user = ConsoleClient.login(hotline.base(), username, created.get("oneTimePassword").asString());
        assertThat(user.post("/api/account/password", Map.of("current", created.get("oneTimePassword").asString(),
                "next", password)).status()).isEqualTo(204);
        return user;
    }

    private static Result<Record> audit(long user) {
        return db.select().from(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("app_user"))
                .and(AUDIT_LOG.ENTITY_ID.eq(Long.toString(user))).orderBy(AUDIT_LOG.ID).fetch();
    }

    private static int users() {
        return db.fetchCount(APP_USER);
    }

    @Test
    void anAdministratorCreatesAUserWhoseOneTimePasswordIsShownOnceAndAudited() {
        JsonNode created = created("test-created", "OPERATOR", Map.of("languages", List.of("en", "es"),
                "endpoint", "PJSIP/201"));
        JsonNode user = created.get("user");
        String oneTime = created.get("oneTimePassword").asString();
        assertThat(oneTime).matches("[a-z2-9]{5}(-[a-z2-9]{5}){3}");
        assertThat(user.get("roleName").asString()).isEqualTo("Operator");
        assertThat(user.get("mustChangePassword").asBoolean()).isTrue();
        assertThat(user.has("lastSignInAt")).as("never signed in").isFalse();
        long id = user.get("id").asLong();

        // The one-time password is in that answer only: the user's own page never shows it.
        assertThat(admin.get("/api/admin/users/" + id).body().toString()).doesNotContain(oneTime);
        Result<Record> rows = audit(id);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get(AUDIT_LOG.ACTOR)).isEqualTo("admin");
        assertThat(rows.get(0).get(AUDIT_LOG.ACTION)).isEqualTo("CREATE");
        assertThat(rows.get(0).get(AUDIT_LOG.FIELDS)).contains("username", "role", "languages", "endpoint",
                "password");
        String changes = rows.get(0).get(AUDIT_LOG.CHANGES).data();
        assertThat(changes).contains("\"role\": {\"after\": \"OPERATOR\"").contains("PJSIP/201")
                .contains("one-time, must be changed").doesNotContain(oneTime).doesNotContain("argon2");
    }

    @Test
    void theListFiltersByRoleStatusAndTextAndShowsTheLastSignIn() {
        JsonNode created = created("test-listed", "SUPERVISOR", Map.of("displayName", "Test Findable Person"));
        signedInWithOwnPassword(created, "a passphrase for the list test");
        JsonNode supervisors = admin.get("/api/admin/users?role=SUPERVISOR&enabled=true&text=findable").body();
        assertThat(supervisors).hasSize(1);
        assertThat(supervisors.get(0).get("username").asString()).isEqualTo("test-listed");
        assertThat(supervisors.get(0).get("lastSignInAt").asString()).isNotBlank();
        assertThat(admin.get("/api/admin/users?role=OPERATOR&text=findable").body()).isEmpty();
        assertThat(admin.get("/api/admin/users?enabled=false&text=findable").body()).isEmpty();
        // A LIKE wildcard typed as text is searched for, not obeyed.
        assertThat(admin.get("/api/admin/users?text=%25").body()).isEmpty();
        assertThat(admin.get("/api/admin/users?role=KING").status()).isEqualTo(400);
    }

    @Test
    void badInputIsRefusedFieldByFieldAndNothingIsStored() {
        int before = users();
        ConsoleClient.Response r = admin.post("/api/admin/users", Map.of("username", "Not Valid!", "displayName", "",
                "role", "LIAISON", "languages", List.of("xx"), "endpoint", "sip:somewhere"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("fields").propertyNames()).containsExactlyInAnyOrder("username", "displayName",
                "agency", "languages", "endpoint");
        assertThat(admin.post("/api/admin/users", Map.of("username", "test-norole", "displayName", "Test No Role",
                "role", "KING")).body().get("fields").has("role")).isTrue();
        assertThat(admin.post("/api/admin/users", Map.of("username", "test-unknownagency", "displayName",
                "Test Liaison", "role", "LIAISON", "agency", "no-such-agency")).status()).isEqualTo(400);
        assertThat(admin.post("/api/admin/users", Map.of("username", "operator", "displayName", "Test Taken",
                "role", "OPERATOR")).status()).isEqualTo(409);
        assertThat(admin.postRaw("/api/admin/users", "{not json").status()).isEqualTo(400);
        assertThat(users()).isEqualTo(before);
        assertThat(admin.put("/api/admin/users/999999", Map.of("displayName", "Nobody", "role", "OPERATOR"))
                .status()).isEqualTo(404);
    }

    @Test
    void aLiaisonIsCreatedWithTheirAgencyChosenFromTheDirectory() {
        JsonNode user = created("test-liaison", "LIAISON", Map.of("agency", "test-police")).get("user");
        assertThat(user.get("roleName").asString()).isEqualTo("Agency liaison");
        assertThat(user.get("agencyName").asString()).isEqualTo("Test Police (fake)");
        JsonNode options = admin.get("/api/admin/options").body();
        assertThat(options.get("agencies").toString()).contains("Test Police (fake)");
        assertThat(options.get("roles").toString()).contains("Data management leader");
    }

    /** Issue 20: the administrator creates the wall display's account; it reaches the floor and not the call log. */
    @Test
    void aWallDisplayAccountIsCreatedByNameAndSeesTheFloorOnly() {
        assertThat(admin.get("/api/admin/options").body().get("roles").valueStream()
                .filter(r -> r.get("id").asString().equals("WALLBOARD")).map(r -> r.get("name").asString()))
                .containsExactly("Wall display");
        JsonNode created = created("test-wall", "WALLBOARD", Map.of());
        assertThat(created.get("user").get("roleName").asString()).isEqualTo("Wall display");
        ConsoleClient wall = signedInWithOwnPassword(created, "a passphrase for the floor's screen");
        assertThat(wall.get("/api/floor").status()).isEqualTo(200);
        assertThat(wall.get("/api/calllog").status()).isEqualTo(403);
        assertThat(wall.get("/api/live/queue").status()).isEqualTo(403);
    }

    /**
     * Issue 21: the administrator creates an auditor's account by its name; it reads the trail and nothing else, and
     * the administrator does not read the trail (least privilege: the watchers apart from the watched).
     */
    @Test
    void anAuditorAccountIsCreatedByNameAndReadsTheTrailWhichTheAdministratorDoesNot() {
        assertThat(admin.get("/api/admin/options").body().get("roles").valueStream()
                .filter(r -> r.get("id").asString().equals("AUDITOR")).map(r -> r.get("name").asString()))
                .containsExactly("Auditor");
        JsonNode created = created("test-auditor", "AUDITOR", Map.of());
        assertThat(created.get("user").get("roleName").asString()).isEqualTo("Auditor");
        ConsoleClient auditor = signedInWithOwnPassword(created, "a passphrase for reading the trail");
        assertThat(auditor.get("/api/trail?limit=5").status()).isEqualTo(200);
        assertThat(auditor.get("/api/admin/users").status()).isEqualTo(403);
        assertThat(auditor.get("/api/cases").status()).isEqualTo(403);
        assertThat(admin.get("/api/trail").status()).isEqualTo(403);
    }

    @Test
    void anEditIsAuditedWithBeforeAndAfterAndARoleChangeSignsTheUserOut() {
        JsonNode created = created("test-edited", "OPERATOR", Map.of());
        long id = created.get("user").get("id").asLong();
        ConsoleClient user = signedInWithOwnPassword(created, "another long test passphrase");
        ConsoleClient.Response edited = admin.put("/api/admin/users/" + id, Map.of("displayName", "Test Renamed",
                "role", "SUPERVISOR", "languages", List.of("en", "fr"), "endpoint", "client:test-edited"));
        assertThat(edited.status()).as(String.valueOf(edited.body())).isEqualTo(200);
        assertThat(edited.body().get("roleName").asString()).isEqualTo("Supervisor");
        Record row = audit(id).get(audit(id).size() - 1);
        assertThat(row.get(AUDIT_LOG.ACTION)).isEqualTo("CHANGE");
        assertThat(row.get(AUDIT_LOG.FIELDS)).containsExactlyInAnyOrder("displayName", "role", "languages",
                "endpoint");
        assertThat(row.get(AUDIT_LOG.CHANGES).data()).contains("\"before\": \"OPERATOR\"")
                .contains("\"after\": \"SUPERVISOR\"").contains("\"after\": \"Test Renamed\"")
                .contains("client:test-edited");
        // Their old session carried the old role: it is gone.
        assertThat(user.get("/api/me").status()).isEqualTo(401);
        // The same values again change nothing and write nothing.
        int rows = audit(id).size();
        admin.put("/api/admin/users/" + id, Map.of("displayName", "Test Renamed", "role", "SUPERVISOR",
                "languages", List.of("en", "fr"), "endpoint", "client:test-edited"));
        assertThat(audit(id)).hasSize(rows);
    }

    @Test
    void aOneTimePasswordReachesOnlyThePasswordChangeUntilItIsChanged() {
        JsonNode created = created("test-firsttime", "OPERATOR", Map.of());
        String oneTime = created.get("oneTimePassword").asString();
        ConsoleClient user = ConsoleClient.login(hotline.base(), "test-firsttime", oneTime);
        assertThat(user.get("/api/me").status()).isEqualTo(200);
        assertThat(user.get("/api/account").body().get("mustChangePassword").asBoolean()).isTrue();
        ConsoleClient.Response held = user.get("/api/reports/drafts");
        assertThat(held.status()).isEqualTo(403);
        assertThat(held.body().get("error").asString()).isEqualTo("first_sign_in");
        ConsoleClient.Text page = user.getText("/console.html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/account.html");
        assertThat(user.getText("/account.html").status()).isEqualTo(200);
        assertThatThrownBy(() -> LiveClient.connect(user)).as("no live channel either").isNotNull();

        // The current password is required, and the new one must pass the policy.
        assertThat(user.post("/api/account/password", Map.of("current", "wrong-one-time-pass", "next",
                "a good new passphrase")).body().get("message").asString()).contains("current password");
        assertThat(user.post("/api/account/password", Map.of("current", oneTime, "next", "short")).body()
                .get("message").asString()).contains("at least 12");
        assertThat(user.post("/api/account/password", Map.of("current", oneTime, "next", "qwerty123456")).body()
                .get("message").asString()).contains("breached");
        assertThat(user.post("/api/account/password", Map.of("current", oneTime, "next", oneTime)).status())
                .isEqualTo(400);
        assertThat(user.get("/api/reports/drafts").status()).isEqualTo(403);

        assertThat(user.post("/api/account/password", Map.of("current", oneTime, "next", "my own long passphrase"))
                .status()).isEqualTo(204);
        assertThat(user.get("/api/reports/drafts").status()).isEqualTo(200);
        assertThat(user.getText("/console.html").status()).isEqualTo(200);
        long id = created.get("user").get("id").asLong();
        Record row = audit(id).get(audit(id).size() - 1);
        assertThat(row.get(AUDIT_LOG.ACTOR)).isEqualTo("test-firsttime");
        assertThat(row.get(AUDIT_LOG.FIELDS)).containsExactly("password");
        assertThat(row.get(AUDIT_LOG.CHANGES).data()).contains("changed by the user")
                .doesNotContain("my own long passphrase").doesNotContain(oneTime);
        assertThatThrownBy(() -> ConsoleClient.login(hotline.base(), "test-firsttime", oneTime))
                .hasMessageContaining("login failed");
        ConsoleClient.login(hotline.base(), "test-firsttime", "my own long passphrase");
    }

    @Test
    void everyoneChangesTheirOwnPasswordWithTheCurrentOne() {
        JsonNode created = created("test-ownchange", "DATA_MANAGER", Map.of());
        ConsoleClient user = signedInWithOwnPassword(created, "first chosen passphrase");
        assertThat(user.post("/api/account/password", Map.of("current", "first chosen passphrase",
                "next", "test-ownchange-is-me")).body().get("message").asString()).contains("username");
        assertThat(user.post("/api/account/password", Map.of("current", "first chosen passphrase",
                "next", "second chosen passphrase")).status()).isEqualTo(204);
        ConsoleClient.login(hotline.base(), "test-ownchange", "second chosen passphrase");
        assertThat(user.getText("/registry.html").status()).as("no gate after a normal change").isEqualTo(200);
    }

    @Test
    void disablingEndsTheUsersSessionAndLiveChannelAtOnce() throws Exception {
        JsonNode created = created("test-disabled", "OPERATOR", Map.of());
        long id = created.get("user").get("id").asLong();
        ConsoleClient user = signedInWithOwnPassword(created, "disable me passphrase");
        ConsoleClient otherSession = ConsoleClient.login(hotline.base(), "test-disabled", "disable me passphrase");
        try (LiveClient live = LiveClient.connect(user)) {
            assertThat(live.isConnected()).isTrue();
            java.util.concurrent.BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            live.send("/app/presence", Map.of("presence", "AVAILABLE"));
            LiveClient.await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
            ConsoleClient.Response disabled = admin.post("/api/admin/users/" + id + "/disable", null);
            assertThat(disabled.status()).isEqualTo(200);
            assertThat(disabled.body().get("enabled").asBoolean()).isFalse();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (live.isConnected() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(live.isConnected()).as("the live channel is closed").isFalse();
        }
        assertThat(hotline.bean(RoutingView.class).presence(new OperatorId(id))).as("no call is offered to them")
                .isEqualTo(Presence.AWAY);
        assertThat(user.get("/api/me").status()).isEqualTo(401);
        assertThat(otherSession.get("/api/me").status()).isEqualTo(401);
        assertThatThrownBy(() -> ConsoleClient.login(hotline.base(), "test-disabled", "disable me passphrase"))
                .hasMessageContaining("login failed");
        Record row = audit(id).get(audit(id).size() - 1);
        assertThat(row.get(AUDIT_LOG.FIELDS)).containsExactly("enabled");
        assertThat(row.get(AUDIT_LOG.CHANGES).data()).isEqualTo("{\"enabled\": {\"after\": false, \"before\": true}}");

        assertThat(admin.post("/api/admin/users/" + id + "/enable", null).body().get("enabled").asBoolean()).isTrue();
        assertThat(audit(id).get(audit(id).size() - 1).get(AUDIT_LOG.CHANGES).data())
                .isEqualTo("{\"enabled\": {\"after\": true, \"before\": false}}");
        ConsoleClient.login(hotline.base(), "test-disabled", "disable me passphrase");
    }

    @Test
    void aPasswordResetIsOneTimeEndsTheSessionsAndIsAuditedWithoutThePassword() {
        JsonNode created = created("test-reset", "OPERATOR", Map.of());
        long id = created.get("user").get("id").asLong();
        ConsoleClient user = signedInWithOwnPassword(created, "forgotten passphrase soon");
        ConsoleClient.Response reset = admin.post("/api/admin/users/" + id + "/password-reset", null);
        assertThat(reset.status()).isEqualTo(200);
        String oneTime = reset.body().get("oneTimePassword").asString();
        assertThat(user.get("/api/me").status()).isEqualTo(401);
        assertThatThrownBy(() -> ConsoleClient.login(hotline.base(), "test-reset", "forgotten passphrase soon"))
                .hasMessageContaining("login failed");
        ConsoleClient again = ConsoleClient.login(hotline.base(), "test-reset", oneTime);
        assertThat(again.get("/api/reports/drafts").status()).isEqualTo(403);
        Record row = audit(id).get(audit(id).size() - 1);
        assertThat(row.get(AUDIT_LOG.ACTOR)).isEqualTo("admin");
        assertThat(row.get(AUDIT_LOG.FIELDS)).containsExactly("password");
        assertThat(row.get(AUDIT_LOG.CHANGES).data()).contains("one-time, must be changed").doesNotContain(oneTime);
    }

    @Test
    void anAdministratorCannotChangeTheirOwnRightsAndTheLastOneStaysAnAdministrator() {
        long me = admin.get("/api/admin/users?text=admin&role=ADMIN").body().get(0).get("id").asLong();
        // Alone: the last enabled administrator can be neither disabled nor demoted.
        assertThat(db.fetchCount(APP_USER, APP_USER.ROLE.eq("ADMIN").and(APP_USER.ENABLED))).isEqualTo(1);
        ConsoleClient.Response last = admin.post("/api/admin/users/" + me + "/disable", null);
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.body().get("message").asString()).contains("last enabled administrator");
        assertThat(admin.put("/api/admin/users/" + me, Map.of("displayName", "Demo Administrator", "role",
                "OPERATOR")).status()).isEqualTo(409);

        JsonNode second = created("test-admin2", "ADMIN", Map.of());
        long other = second.get("user").get("id").asLong();
        ConsoleClient.Response self = admin.post("/api/admin/users/" + me + "/disable", null);
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.body().get("message").asString()).contains("themselves");
        assertThat(admin.put("/api/admin/users/" + me, Map.of("displayName", "Demo Administrator", "role",
                "SUPERVISOR")).status()).isEqualTo(403);
        assertThat(admin.post("/api/admin/users/" + me + "/password-reset", null).status()).isEqualTo(403);
        // Editing one's own name is fine.
        assertThat(admin.put("/api/admin/users/" + me, Map.of("displayName", "Demo Administrator (renamed)",
                "role", "ADMIN")).status()).isEqualTo(200);
        assertThat(db.fetchCount(APP_USER, APP_USER.ID.eq(me).and(APP_USER.ENABLED)
                .and(APP_USER.ROLE.eq("ADMIN")))).isEqualTo(1);

        // Another administrator can be disabled by this one; then this one is the last again.
        assertThat(admin.post("/api/admin/users/" + other + "/disable", null).status()).isEqualTo(200);
        assertThat(admin.post("/api/admin/users/" + me + "/disable", null).status()).isEqualTo(409);
    }

    @Test
    void theAdministratorLandsOnTheAdministrationPage() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager()).build();
        String page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hotline.base() + "/login"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"")
                .matcher(page);
        assertThat(csrf.find()).isTrue();
        java.net.http.HttpResponse<String> login = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(hotline.base() + "/login")).header("Content-Type",
                "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "username=admin&password=admin-demo&_csrf=" + csrf.group(1))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Location").orElse("")).endsWith("/admin.html");
        assertThat(admin.getText("/admin.html").status()).isEqualTo(200);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(operator.getText("/admin.html").status()).isEqualTo(403);
        assertThat(operator.get("/api/admin/users").status()).isEqualTo(403);
    }
}
