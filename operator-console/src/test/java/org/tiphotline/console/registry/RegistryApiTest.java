package org.tiphotline.console.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import tools.jackson.databind.JsonNode;

/**
 * The registry over HTTP with the whole application: a hotline report submitted on the simulated line becomes a
 * potential case the call log points to; each registry endpoint refuses every role but data managers; a data
 * manager sees personal fields only of the cases assigned to them.
 */
class RegistryApiTest {

    @TempDir
    Path data;

    private RunningHotline hotline;

    @BeforeEach
    void start() {
        hotline = RunningHotline.start(data, Map.of());
        Operators operators = hotline.bean(Operators.class);
        PasswordEncoder passwords = hotline.bean(PasswordEncoder.class);
        operators.create("reporter1", "Test Agency Reporter (fake)", passwords.encode("reporter1-test"),
                Role.AGENCY_REPORTER, List.of(), null);
        operators.create("datamanager2", "Second Test Data Manager (fake)", passwords.encode("datamanager2-test"),
                Role.DATA_MANAGER, List.of(), null);
    }

    @AfterEach
    void stop() {
        hotline.close();
    }

    @Test
    void aSubmittedHotlineReportIsAPotentialCaseThatTheCallLogPointsTo() throws Exception {
        String caseId = submittedHotlineCase();
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        JsonNode c = leader.get("/api/cases/" + caseId).body().get("case");
        assertThat(c.get("status").asString()).isEqualTo("POTENTIAL");
        assertThat(c.get("values").get("exploitationTypes").get(0).asString()).isEqualTo("LABOUR");
        String call = c.get("sources").get(0).get("call").asString();

        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        assertThat(supervisor.get("/api/calllog/" + call).body().get("summary").get("caseReference").asString())
                .isEqualTo(c.get("reference").asString());
    }

    @Test
    void everyRegistryEndpointRefusesEveryoneButDataManagers() throws Exception {
        String caseId = submittedHotlineCase();
        Map<String, String> outsiders = Map.of("operator", "operator-demo", "supervisor", "supervisor-demo",
                "admin", "admin-demo", "reporter1", "reporter1-test");
        for (Map.Entry<String, String> who : outsiders.entrySet()) {
            ConsoleClient outsider = ConsoleClient.login(hotline.base(), who.getKey(), who.getValue());
            for (String path : List.of("/api/cases", "/api/cases/" + caseId, "/api/cases/" + caseId + "/history",
                    "/api/cases/" + caseId + "/candidates", "/api/forms/case", "/registry.html", "/js/registry.js")) {
                assertThat(outsider.get(path).status()).as(who.getKey() + " GET " + path).isEqualTo(403);
            }
            assertThat(outsider.put("/api/cases/" + caseId + "/fields/firstNames", Map.of("value", "x")).status())
                    .as(who.getKey()).isEqualTo(403);
            for (String action : List.of("status", "assign", "consent", "merge", "relate")) {
                assertThat(outsider.post("/api/cases/" + caseId + "/" + action, Map.of()).status())
                        .as(who.getKey() + " POST " + action).isEqualTo(403);
            }
        }
    }

