package org.tiphotline.console.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/** The quarterly statistics over HTTP: who may read them, the JSON and CSV shapes, and a 400 for every bad ask. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatisticsApiTest {

    @TempDir
    static Path data;

    private RunningHotline hotline;
    private String path;

    @BeforeAll
    void start() {
        hotline = RunningHotline.start(data);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        DSLContext db = hotline.bean(DSLContext.class);
        // Twelve women and three men registered this quarter; no personal data at all.
        for (int i = 0; i < 15; i++) {
            db.insertInto(REGISTRY_CASE)
                    .set(REGISTRY_CASE.ID, UUID.randomUUID())
                    .set(REGISTRY_CASE.REFERENCE, String.format("C-%d-9%05d", now.getYear(), i))
                    .set(REGISTRY_CASE.STATUS, "POTENTIAL")
                    .set(REGISTRY_CASE.SEX, i < 12 ? "FEMALE" : "MALE")
                    .set(REGISTRY_CASE.AGE, (short) 30)
                    .set(REGISTRY_CASE.EXPLOITATION_TYPES, new String[] {"LABOUR"})
                    .set(REGISTRY_CASE.FORM_VERSION, 1)
                    .set(REGISTRY_CASE.CREATED_AT, now)
                    .set(REGISTRY_CASE.UPDATED_AT, now)
                    .execute();
        }
        path = "/api/statistics/quarterly?year=" + now.getYear() + "&quarter=" + (1 + (now.getMonthValue() - 1) / 3);
    }

    @AfterAll
    void stop() {
        hotline.close();
    }

    @Test
    void dataManagersAndTheirLeaderReadTheTableWithSmallCellsWithheld() {
        for (String user : new String[] {"datamanager", "leader"}) {
            ConsoleClient.Response response = login(user).get(path);
            assertThat(response.status()).as(user).isEqualTo(200);
            JsonNode report = response.body();
            assertThat(report.get("cases").asInt()).isEqualTo(15);
            assertThat(report.get("smallCellThreshold").asInt()).isEqualTo(10);
            JsonNode total = line(report, "ageBand", "TOTAL");
            // 15 is no small count; the 3 men are withheld, and the 12 women with them, or 15 - 12 would give 3.
            assertThat(total.get("TOTAL").asInt()).isEqualTo(15);
            assertThat(total.get("MALE").asString()).isEqualTo("suppressed");
            assertThat(total.get("FEMALE").asString()).isEqualTo("suppressed");
            assertThat(line(report, "exploitationType", "LABOUR").get("MALE").asString()).isEqualTo("suppressed");
            assertThat(report.get("notes").toString()).contains("counts once in each");
            assertThat(response.body().toString()).doesNotContain(":3,").doesNotContain(":3}");
        }
    }

    @Test
    void theCsvIsAnAttachment() {
        ConsoleClient.Text csv = login("datamanager").getText(path + "&format=csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment")
                .contains("registry-statistics-");
        assertThat(csv.body()).startsWith("table,row,FEMALE,MALE,").contains("Cases by age band and sex,25-34,")
                .contains("suppressed");
    }

    @Test
    void everyoneElseIsRefused() {
        for (String user : new String[] {"operator", "supervisor", "admin", "reporter"}) {
            ConsoleClient client = login(user);
            assertThat(client.get(path).status()).as(user).isEqualTo(403);
            assertThat(client.getText("/statistics.html").status()).as(user).isEqualTo(403);
        }
        assertThat(login("datamanager").getText("/statistics.html").status()).isEqualTo(200);
    }

    @Test
    void badQuestionsAreAnswered400WithAReason() {
        ConsoleClient dataManager = login("datamanager");
        assertRefused(dataManager.get("/api/statistics/quarterly?year=2026&quarter=5"), "quarter must be 1, 2, 3 or 4");
        assertRefused(dataManager.get("/api/statistics/quarterly?year=1800&quarter=1"), "year must be between");
        assertRefused(dataManager.get("/api/statistics/quarterly?year=twenty&quarter=1"), "'year'");
        assertRefused(dataManager.get("/api/statistics/quarterly?year=2026"), "'quarter'");
        assertRefused(dataManager.get(path + "&format=xlsx"), "format must be csv or json");
    }

    private static JsonNode line(JsonNode report, String table, String label) {
        for (JsonNode t : report.get("tables")) {
            if (t.get("name").asString().equals(table)) {
                for (JsonNode row : t.get("rows")) {
                    if (row.get("label").asString().equals(label)) {
                        return row.get("counts");
                    }
                }
            }
        }
        throw new AssertionError(table + " has no line " + label);
    }

    private static void assertRefused(ConsoleClient.Response response, String message) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("message").asString()).contains(message);
    }

    private ConsoleClient login(String user) {
        return ConsoleClient.login(hotline.base(), user, user + "-demo");
    }
}
