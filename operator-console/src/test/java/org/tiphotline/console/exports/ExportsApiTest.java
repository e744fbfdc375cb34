package org.tiphotline.console.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.ONLINE_REPORT;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.registry.CaseFacts;
import org.tiphotline.registry.CaseId;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.Registry;
import tools.jackson.databind.JsonNode;

/**
 * Exports over HTTP: who may reach which endpoint, the four-eyes rule as users meet it (a clear 4xx for every
 * refusal, never a 500), and the approved file as an attachment nobody caches.
 */
class ExportsApiTest {

    @TempDir
    Path data;

    private RunningHotline hotline;
    private String reference;
    private String today;

    @BeforeEach
    void start() {
        hotline = RunningHotline.start(data);
        Operators operators = hotline.bean(Operators.class);
        PasswordEncoder passwords = hotline.bean(PasswordEncoder.class);
        operators.create("leader2", "Testleader Fakename", passwords.encode("leader2-test"),
                Role.DATA_MANAGEMENT_LEADER, List.of(), null);
        operators.create("datamanager2", "Testmanager Fakename", passwords.encode("datamanager2-test"),
                Role.DATA_MANAGER, List.of(), null);
        Actor leader = actor(operators, "leader");
        Actor dataManager = actor(operators, "datamanager");
        Registry registry = hotline.bean(Registry.class);
        CaseId id = newCase(registry);
        registry.assign(id, dataManager.id(), leader);
        registry.saveField(id, dataManager, "firstNames", "Testfirst Fakename");
        registry.saveField(id, dataManager, "familyNames", "=Fakename");
        registry.recordConsent(id, "1.1", true, "Test Interviewer (fake)", LocalDate.now(Clock.systemUTC()),
                dataManager);
        reference = registry.view(id, leader).reference();
        today = LocalDate.now(ZoneOffset.UTC).toString();
    }

    @AfterEach
    void stop() {
        hotline.close();
    }