    @Test
    void aDataManagerSeesPersonalFieldsOnlyOfTheirOwnCases() throws Exception {
        String caseId = submittedHotlineCase();
        ConsoleClient mine = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        ConsoleClient other = ConsoleClient.login(hotline.base(), "datamanager2", "datamanager2-test");

        assertThat(mine.put("/api/cases/" + caseId + "/fields/firstNames", Map.of("value", "Testfirst")).status())
                .as("not theirs yet").isEqualTo(403);
        JsonNode taken = mine.post("/api/cases/" + caseId + "/assign", Map.of("to", "datamanager")).body();
        assertThat(taken.get("case").get("assignedName").asString()).isEqualTo("Demo Data Manager");
        assertThat(other.post("/api/cases/" + caseId + "/assign", Map.of("to", "datamanager2")).status())
                .as("taken already").isEqualTo(403);
        assertThat(mine.put("/api/cases/" + caseId + "/fields/firstNames", Map.of("value", "Testfirst Fakevictim"))
                .status()).isEqualTo(200);
        ConsoleClient.Response refusedAge = mine.put("/api/cases/" + caseId + "/fields/age", Map.of("value", 300));
        assertThat(refusedAge.status()).isEqualTo(400);
        assertThat(refusedAge.body().get("kept").asBoolean()).as("what was typed is kept with the case").isTrue();
        assertThat(refusedAge.body().get("fields").get("age").asString()).isEqualTo("must be 120 or less");
        assertThat(mine.put("/api/cases/" + caseId + "/fields/remarks", Map.of("value", "Testvictim <b>Fakename"))
                .body().get("kept").asBoolean()).isTrue();

        assertThat(mine.get("/api/cases/" + caseId).body().get("case").get("values").get("firstNames").asString())
                .isEqualTo("Testfirst Fakevictim");
        JsonNode seenByOther = other.get("/api/cases/" + caseId).body().get("case");
        assertThat(seenByOther.get("personalHidden").asBoolean()).isTrue();
        assertThat(seenByOther.get("values").has("firstNames")).isFalse();
        // Refused text as the values: the statistical field's for every data manager, the personal one not.
        assertThat(seenByOther.get("refused").get("age").get("value").asString()).isEqualTo("300");
        assertThat(seenByOther.get("refused").has("remarks")).isFalse();
        JsonNode mineNow = mine.get("/api/cases/" + caseId).body().get("case");
        assertThat(mineNow.get("refused").get("remarks").get("value").asString()).isEqualTo("Testvictim <b>Fakename");
        assertThat(mineNow.get("values").has("remarks")).as("never one of the case's values").isFalse();
        assertThat(other.get("/api/cases").body()).extracting(x -> x.get("id").asString()).contains(caseId);
        assertThat(other.get("/api/cases").body().toString()).doesNotContain("Fakevictim");

        assertThat(mine.post("/api/cases/" + caseId + "/status", Map.of("status", "CONFIRMED_VICTIM")).status())
                .isEqualTo(409);
        assertThat(mine.post("/api/cases/" + caseId + "/status", Map.of("status", "UNDER_ASSESSMENT")).body()
                .get("case").get("status").asString()).isEqualTo("UNDER_ASSESSMENT");
        assertThat(mine.post("/api/cases/" + caseId + "/status", Map.of("status", "SOMEDAY")).status())
                .isEqualTo(400);
        assertThat(mine.get("/api/cases/00000000-0000-0000-0000-000000000009").status()).isEqualTo(404);
        assertThat(mine.get("/api/cases/not-a-case").status()).isEqualTo(404);
    }

