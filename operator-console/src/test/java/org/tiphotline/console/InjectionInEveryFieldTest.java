package org.tiphotline.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.fuzz.StoredRecords;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.PublicVisitor;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;

/**
 * SQL and HTML injection strings in every field of every form, one field at a time, through the same endpoints
 * the pages use: the hotline form (operator), the registry case (leader), the screening form (agency reporter) and
 * the public online form. HTML is refused everywhere with a message naming the field; SQL is refused by every
 * field that is not free text, and stored as the very text sent by every free-text field (it is data, never
 * part of a statement); nothing answers 5xx; afterwards the tables are all there and every stored record keeps
 * its rules. The random campaign over the same endpoints is {@code FormEndpointsFuzzTest}; this is the fixed list,
 * every field, every time.
 */
class InjectionInEveryFieldTest {

    static final List<String> SQL = List.of("'; DROP TABLE hotline.hotline_report; --", "' OR '1'='1' --",
            "1); DELETE FROM hotline.registry_case; --", "Fakename'); SELECT pg_sleep(10); --");
    static final List<String> HTML = List.of("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "<!-- fake comment -->", "&lt;b&gt;", "Fake text <a href=javascript:alert(1)>here</a>");

    @TempDir
    static Path data;
    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        // Every field is tried in a form of its own: far more forms than the online form's per-address limit and
        // the screening form's per-user one let one sender send. Raise both out of reach.
        hotline = RunningHotline.start(data, Map.of("hotline.online.reports-per-address", "100000",
                "hotline.screening.submissions-per-user", "100000"));
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    @Test
    void everyFieldOfEveryForm() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        ConsoleClient reporter = ConsoleClient.login(hotline.base(), "reporter", "reporter-demo");
        PublicVisitor visitor = new PublicVisitor(hotline.base(), "127.0.0.9");
        JsonNode onlineForm = visitor.openForm();

        String report = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"))
                .get("report").asString();
        assertThat(reporter.post("/api/screenings", Map.of("situation", "POTENTIAL")).status()).isEqualTo(201);
        String caseId = leader.get("/api/cases").body().get(0).get("id").asString();

        List<String> checked = new ArrayList<>();
        List<String> hotlineChecked = edits(fields(operator.get("/api/forms/hotline").body()), (f, v) -> operator.put(
                "/api/reports/" + report + "/fields/" + f, Map.of("value", v)),
                f -> operator.get("/api/reports/" + report).body().get("report").get("values").get(f));
        List<String> caseChecked = edits(fields(leader.get("/api/forms/case").body()), (f, v) -> leader.put(
                "/api/cases/" + caseId + "/fields/" + f, Map.of("value", v)),
                f -> leader.get("/api/cases/" + caseId).body().get("case").get("values").get(f));
        List<String> screeningChecked = edits(fields(reporter.get("/api/forms/screening").body()), (f, v) -> {
            Map<String, Object> form = new LinkedHashMap<>();
            form.put("situation", "POTENTIAL");
            form.put(f, v);
            return reporter.post("/api/screenings", form);
        }, f -> newestSource(leader).get(f));
        List<String> onlineChecked = edits(fields(onlineForm.get("fields")), (f, v) -> {
            Map<String, Object> answers = new LinkedHashMap<>();
            answers.put("description", "Fake report for the injection test");
            answers.put(f, v);
            PublicVisitor.Answer a = visitor.post("/api/public/reports", Map.of("language", "en", "answers",
                    answers));
            return new ConsoleClient.Response(a.status(), a.body());
        }, f -> newestSource(leader).get(f));

        for (List<String> form : List.of(hotlineChecked, caseChecked, screeningChecked, onlineChecked)) {
            assertThat(form).as("free-text fields that kept the SQL as text").anyMatch(f -> f.endsWith(" stored"));
            checked.addAll(form);
        }
        // Fields added since the list was first written are in it: the standard format's "other, specify" texts and
        // C.7/C.8 places (free text, stored as sent), C.10's yes/no, and the hotline form's earlier reference (a
        // code: SQL text is refused like markup).
        assertThat(caseChecked).contains("recruitmentContactOther stored", "expectedActivitiesOther stored",
                "entryPlace stored", "destinationPlace stored", "activitiesOther stored",
                "exploitationPreventedOther stored", "corroborationOther stored", "transitEngagedInActivity");
        assertThat(hotlineChecked).contains("earlierReference");
        assertThat(checked).as("fields checked").hasSizeGreaterThan(100);
        System.out.println("injection: " + checked.size() + " fields, SQL kept as text in "
                + checked.stream().filter(f -> f.endsWith(" stored")).count());
        for (String table : List.of("call", "hotline_report", "registry_case", "case_source", "screening_report",
                "online_report", "audit_log")) {
            assertThat(HotlineFlowTest.count(hotline.bean(javax.sql.DataSource.class),
                    "select count(*) from hotline." + table)).as(table).isPositive();
        }
        assertThat(new StoredRecords(hotline).violations()).isEmpty();
    }

    interface Send {
        ConsoleClient.Response send(String field, String value) throws Exception;
    }

    /** Sends every string to every field; returns each field checked, marked "stored" where SQL text was kept. */
    private static List<String> edits(List<JsonNode> fields, Send send, Function<String, JsonNode> readBack)
            throws Exception {
        List<String> checked = new ArrayList<>();
        for (JsonNode field : fields) {
            String name = field.get("name").asString();
            boolean text = field.get("kind").asString().equals("TEXT");
            int max = field.get("maxLength").asInt();
            boolean stored = false;
            for (String html : HTML) {
                ConsoleClient.Response r = send.send(name, html);
                assertThat(r.status()).as("%s = %s answered %s", name, html, r.body()).isEqualTo(400);
                assertThat(r.body().get("fields").has(name)).as("%s: the message names the field: %s", name,
                        r.body()).isTrue();
            }
            for (String sql : SQL) {
                ConsoleClient.Response r = send.send(name, sql);
                if (!text || sql.length() > max) {
                    assertThat(r.status()).as("%s = %s answered %s", name, sql, r.body()).isEqualTo(400);
                    continue;
                }
                // A free-text field of the online form may still be refused for another rule of the form (contact
                // details without consent): then it is a clear 400 naming that rule, and nothing is stored.
                assertThat(r.status()).as("%s = %s answered %s", name, sql, r.body()).isIn(200, 201, 400);
                if (r.status() != 400) {
                    JsonNode kept = readBack.apply(name);
                    assertThat(kept).as("%s accepted but not stored", name).isNotNull();
                    assertThat(kept.asString()).as("%s stored as sent", name).isEqualTo(sql);
                    stored = true;
                }
            }
            checked.add(stored ? name + " stored" : name);
        }
        return checked;
    }

    /** The values of the report behind the newest case, as its data manager (the leader) reads them. */
    private static JsonNode newestSource(ConsoleClient leader) {
        JsonNode c = leader.get("/api/cases/" + leader.get("/api/cases").body().get(0).get("id").asString()).body()
                .get("case");
        JsonNode source = c.get("sources").get(0);
        return leader.get("/api/cases/" + c.get("id").asString() + "/sources/" + source.get("report").asString())
                .body().get("values");
    }

    private static List<JsonNode> fields(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
