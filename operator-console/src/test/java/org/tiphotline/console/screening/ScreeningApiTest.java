package org.tiphotline.console.screening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * The screening form over HTTP: an agency reporter submits and gets a receipt (no data back), the registry has a
 * potential case from it, and the reporter can reach nothing else; nobody else can submit one.
 */
class ScreeningApiTest {

    @TempDir
    Path data;

    private RunningHotline hotline;

    @BeforeEach
    void start() {
        hotline = RunningHotline.start(data, Map.of());
    }

    @AfterEach
    void stop() {
        hotline.close();
    }

    @Test
    void aReporterGetsAReceiptAndTheRegistryAPotentialCase() {
        ConsoleClient reporter = ConsoleClient.login(hotline.base(), "reporter", "reporter-demo");
        Map<String, Object> form = Map.of("situation", "OCCURRED", "victimSex", "FEMALE", "victimAge", 16,
                "traffickingTypes", List.of("DOMESTIC_LABOUR"), "reporterName", "Testnurse Fakename",
                "locationDetail", "the fake house on Testlane");
        ConsoleClient.Response sent = reporter.post("/api/screenings", form);
        assertThat(sent.status()).isEqualTo(201);
        assertThat(sent.body().propertyNames()).containsExactlyInAnyOrder("reference", "submittedAt");
        String reference = sent.body().get("reference").asString();
        assertThat(reporter.get("/api/screenings/receipts").body().toString()).contains(reference)
                .doesNotContain("Testnurse").doesNotContain("Testlane").doesNotContain("DOMESTIC");

        ConsoleClient.Response refused = reporter.post("/api/screenings", Map.of("victimAge", "old"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("fields").propertyNames()).contains("situation", "victimAge");

        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        JsonNode cases = leader.get("/api/cases").body();
        assertThat(cases).hasSize(1);
        JsonNode c = leader.get("/api/cases/" + cases.get(0).get("id").asString()).body().get("case");
        assertThat(c.get("sources").get(0).get("channel").asString()).isEqualTo("SCREENING");
        assertThat(c.get("values").get("age").asInt()).isEqualTo(16);

        // What the agent reported stays readable for the case's data managers, the personal part for its own only.
        String source = "/api/cases/" + c.get("id").asString() + "/sources/" + c.get("sources").get(0).get("report")
                .asString();
        JsonNode asLeader = leader.get(source).body();
        assertThat(asLeader.get("values").get("reporterName").asString()).isEqualTo("Testnurse Fakename");
        assertThat(asLeader.get("values").get("victimAge").asString()).isEqualTo("16");
        ConsoleClient dataManager = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        JsonNode asOther = dataManager.get(source).body();
        assertThat(asOther.get("personalHidden").asBoolean()).isTrue();
        assertThat(asOther.get("values").has("reporterName")).isFalse();
        assertThat(asOther.get("values").get("situation").asString()).isEqualTo("OCCURRED");
        assertThat(reporter.get(source).status()).isEqualTo(403);
        assertThat(leader.get("/api/cases/" + c.get("id").asString() + "/sources/"
                + java.util.UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void aReporterReachesNothingElseAndOthersCannotSubmitScreenings() {
        ConsoleClient reporter = ConsoleClient.login(hotline.base(), "reporter", "reporter-demo");
        for (String path : List.of("/api/cases", "/api/calllog", "/api/reports/drafts", "/api/forms/hotline",
                "/api/escalations", "/api/liaison/escalations", "/api/directory", "/api/sim/calls", "/api/operators",
                "/console.html", "/supervisor.html", "/registry.html", "/liaison.html")) {
            assertThat(reporter.get(path).status()).as(path).isEqualTo(403);
        }
        assertThat(reporter.get("/screening.html").status()).isEqualTo(200);
        for (String[] other : new String[][] {{"operator", "operator-demo"}, {"leader", "leader-demo"},
                {"supervisor", "supervisor-demo"}}) {
            ConsoleClient someone = ConsoleClient.login(hotline.base(), other[0], other[1]);
            assertThat(someone.post("/api/screenings", Map.of("situation", "POTENTIAL")).status()).as(other[0])
                    .isEqualTo(403);
            assertThat(someone.get("/screening.html").status()).as(other[0]).isEqualTo(403);
        }
    }
}