    @Test
    void documentsAreCheckedOnUploadAndOpenOnlyForTheCasesDataManager() throws Exception {
        String caseId = submittedHotlineCase();
        ConsoleClient mine = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        ConsoleClient other = ConsoleClient.login(hotline.base(), "datamanager2", "datamanager2-test");
        mine.post("/api/cases/" + caseId + "/assign", Map.of("to", "datamanager"));
        byte[] pdf = "%PDF-1.4\n% fake medical report (test)\n%%EOF\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        String docs = "/api/cases/" + caseId + "/documents";

        assertThat(mine.postBytes(docs + "?kind=MEDICAL_REPORT", "text/html", "<b>x</b>".getBytes()).status())
                .isEqualTo(415);
        assertThat(mine.postBytes(docs + "?kind=MEDICAL_REPORT", "application/pdf", "<b>x</b>".getBytes())
                .status()).isEqualTo(415);
        assertThat(mine.postBytes(docs + "?kind=RECIPE", "application/pdf", pdf).status()).isEqualTo(400);
        assertThat(mine.postBytes(docs + "?kind=MEDICAL_REPORT", "application/pdf",
                java.util.Arrays.copyOf(pdf, 10 * 1024 * 1024 + 1)).status()).isEqualTo(413);
        assertThat(other.postBytes(docs + "?kind=MEDICAL_REPORT", "application/pdf", pdf).status()).isEqualTo(403);
        assertThat(mine.get(docs).body()).isEmpty();

        ConsoleClient.Response attached = mine.postBytes(docs + "?kind=MEDICAL_REPORT", "application/pdf", pdf);
        assertThat(attached.status()).isEqualTo(201);
        String document = attached.body().get("id").asString();
        assertThat(other.get(docs).body()).extracting(d -> d.get("kind").asString()).containsExactly("MEDICAL_REPORT");

        var file = mine.download(docs + "/" + document);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(pdf);
        assertThat(file.headers().firstValue("Content-Type")).contains("application/pdf");
        assertThat(file.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment;");
        assertThat(other.download(docs + "/" + document).statusCode()).isEqualTo(403);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(operator.download(docs + "/" + document).statusCode()).isEqualTo(403);
        assertThat(mine.download(docs + "/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
    }

    @Test
    void aCallerGivingTheirOnlineCodeJoinsThatCaseAndTheOperatorIsToldNothingEitherWay() throws Exception {
        org.tiphotline.console.testing.PublicVisitor visitor = new org.tiphotline.console.testing.PublicVisitor(
                hotline.base(), "127.0.0.7");
        visitor.openForm();
        String code = visitor.post("/api/public/reports", Map.of("language", "en", "answers", Map.of(
                "traffickingTypes", List.of("LABOUR"), "anonymous", true))).body().get("reference").asString();
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        JsonNode found = leader.get("/api/cases?reference=" + code.toLowerCase(java.util.Locale.ROOT)).body();
        assertThat(found).hasSize(1);
        String caseId = found.get(0).get("id").asString();
        int cases = leader.get("/api/cases").body().size();

        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(operator.get("/api/forms/hotline").body()).anyMatch(f -> f.get("name").asString()
                .equals("earlierReference"));
        JsonNode pop = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"));
        String report = pop.get("report").asString();
        assertThat(operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null)
                .status()).isEqualTo(204);
        operator.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"));
        ConsoleClient.Response refused = operator.put("/api/reports/" + report + "/fields/earlierReference",
                Map.of("value", "R-1/2"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("fields").has("earlierReference")).isTrue();
        assertThat(operator.put("/api/reports/" + report + "/fields/earlierReference", Map.of("value", code))
                .status()).isEqualTo(200);
        ConsoleClient.Response joined = operator.post("/api/reports/" + report + "/submit", null);
        assertThat(joined.status()).isEqualTo(200);

        String other = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"))
                .get("report").asString();
        operator.put("/api/reports/" + other + "/fields/situation", Map.of("value", "POTENTIAL"));
        operator.put("/api/reports/" + other + "/fields/earlierReference", Map.of("value", "R-2345-6789"));
        ConsoleClient.Response opened = operator.post("/api/reports/" + other + "/submit", null);
        assertThat(opened.status()).isEqualTo(200);
        // The same answer, field for field: nothing says whether a case has that reference.
        assertThat(fieldNames(joined.body())).isEqualTo(fieldNames(opened.body()));
        assertThat(joined.body().toString()).doesNotContain("C-20");

        JsonNode c = await(() -> {
            JsonNode one = leader.get("/api/cases/" + caseId).body().get("case");
            return one.get("sources").size() == 2 ? one : null;
        });
        assertThat(c.get("sources").get(1).get("channel").asString()).isEqualTo("HOTLINE");
        assertThat(c.get("sources").get(1).get("report").asString()).isEqualTo(report);
        JsonNode history = leader.get("/api/cases/" + caseId + "/history").body();
        assertThat(history.get(history.size() - 1).get("type").asString()).isEqualTo("SOURCE_LINKED");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        String call = c.get("sources").get(1).get("call").asString();
        assertThat(supervisor.get("/api/calllog/" + call).body().get("summary").get("caseReference").asString())
                .isEqualTo(c.get("reference").asString());

        // The unknown code opened a case of its own, which says so.
        JsonNode newCase = await(() -> {
            JsonNode all = leader.get("/api/cases").body();
            return all.size() == cases + 1 ? all.get(0) : null;
        });
        JsonNode created = leader.get("/api/cases/" + newCase.get("id").asString() + "/history").body().get(0);
        assertThat(created.get("detail").get("earlierReference").asString()).isEqualTo("R-2345-6789");
        assertThat(created.get("detail").get("earlierReferenceFound").asBoolean()).isFalse();

        // And a data manager moves that report back out into the other case, over HTTP.
        ConsoleClient mine = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        String path = "/api/cases/" + caseId + "/sources/" + report + "/move";
        assertThat(mine.post(path, Map.of("to", newCase.get("reference").asString(), "note", "another site (fake)"))
                .status()).as("not their cases").isEqualTo(403);
        mine.post("/api/cases/" + caseId + "/assign", Map.of("to", "datamanager"));
        mine.post("/api/cases/" + newCase.get("id").asString() + "/assign", Map.of("to", "datamanager"));
        ConsoleClient.Response moved = mine.post(path, Map.of("to", newCase.get("reference").asString(),
                "note", "another site (fake)"));
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.body().get("case").get("sources")).hasSize(1);
        assertThat(mine.get("/api/cases/" + newCase.get("id").asString()).body().get("case").get("sources"))
                .hasSize(2);
        assertThat(mine.post("/api/cases/" + caseId + "/sources/" + report + "/move", Map.of("to", "C-1999-999999",
                "note", "x")).status()).isEqualTo(404);
    }

    private static java.util.Set<String> fieldNames(JsonNode submitted) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        submitted.get("values").propertyNames().forEach(names::add);
        submitted.propertyNames().forEach(n -> names.add("report." + n));
        return names;
    }

    private static JsonNode await(java.util.concurrent.Callable<JsonNode> check) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode found = check.call();
            if (found != null) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not there in time");
    }

