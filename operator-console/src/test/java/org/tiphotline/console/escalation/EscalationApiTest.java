package org.tiphotline.console.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestDirectory;
import org.tiphotline.operators.Operators;
import tools.jackson.databind.JsonNode;

/**
 * Escalations over HTTP with two fake agencies: an operator escalates the call they are on, the police liaison
 * sees and acknowledges it, the child-protection liaison sees nothing of it, and a liaison user can reach no
 * other endpoint. Refused requests store nothing.
 */
class EscalationApiTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WireMockServer policeSystem;

    @BeforeEach
    void start() {
        policeSystem = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        policeSystem.start();
        policeSystem.stubFor(post(urlEqualTo("/alerts")).willReturn(aResponse().withStatus(202)));
        Map<String, String> settings = new LinkedHashMap<>();
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", "+15550100119",
                "WEBHOOK http://127.0.0.1:" + policeSystem.port() + "/alerts");
        TestDirectory.agency(settings, 1, "test-child-protection", "Test Child Protection (fake)", "CHILD_PROTECTION",
                null, "EMAIL duty@cp.example.test");
        settings.put("hotline.escalation.links.public-base-url", "https://hotline.example.test");
        settings.put("hotline.escalation.links.secret", "test-only-link-secret-0123456789abcdef");
        TestDirectory.agency(settings, 2, "test-child-sexual-offences", "Test Child Sexual Offences Unit (fake)",
                "CHILD_SEXUAL_OFFENCES", null, "EMAIL duty@cso.example.test");
        hotline = RunningHotline.start(data, settings);
        Operators operators = hotline.bean(Operators.class);
        PasswordEncoder passwords = hotline.bean(PasswordEncoder.class);
        operators.createLiaison("police1", "Police Liaison (fake)", passwords.encode("police1-test"), "test-police");
        operators.createLiaison("cp1", "Child Protection Liaison (fake)", passwords.encode("cp1-test"),
                "test-child-protection");
    }

    @AfterEach
    void stop() {
        hotline.close();
        policeSystem.stop();
    }

    @Test
    void anOperatorEscalatesTheirCallThePoliceLiaisonAcknowledgesAndOnlyThePoliceSeeIt() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String call = talkingCall(operator);
        ConsoleClient police = ConsoleClient.login(hotline.base(), "police1", "police1-test");
        ConsoleClient cp = ConsoleClient.login(hotline.base(), "cp1", "cp1-test");
        try (LiveClient operatorLive = LiveClient.connect(operator); LiveClient policeLive = LiveClient.connect(police);
                LiveClient cpLive = LiveClient.connect(cp)) {
            BlockingQueue<JsonNode> mine = operatorLive.subscribe("/user/queue/escalations");
            BlockingQueue<JsonNode> policeFeed = policeLive.subscribe("/topic/liaison/test-police");
            BlockingQueue<JsonNode> snooping = cpLive.subscribe("/topic/liaison/test-police");

            ConsoleClient.Response raised = operator.post("/api/calls/" + call + "/escalations", Map.of(
                    "agency", "test-police", "level", "IMMEDIATE", "danger", "CONFINEMENT", "mode", "CONFERENCE",
                    "reason", "caller locked in a work site (fake)"));
            assertThat(raised.status()).isEqualTo(201);
            String id = raised.body().get("id").asString();
            assertThat(raised.body().get("status").asString()).isEqualTo("OPEN");
            assertThat(await(policeFeed, e -> e.get("id").asString().equals(id), 5).get("status").asString())
                    .isEqualTo("OPEN");
            police.post("/api/liaison/escalations/" + id + "/acknowledge", null);
            assertThat(await(mine, e -> e.get("status").asString().equals("ACKNOWLEDGED"), 5).get("id").asString())
                    .as("the operator sees the acknowledgement live").isEqualTo(id);
            assertThat(snooping.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .as("another agency's liaison cannot watch the police's escalations").isNull();
        }
        String id = police.get("/api/liaison/escalations").body().get(0).get("id").asString();

        // The police's system gets the alert: what a responder needs, nothing that names the caller.
        LoggedRequest alert = awaitAlert();
        JsonNode packet = tools.jackson.databind.json.JsonMapper.builder().build().readTree(alert.getBodyAsString());
        assertThat(packet.get("escalation").asString()).isEqualTo(id);
        assertThat(packet.get("agency").asString()).isEqualTo("test-police");
        assertThat(packet.get("level").asString()).isEqualTo("IMMEDIATE");
        assertThat(packet.get("danger").asString()).isEqualTo("CONFINEMENT");
        assertThat(packet.has("reason")).as("the operator's words travel only with identifying details").isFalse();
        assertThat(alert.getBodyAsString()).doesNotContain("work site");
        assertThat(packet.get("callbackRoute").get("reference").asString())
                .isEqualTo("E-" + id.substring(0, 8).toUpperCase(java.util.Locale.ROOT));
        assertThat(packet.get("round").asInt()).isEqualTo(1);
        assertThat(packet.get("language").asString()).isEqualTo("en");
        assertThat(packet.get("urgentCall").asBoolean()).as("the caller said nobody is in immediate danger").isFalse();
        assertThat(packet.get("identifying").isNull()).isTrue();
        assertThat(alert.getBodyAsString()).doesNotContain("555").doesNotContain("callerNumber");
        assertThat(packet.get("acknowledgeUrl").asString()).startsWith("https://hotline.example.test/ack/" + id
                + "?agency=test-police&expires=");

        assertThat(police.get("/api/liaison/escalations").body()).extracting(e -> e.get("id").asString())
                .containsExactly(id);
        assertThat(cp.get("/api/liaison/escalations").body()).isEmpty();
        assertThat(cp.post("/api/liaison/escalations/" + id + "/acknowledge", null).status()).isEqualTo(403);
        assertThat(cp.post("/api/liaison/escalations/" + id + "/outcome", Map.of("outcome", "NO_ACTION",
                "note", "x")).status()).isEqualTo(403);
        assertThat(cp.get("/api/liaison/escalations/" + id).status()).as("another agency's").isEqualTo(404);

        ConsoleClient.Response ack = police.post("/api/liaison/escalations/" + id + "/acknowledge", null);
        assertThat(ack.status()).as("acknowledging again is fine").isEqualTo(200);
        assertThat(ack.body().get("status").asString()).isEqualTo("ACKNOWLEDGED");
        assertThat(police.post("/api/liaison/escalations/" + id + "/outcome", Map.of("outcome", "SOMETHING"))
                .status()).isEqualTo(400);
        assertThat(police.post("/api/liaison/escalations/" + id + "/outcome", Map.of("outcome",
                "OFFICERS_DISPATCHED", "note", "two officers of the test unit sent (fake)")).body().get("outcome")
                .asString()).isEqualTo("OFFICERS_DISPATCHED");
        assertThat(police.get("/api/liaison/escalations/" + id).body().get("outcomeNote").asString())
                .isEqualTo("two officers of the test unit sent (fake)");

        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        JsonNode open = supervisor.get("/api/escalations").body();
        assertThat(open).extracting(e -> e.get("status").asString()).containsExactly("ACKNOWLEDGED");
        // The simulated line brought the police line in, and the call log says so.
        JsonNode detail = awaitTimeline(supervisor, call, "ESCALATED");
        assertThat(detail.toString()).contains("\"mode\":\"conference\"");
        // The call's record keeps what became of the escalation: its steps and the outcome's code, no note.
        assertThat(detail.toString()).contains("ESCALATION_STEP").contains("\"outcome\":\"OFFICERS_DISPATCHED\"")
                .doesNotContain("test unit sent");
        assertThat(supervisor.get("/api/escalations/" + id).body().get("outcomeNote").asString())
                .isEqualTo("two officers of the test unit sent (fake)");
        assertThat(supervisor.post("/api/escalations/" + id + "/close", Map.of("reason", "")).status())
                .isEqualTo(400);
        assertThat(supervisor.post("/api/escalations/" + id + "/close", Map.of("reason", "victim safe (fake)"))
                .body().get("status").asString()).isEqualTo("CLOSED");
        assertThat(supervisor.get("/api/escalations").body()).isEmpty();
    }

    /** A transfer hands the caller to the agency's line through the telephony port; the call log says so. */
    @Test
    void aTransferPutsTheCallerThroughToTheAgencysLineAndTheEscalationStaysOpenUntilAcknowledged() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String call = talkingCall(operator);
        ConsoleClient.Response raised = operator.post("/api/calls/" + call + "/escalations", Map.of(
                "agency", "test-police", "level", "IMMEDIATE", "danger", "VIOLENCE", "mode", "TRANSFER",
                "reason", "caller threatened at the test site (fake)"));
        assertThat(raised.status()).isEqualTo(201);
        String id = raised.body().get("id").asString();

        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        JsonNode detail = awaitTimeline(supervisor, call, "TRANSFERRED");
        assertThat(detail.toString()).contains("\"mode\":\"transfer\"");
        assertThat(supervisor.get("/api/escalations").body()).extracting(e -> e.get("id").asString()).contains(id);
        JsonNode one = supervisor.get("/api/escalations/" + id).body();
        assertThat(one.get("status").asString()).isEqualTo("OPEN");
        assertThat(one.get("danger").asString()).isEqualTo("VIOLENCE");
        assertThat(one.get("reason").asString()).as("a supervisor reads the operator's words, audited")
                .isEqualTo("caller threatened at the test site (fake)");
        assertThat(supervisor.get("/api/escalations").body().toString()).as("lists never carry them")
                .doesNotContain("test site");
    }

    @Test
    void theAlertsSignedLinkShowsAButtonAndOnlyPressingItAcknowledges() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String call = talkingCall(operator);
        String id = operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                "level", "IMMEDIATE", "danger", "CONFINEMENT", "reason", "caller locked in a work site (fake)")).body().get("id").asString();
        String link = tools.jackson.databind.json.JsonMapper.builder().build().readTree(awaitAlert().getBodyAsString())
                .get("acknowledgeUrl").asString();
        String pathAndQuery = link.substring("https://hotline.example.test".length());
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        // Opening the link (a mail scanner does) shows a button and acknowledges nothing; no sign-in needed.
        java.net.http.HttpResponse<String> page = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(hotline.base() + pathAndQuery)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\"").doesNotContain("work site");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        assertThat(supervisor.get("/api/escalations").body().get(0).get("status").asString()).isEqualTo("OPEN");

        String form = pathAndQuery.substring(pathAndQuery.indexOf('?') + 1);
        String forged = form.replace("agency=test-police", "agency=test-child-protection");
        assertThat(postForm(http, "/ack/" + id, forged).statusCode()).isEqualTo(403);
        assertThat(postForm(http, "/ack/" + java.util.UUID.randomUUID(), form).statusCode()).isEqualTo(404);
        java.net.http.HttpResponse<String> pressed = postForm(http, "/ack/" + id, form);
        assertThat(pressed.statusCode()).isEqualTo(200);
        assertThat(pressed.body()).contains("Acknowledged");
        assertThat(supervisor.get("/api/escalations").body().get(0).get("status").asString())
                .isEqualTo("ACKNOWLEDGED");
        assertThat(postForm(http, "/ack/" + id, form).body()).contains("already acknowledged");
    }

    private java.net.http.HttpResponse<String> postForm(java.net.http.HttpClient http, String path, String form)
            throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(hotline.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLiaisonUserCanReachNothingButTheirAgencysEscalations() {
        ConsoleClient police = ConsoleClient.login(hotline.base(), "police1", "police1-test");
        assertThat(police.get("/api/me").status()).isEqualTo(200);
        for (String path : List.of("/api/calllog", "/api/calllog/00000000-0000-0000-0000-000000000001",
                "/api/live/queue", "/api/operators", "/api/reports/drafts",
                "/api/reports/00000000-0000-0000-0000-000000000001", "/api/forms/hotline", "/api/escalations",
                "/api/directory", "/api/sim/calls", "/console.html", "/supervisor.html")) {
            assertThat(police.get(path).status()).as(path).isEqualTo(403);
        }
        assertThat(police.post("/api/sim/calls", Map.of("language", "en")).status()).isEqualTo(403);
        // The live channel is open to them (their agency's feed), but nothing else on it.
        try (LiveClient live = LiveClient.connect(police)) {
            BlockingQueue<JsonNode> queue = live.subscribe("/topic/supervisor/queue");
            ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
            operator.post("/api/sim/calls", Map.of("language", "en"));
            assertThat(queue.poll(1, java.util.concurrent.TimeUnit.SECONDS)).as("the live queue").isNull();
        } catch (Exception refusedAtConnect) {
            // Refusing the whole session is as good.
        }
        assertThat(police.post("/api/calls/00000000-0000-0000-0000-000000000001/escalations", Map.of()).status())
                .isEqualTo(403);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(operator.get("/api/liaison/escalations").status()).as("not for operators").isEqualTo(403);
        assertThat(operator.get("/api/escalations").status()).isEqualTo(403);
    }

    @Test
    void refusedEscalationsStoreNothingAndDialNobody() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String call = talkingCall(operator);
        ConsoleClient.Response unknown = operator.post("/api/calls/" + call + "/escalations", Map.of(
                "agency", "nobody", "level", "IMMEDIATE", "danger", "CONFINEMENT", "reason", "x"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("message").asString()).contains("test-police");
        assertThat(operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                "level", "SOMEDAY", "danger", "CONFINEMENT", "reason", "x")).status()).isEqualTo(400);
        ConsoleClient.Response noDanger = operator.post("/api/calls/" + call + "/escalations", Map.of(
                "agency", "test-police", "level", "IMMEDIATE", "reason", "x"));
        assertThat(noDanger.status()).isEqualTo(400);
        assertThat(noDanger.body().get("message").asString()).contains("danger must be one of")
                .contains("CONFINEMENT");
        ConsoleClient.Response noLine = operator.post("/api/calls/" + call + "/escalations", Map.of(
                "agency", "test-child-protection", "level", "URGENT", "danger", "CONFINEMENT", "mode", "CONFERENCE", "reason", "x"));
        assertThat(noLine.status()).isEqualTo(409);
        assertThat(noLine.body().get("message").asString()).contains("no line");

        // Another operator, not on this call.
        ConsoleClient other = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        assertThat(other.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                "level", "IMMEDIATE", "danger", "CONFINEMENT", "reason", "x")).status()).isEqualTo(403);

        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        assertThat(supervisor.get("/api/escalations").body()).isEmpty();
        assertThat(supervisor.get("/api/calllog/" + call).body().toString()).doesNotContain("ESCALATED");
    }

    @Test
    void identifyingDetailsLeaveOnlyWithConsentOrAnOverrideAndEveryOverrideIsAuditedAndShown() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = talking(operator);
        String call = pop.get("call").asString();
        String report = pop.get("report").asString();
        Map<String, Object> fake = Map.of("contactConsent", true, "contactFirstName", "Testfirst",
                "contactLastName", "Fakecaller", "contactPhone", "+1 555 0100 998",
                "locationDetail", "behind the fake test warehouse", "victimDetails", "Fakevictim Testperson");
        fake.forEach((field, value) -> assertThat(operator.put("/api/reports/" + report + "/fields/" + field,
                Map.of("value", value)).status()).as(field).isEqualTo(200));
        operator.put("/api/reports/" + report + "/fields/place", Map.of("value", "Portland"));
        String id = operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                "level", "IMMEDIATE", "danger", "CONFINEMENT", "reason", "caller locked in a work site (fake)")).body().get("id").asString();

        JsonNode first = JSON.readTree(awaitAlert(p -> p.get("escalation").asString().equals(id)).getBodyAsString());
        assertThat(first.get("situation").get("place").asString()).isEqualTo("Portland");
        assertThat(first.get("identifying").isNull()).isTrue();
        assertThat(first.toString()).doesNotContain("Testfirst").doesNotContain("Fakevictim")
                .doesNotContain("warehouse").doesNotContain("998");

        // No consent was asked: refused, nothing stored. Another operator and the liaison cannot decide it.
        ConsoleClient.Response noConsent = operator.post("/api/escalations/" + id + "/disclosure",
                Map.of("basis", "CONSENT"));
        assertThat(noConsent.status()).isEqualTo(409);
        assertThat(noConsent.body().get("message").asString()).contains("no consent");
        ConsoleClient police = ConsoleClient.login(hotline.base(), "police1", "police1-test");
        assertThat(police.get("/api/liaison/escalations/" + id).body().has("identifying")).isFalse();
        ConsoleClient other = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        assertThat(other.post("/api/escalations/" + id + "/disclosure", Map.of("basis",
                "OVERRIDE_IMMINENT_DANGER", "justification", "someone else decides this (fake)")).status())
                .isEqualTo(403);
        assertThat(police.post("/api/escalations/" + id + "/disclosure", Map.of("basis", "CONSENT")).status())
                .isEqualTo(403);
        assertThat(operator.post("/api/escalations/" + id + "/disclosure", Map.of("basis",
                "OVERRIDE_IMMINENT_DANGER")).status()).as("an override needs its justification").isEqualTo(400);
        assertThat(operator.post("/api/escalations/" + id + "/disclosure", Map.of("basis", "OVERRIDE_MINOR",
                "justification", "no age is recorded yet (fake)")).status()).isEqualTo(409);

        ConsoleClient.Response override = operator.post("/api/escalations/" + id + "/disclosure", Map.of("basis",
                "OVERRIDE_IMMINENT_DANGER", "justification", "the men come back within the hour (fake)"));
        assertThat(override.status()).isEqualTo(200);
        assertThat(override.body().get("disclosure").asString()).isEqualTo("OVERRIDE_IMMINENT_DANGER");

        JsonNode details = JSON.readTree(awaitAlert(p -> p.get("escalation").asString().equals(id)
                && !p.get("identifying").isNull()).getBodyAsString());
        assertThat(details.get("identifying").get("contactFirstName").asString()).isEqualTo("Testfirst");
        assertThat(details.get("identifying").get("locationDetail").asString())
                .isEqualTo("behind the fake test warehouse");
        assertThat(details.get("disclosure").asString()).isEqualTo("OVERRIDE_IMMINENT_DANGER");
        assertThat(police.get("/api/liaison/escalations/" + id).body().get("identifying").get("victimDetails")
                .asString()).isEqualTo("Fakevictim Testperson");

        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        JsonNode overrides = supervisor.get("/api/escalations/overrides").body();
        assertThat(overrides).hasSize(1);
        assertThat(overrides.get(0).get("justification").asString())
                .isEqualTo("the men come back within the hour (fake)");
        assertThat(overrides.get(0).get("decidedBy").asString()).isNotBlank();
        assertThat(operator.get("/api/escalations/overrides").status()).isEqualTo(403);

        org.jooq.DSLContext db = hotline.bean(org.jooq.DSLContext.class);
        var audit = org.tiphotline.db.Tables.AUDIT_LOG;
        // On the escalation: the override with its ground, then the operator's words leaving with the details in
        // the alert and read by the liaison.
        assertThat(db.select(audit.ACTOR, audit.ACTION, audit.FIELDS).from(audit).where(audit.ENTITY_ID.eq(id))
                .orderBy(audit.ID).fetch(r -> r.value1() + " " + r.value2() + " " + String.join(",", r.value3())))
                .startsWith("operator CHANGE disclosure:OVERRIDE_IMMINENT_DANGER")
                .contains("alert:test-police EXPORT reason", "police1 READ reason");
        assertThat(db.select(audit.ACTOR, audit.ACTION).from(audit).where(audit.ENTITY_ID.eq(report))
                .and(audit.ACTION.in("EXPORT", "READ")).and(audit.ACTOR.ne("operator"))
                .fetch(r -> r.value1() + " " + r.value2())).contains("alert:test-police EXPORT", "police1 READ");
    }

    @Test
    void aCallersYesToImmediateDangerAlertsThePoliceBeforeAnyoneAnswersAndTheOperatorSeesIt() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "YES"));
        String call = pop.get("call").asString();
        JsonNode alert = JSON.readTree(awaitAlert().getBodyAsString());
        assertThat(alert.get("level").asString()).isEqualTo("IMMEDIATE");
        assertThat(alert.get("urgentCall").asBoolean()).isTrue();

        ConsoleClient police = ConsoleClient.login(hotline.base(), "police1", "police1-test");
        JsonNode theirs = police.get("/api/liaison/escalations").body();
        assertThat(theirs).hasSize(1);
        assertThat(theirs.get(0).get("source").asString()).isEqualTo("IVR");
        JsonNode onCall = operator.get("/api/calls/" + call + "/escalations").body();
        assertThat(onCall).extracting(e -> e.get("id").asString()).containsExactly(alert.get("escalation").asString());
        assertThat(operator.get("/api/reports/" + pop.get("report").asString()).body().get("escalations"))
                .hasSize(1);
        ConsoleClient other = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        assertThat(other.get("/api/calls/" + call + "/escalations").status()).isEqualTo(403);
        assertThat(other.get("/api/escalations/" + alert.get("escalation").asString()).status()).isEqualTo(403);
        for (String path : List.of("/api/calls/" + call + "/escalations", "/api/escalations/overrides",
                "/api/escalations/" + alert.get("escalation").asString())) {
            assertThat(police.get(path).status()).as(path).isEqualTo(403);
        }
    }

    private LoggedRequest awaitAlert() throws InterruptedException {
        return awaitAlert(r -> true);
    }

    private LoggedRequest awaitAlert(java.util.function.Predicate<JsonNode> matching) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (LoggedRequest found : policeSystem.findAll(postRequestedFor(urlEqualTo("/alerts")))) {
                if (matching.test(JSON.readTree(found.getBodyAsString()))) {
                    return found;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such alert reached the police's webhook");
    }

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    @Test
    void aVictimUnder18IsReferredToChildProtectionOnceAndSexualExploitationAlsoToItsUnit() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = talking(operator);
        String report = pop.get("report").asString();
        ConsoleClient cp = ConsoleClient.login(hotline.base(), "cp1", "cp1-test");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");

        assertThat(operator.put("/api/reports/" + report + "/fields/victimAge", Map.of("value", 30)).status())
                .isEqualTo(200);
        assertThat(supervisor.get("/api/escalations").body()).as("an adult: no referral").isEmpty();

        operator.put("/api/reports/" + report + "/fields/victimAge", Map.of("value", 16));
        operator.put("/api/reports/" + report + "/fields/victimAge", Map.of("value", 15));
        JsonNode referrals = cp.get("/api/liaison/escalations").body();
        assertThat(referrals).hasSize(1);
        assertThat(referrals.get(0).get("source").asString()).isEqualTo("RULE");
        assertThat(referrals.get(0).get("reason").asString()).isEqualTo("rule: victim under 18");
        assertThat(referrals.get(0).get("call").asString()).isEqualTo(pop.get("call").asString());

        operator.put("/api/reports/" + report + "/fields/traffickingTypes",
                Map.of("value", List.of("SEXUAL_EXPLOITATION")));
        assertThat(supervisor.get("/api/escalations").body()).extracting(e -> e.get("agency").asString())
                .containsExactlyInAnyOrder("test-child-protection", "test-child-sexual-offences");
        assertThat(cp.get("/api/liaison/escalations").body()).as("still one for child protection").hasSize(1);
    }

    /** A simulated call this operator has answered; returns its id. */
    private String talkingCall(ConsoleClient operator) throws Exception {
        return talking(operator).get("call").asString();
    }

    /**
     * A simulated call this operator has answered, the caller having said nobody is in immediate danger (a yes
     * alerts the police by itself, see the IVR test); returns its screen pop.
     */
    private JsonNode talking(ConsoleClient operator) throws Exception {
        return SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"));
    }

    private static JsonNode awaitTimeline(ConsoleClient supervisor, String call, String type)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonNode detail = supervisor.get("/api/calllog/" + call).body();
            if (detail.toString().contains("\"" + type + "\"")) {
                return detail;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + type + " for call " + call);
    }
}