    @Test
    void theNonIdentifyingExportIsForDataManagersOnly() {
        String path = "/api/exports/htcds?from=" + today + "&to=" + today;
        assertThat(login("operator", "operator-demo").getText(path).status()).isEqualTo(403);
        assertThat(login("supervisor", "supervisor-demo").getText(path).status()).isEqualTo(403);

        ConsoleClient dataManager = login("datamanager", "datamanager-demo");
        ConsoleClient.Text csv = dataManager.getText(path);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
        assertThat(csv.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        // One case alone is a small cell: the header and no row.
        assertThat(csv.body()).startsWith("prs_Gender,").doesNotContain("Fakename").doesNotContain(reference)
                .hasLineCount(1);
        JsonNode json = ConsoleClient.parse(dataManager.getText(path + "&format=json").body());
        assertThat(json.get("rows")).isEmpty();
        assertThat(json.get("notice").get("rowsWithheld").asString()).isEqualTo("fewer than 10");

        assertRefused(dataManager.get("/api/exports/htcds?to=" + today), 400, "'from' is required");
        assertRefused(dataManager.get(path + "&format=xlsx"), 400, "format must be csv or json");
        assertRefused(dataManager.get("/api/exports/htcds?from=2026-13-01&to=" + today), 400, "YYYY-MM-DD");
        assertRefused(dataManager.get(path + "&status=SOLVED"), 400, "status must be one of");
    }

    @Test
    void oneDataManagerAloneCannotExportIdentifyingDataOverHttp() {
        ConsoleClient dataManager = login("datamanager", "datamanager-demo");
        ConsoleClient otherDataManager = login("datamanager2", "datamanager2-test");
        ConsoleClient leader = login("leader", "leader-demo");
        ConsoleClient otherLeader = login("leader2", "leader2-test");
        ConsoleClient operator = login("operator", "operator-demo");

        Map<String, Object> ask = Map.of("cases", List.of(reference), "purpose", "referral for shelter assistance",
                "recipient", "Test Shelter (fake)");
        assertThat(operator.post("/api/exports/requests", ask).status()).isEqualTo(403);
        assertRefused(otherDataManager.post("/api/exports/requests", ask), 403, "your own cases");
        assertRefused(dataManager.post("/api/exports/requests", Map.of("cases", List.of(reference))), 400,
                "purpose");
        assertRefused(dataManager.postRaw("/api/exports/requests", "{\"cases\": [\"C-"), 400,
                "not the expected JSON");
        assertThat(leader.get("/api/exports/requests").body()).isEmpty();

        ConsoleClient.Response asked = dataManager.post("/api/exports/requests", ask);
        assertThat(asked.status()).isEqualTo(201);
        assertThat(asked.body().get("status").asString()).isEqualTo("PENDING");
        String id = asked.body().get("id").asString();
        String requestPath = "/api/exports/requests/" + id;

        assertRefused(dataManager.getText(requestPath + "/download").status(), 409);
        assertThat(dataManager.post(requestPath + "/approve", Map.of()).status()).isEqualTo(403);
        assertThat(otherDataManager.post(requestPath + "/approve", Map.of()).status()).isEqualTo(403);
        assertThat(otherDataManager.get(requestPath).status()).isEqualTo(404);

        // The leader's own request waits for another leader.
        ConsoleClient.Response leadersOwn = leader.post("/api/exports/requests", ask);
        assertThat(leadersOwn.status()).isEqualTo(201);
        assertRefused(leader.post("/api/exports/requests/" + leadersOwn.body().get("id").asString() + "/approve",
                Map.of("note", "fine")), 403, "nobody decides their own");

        assertRefused(otherLeader.post(requestPath + "/reject", Map.of()), 400, "say why");
        ConsoleClient.Response approved = leader.post(requestPath + "/approve", Map.of("note", "consent checked"));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body().get("status").asString()).isEqualTo("APPROVED");
        assertThat(approved.body().get("decidedBy").asString()).isEqualTo("leader");
        assertRefused(otherLeader.post(requestPath + "/approve", Map.of()), 409, "already approved");

        assertThat(otherDataManager.getText(requestPath + "/download").status()).isEqualTo(404);
        assertThat(otherLeader.getText(requestPath + "/download").status()).isEqualTo(403);

        ConsoleClient.Text file = dataManager.getText(requestPath + "/download?format=csv");
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
        assertThat(file.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(file.body()).contains(reference).contains("Testfirst Fakename").contains(",'=Fakename,")
                .contains("INCLUDED");
        assertThat(dataManager.getText(requestPath + "/download?format=json").status()).isEqualTo(200);
        assertThat(dataManager.getText(requestPath + "/download").status()).isEqualTo(200);
        assertRefused(dataManager.getText(requestPath + "/download").status(), 409);
        assertThat(dataManager.get(requestPath).body().get("downloads").asInt()).isEqualTo(3);

        assertThat(dataManager.get("/api/exports/requests/not-a-uuid").status()).isEqualTo(404);
        assertThat(leader.post("/api/exports/requests/" + UUID.randomUUID() + "/approve", Map.of()).status())
                .isEqualTo(404);
        assertThat(leader.get("/api/exports/requests").body()).hasSize(2);
    }

    private static void assertRefused(ConsoleClient.Response response, int status, String message) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.body().get("message").asString()).contains(message);
    }

    private static void assertRefused(int actual, int status) {
        assertThat(actual).isEqualTo(status);
    }

    private ConsoleClient login(String user, String password) {
        return ConsoleClient.login(hotline.base(), user, password);
    }

    private static Actor actor(Operators operators, String username) {
        Operator op = operators.byUsername(username).orElseThrow();
        return new Actor(op.id(), op.username(), op.role());
    }

    private CaseId newCase(Registry registry) {
        UUID report = UUID.randomUUID();
        String code = UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
        hotline.bean(DSLContext.class).insertInto(ONLINE_REPORT)
                .set(ONLINE_REPORT.ID, report)
                .set(ONLINE_REPORT.REFERENCE, "R-" + code.substring(0, 4) + "-" + code.substring(4, 8))
                .set(ONLINE_REPORT.LANGUAGE, "en")
                .set(ONLINE_REPORT.ANONYMOUS, true)
                .set(ONLINE_REPORT.CONTACT_CONSENT, false)
                .set(ONLINE_REPORT.SUBMITTED_AT, java.time.OffsetDateTime.now(ZoneOffset.UTC))
                .execute();
        return registry.receive(new CaseSource.Online(report), new CaseFacts("FEMALE", 30, "JM", null,
                null, null, List.of("LABOUR")), null).id();
    }
}