    /**
     * A hotline report's personal fields follow its case's rule over HTTP too: another data manager reads what it
     * says without naming anyone and is told the rest is hidden; the case's data manager and the leader read it
     * all, and each of their reads is an audit row.
     */
    @Test
    void aHotlineReportsPersonalFieldsAreOnlyForItsCasesDataManagerAndTheLeader() throws Exception {
        String[] reportAndCase = submittedHotlineReport(Map.of("victimDetails", "Testfirst Fakevictim (fake)"));
        String report = "/api/reports/" + reportAndCase[0];
        ConsoleClient mine = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        ConsoleClient other = ConsoleClient.login(hotline.base(), "datamanager2", "datamanager2-test");
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        mine.post("/api/cases/" + reportAndCase[1] + "/assign", Map.of("to", "datamanager"));

        ConsoleClient.Response seenByOther = other.get(report);
        assertThat(seenByOther.status()).isEqualTo(200);
        assertThat(seenByOther.body().get("report").get("personalHidden").asBoolean()).isTrue();
        assertThat(seenByOther.body().get("report").get("values").get("traffickingTypes").get(0).asString())
                .isEqualTo("LABOUR");
        assertThat(seenByOther.body().toString()).doesNotContain("Fakevictim").doesNotContain("victimDetails");
        for (ConsoleClient reader : List.of(mine, leader)) {
            JsonNode seen = reader.get(report).body().get("report");
            assertThat(seen.get("personalHidden").asBoolean()).isFalse();
            assertThat(seen.get("values").get("victimDetails").asString()).isEqualTo("Testfirst Fakevictim (fake)");
        }

        org.jooq.DSLContext db = hotline.bean(org.jooq.DSLContext.class);
        var audit = org.tiphotline.db.Tables.AUDIT_LOG;
        assertThat(db.select(audit.ACTOR).from(audit).where(audit.ENTITY.eq("hotline_report"))
                .and(audit.ENTITY_ID.eq(reportAndCase[0])).and(audit.ACTION.eq("READ"))
                .and(audit.ACTOR.ne("operator")).fetch(audit.ACTOR)).containsExactly("datamanager", "leader");
    }

    /** An operator answers a simulated call, fills and submits the report; returns the case it became. */
    private String submittedHotlineCase() throws Exception {
        return submittedHotlineReport(Map.of())[1];
    }

    /** As {@link #submittedHotlineCase}, with these fields filled too; returns the report's id and its case's. */
    private String[] submittedHotlineReport(Map<String, Object> fields) throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"));
        String report = pop.get("report").asString();
        operator.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"));
        operator.put("/api/reports/" + report + "/fields/traffickingTypes", Map.of("value", List.of("LABOUR")));
        fields.forEach((field, value) -> assertThat(operator.put("/api/reports/" + report + "/fields/" + field,
                Map.of("value", value)).status()).as(field).isEqualTo(200));
        assertThat(operator.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        return new String[] {report, org.tiphotline.console.testing.RegistryCases.caseOf(hotline.base(), report)};
    }
}
