package org.tiphotline.console.trail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.SIGN_IN_EVENT;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RegistryCases;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;

/**
 * The trail's API at the HTTP edge, on a running hotline with real activity: an operator takes a call and submits
 * its report (a fake caller's name in it), the report becomes a case, the leader reads that case many times. The
 * auditor then filters by person, case, call, action and period, pages through hundreds of rows without a row twice
 * or out of order, reads names and case numbers rather than ids and never a word of the report, and every look is
 * itself a row of the trail. Operators, supervisors, data managers, administrators and the wall display are refused;
 * bad filters are 400s that say what is wrong and leave no row behind.
 */
class TrailApiTest {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-");
    private static final ZoneId HOTLINE_ZONE = ZoneId.of("America/Jamaica");
    private static final int LEADER_READS = 40;

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static DSLContext db;
    private static ConsoleClient auditor;
    private static String call;
    private static String otherCall;
    private static String caseReference;

    @BeforeAll
    static void start() throws Exception {
        hotline = RunningHotline.start(data);
        db = hotline.bean(DSLContext.class);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 077", "language", "en",
                "immediateDanger", "NO"));
        call = pop.get("call").asString();
        String report = pop.get("report").asString();
        assertThat(operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null)
                .status()).isEqualTo(204);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("situation", "POTENTIAL");
        fields.put("traffickingTypes", List.of("LABOUR"));
        fields.put("contactConsent", true);
        fields.put("contactFirstName", "Testfirst");
        fields.put("contactLastName", "Fakecallertrail");
        fields.forEach((field, value) -> assertThat(operator.put("/api/reports/" + report + "/fields/" + field,
                Map.of("value", value)).status()).as(field).isEqualTo(200));
        assertThat(operator.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        caseReference = RegistryCases.referenceOf(db, report);
        String caseId = db.fetchValue("select id::text from hotline.registry_case where reference = ?", caseReference)
                .toString();
        // A second call, of no case: the call filter must leave it out.
        JsonNode other = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"));
        otherCall = other.get("call").asString();
        operator.post("/api/sim/calls/" + other.get("providerCallId").asString() + "/operator-hangup", null);
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        // A name in the case: each read of it is then a read of personal data, audited.
        assertThat(leader.put("/api/cases/" + caseId + "/fields/firstNames", Map.of("value",
                "Testfirst Fakecasetrail")).status()).isEqualTo(200);
        for (int i = 0; i < LEADER_READS; i++) {
            assertThat(leader.get("/api/cases/" + caseId).status()).isEqualTo(200);
        }
        auditor = ConsoleClient.login(hotline.base(), "auditor", "auditor-demo");
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    private static JsonNode ok(String path) {
        ConsoleClient.Response r = auditor.get(path);
        assertThat(r.status()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static List<JsonNode> rows(JsonNode page) {
        List<JsonNode> rows = new ArrayList<>();
        page.get("rows").forEach(rows::add);
        return rows;
    }

    /** Every page of a filter, walked with its cursors. */
    private static List<JsonNode> allPages(String filter, int limit) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok("/api/trail?" + filter + "&limit=" + limit + (cursor == null ? "" : "&cursor="
                    + cursor));
            List<JsonNode> rows = rows(page);
            assertThat(rows.size()).isLessThanOrEqualTo(limit);
            all.addAll(rows);
            // The API leaves out what is null: no "next" on the last page.
            cursor = text(page, "next");
            if (cursor != null) {
                assertThat(rows).hasSize(limit);
            }
            pages++;
            assertThat(pages).as("pages end").isLessThan(1000);
        } while (cursor != null);
        return all;
    }

    @Test
    void theFiltersOfferPeopleByNameAndActionsInWords() {
        JsonNode options = ok("/api/trail/options");
        List<String> names = new ArrayList<>();
        options.get("people").forEach(p -> names.add(p.get("name").asString()));
        assertThat(names).contains("Demo Operator One", "Demo Data Management Leader", "Demo Auditor",
                "The public online form");
        List<String> actions = new ArrayList<>();
        options.get("actions").forEach(a -> actions.add(a.get("name").asString()));
        assertThat(actions).containsExactly("Read", "Created", "Changed", "Exported", "Signed in", "Sign-in refused",
                "Signed out");
        assertThat(options.get("zone").asString()).isEqualTo(HOTLINE_ZONE.getId());
    }

    @Test
    void byPersonTheLeadersReadsOfTheCaseAndSignInAreThereInWordsNewestFirst() {
        List<JsonNode> rows = allPages("person=leader", 100);
        assertThat(rows).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("person").asString()).isEqualTo("leader");
            assertThat(r.get("personName").asString()).isEqualTo("Demo Data Management Leader");
        });
        List<JsonNode> reads = rows.stream().filter(r -> r.get("action").asString().equals("READ")
                && r.get("record").asString().equals("Case " + caseReference)).toList();
        assertThat(reads).hasSize(LEADER_READS).allSatisfy(r -> {
            assertThat(r.get("actionWords").asString()).isEqualTo("Read");
            assertThat(text(r, "caseReference")).isEqualTo(caseReference);
            // The fields read, by the case form's labels: named, never their contents.
            assertThat(r.get("fields").size()).isPositive();
        });
        JsonNode signIn = rows.stream().filter(r -> r.get("action").asString().equals("SIGN_IN")).findFirst()
                .orElseThrow();
        assertThat(signIn.get("actionWords").asString()).isEqualTo("Signed in");
        assertThat(text(signIn, "address")).isEqualTo("127.0.0.1");
        assertNewestFirst(rows);
        assertInWords(rows);
    }

    @Test
    void byCaseOnlyThatCasesRecordsAndNoSignIns() {
        List<JsonNode> rows = allPages("case=" + caseReference.toLowerCase(), 100);
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(text(r, "caseReference"))
                .isEqualTo(caseReference));
        assertThat(rows).noneMatch(r -> r.get("action").asString().startsWith("SIGN"));
        // The report the case was made of is part of it: created by the operator on the call.
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.get("record").asString()).startsWith("Hotline report of the call at ")
                    .endsWith("(case " + caseReference + ")");
            assertThat(r.get("personName").asString()).isEqualTo("Demo Operator One");
        });
        assertInWords(rows);
    }

    @Test
    void byCallThatCallAndItsReportNotTheOtherCall() {
        List<JsonNode> rows = allPages("call=" + call, 100);
        assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(text(r, "call")).isEqualTo(call));
        // The line created the call; its time and the hotline's line name it.
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.get("action").asString()).isEqualTo("CREATE");
            assertThat(r.get("personName").asString()).isEqualTo("The phone line (sim)");
            assertThat(r.get("record").asString()).matches("Call at \\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d{2}:\\d{2} on "
                    + "the line .+");
        });
        assertThat(rows).anySatisfy(r -> assertThat(r.get("record").asString()).startsWith("Hotline report"));
        assertThat(allPages("call=" + otherCall, 100)).noneMatch(r -> call.equals(text(r, "call")));
    }

    @Test
    void byActionAndPeriod() {
        assertThat(allPages("action=sign_in", 100)).isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("action").asString()).isEqualTo("SIGN_IN");
            assertThat(r.get("record").asString()).isEqualTo("Sign-in");
        });
        assertThat(allPages("action=EXPORT", 100)).isEmpty();
        String today = LocalDate.now(HOTLINE_ZONE).toString();
        String tomorrow = LocalDate.now(HOTLINE_ZONE).plusDays(1).toString();
        List<JsonNode> todays = allPages("person=leader&from=" + today + "&to=" + today, 100);
        assertThat(todays).hasSizeGreaterThanOrEqualTo(LEADER_READS + 1);
        assertThat(allPages("person=leader&from=" + tomorrow, 100)).isEmpty();
        assertThat(allPages("person=leader&to=2020-01-01", 100)).isEmpty();
    }

    @Test
    void pagingWalksEveryRowOnceNewestFirstAcrossBothLogs() {
        long audited = db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq("leader"));
        long signIns = db.fetchCount(SIGN_IN_EVENT, SIGN_IN_EVENT.USERNAME.eq("leader"));
        List<JsonNode> small = allPages("person=leader", 7);
        assertThat(small).hasSize((int) (audited + signIns));
        assertNewestFirst(small);
        // No row twice: each has its own instant (the logs' clocks have microseconds) or its own words.
        Set<String> seen = new HashSet<>();
        small.forEach(r -> seen.add(r.toString()));
        assertThat(seen).hasSize(small.size());
        List<JsonNode> one = allPages("person=leader", 100);
        assertThat(small.stream().map(JsonNode::toString).toList())
                .containsExactlyElementsOf(one.stream().map(JsonNode::toString).toList());
        assertThat(small.stream().filter(r -> r.get("action").asString().startsWith("SIGN")).count())
                .isEqualTo(signIns);
    }

    @Test
    void everyLookIsItselfARowSayingWhoLookedWithWhichFilterAndNothingOfTheCase() {
        long before = db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("audit_trail"));
        ok("/api/trail?person=leader&case=" + caseReference + "&action=READ");
        var look = db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("audit_trail")).orderBy(AUDIT_LOG.ID.desc())
                .limit(1).fetchOne();
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("audit_trail"))).isEqualTo(before + 1);
        assertThat(look.getActor()).isEqualTo("auditor");
        assertThat(look.getAction()).isEqualTo("READ");
        assertThat(look.getEntityId()).isEqualTo("person=leader&case=" + caseReference + "&action=READ");
        assertThat(look.getFields()).containsExactly("person", "case", "action");
        // The next look shows the one before in words.
        JsonNode newest = rows(ok("/api/trail?person=auditor&limit=2")).get(1);
        assertThat(newest.get("personName").asString()).isEqualTo("Demo Auditor");
        assertThat(newest.get("record").asString()).isEqualTo("The audit trail: filtered by person leader, case "
                + caseReference + ", action read");
    }

    @Test
    void theAuditorSeesNoWordOfTheReportOrTheCallersNumber() {
        String everything = String.join("\n", allPages("", 100).stream().map(JsonNode::toString).toList());
        assertThat(everything).contains(caseReference).doesNotContain("Fakecallertrail").doesNotContain("Testfirst")
                .doesNotContain("Fakecasetrail")
                .doesNotContain("0100 077").doesNotContain("5550100077");
        // Nor anything else: the registry, the call log, a report, the accounts are all refused.
        for (String path : List.of("/api/cases", "/api/calllog", "/api/calllog/" + call, "/api/admin/users",
                "/api/forms/hotline", "/api/floor", "/api/floor-reports")) {
            assertThat(auditor.get(path).status()).as(path).isEqualTo(403);
        }
    }

    @Test
    void theLeaderReadsItAndNoOtherRoleDoes() {
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        assertThat(leader.get("/api/trail?limit=5").status()).isEqualTo(200);
        assertThat(leader.get("/api/trail/options").status()).isEqualTo(200);
        for (String user : List.of("operator", "supervisor", "datamanager", "admin", "wallboard", "reporter")) {
            ConsoleClient other = ConsoleClient.login(hotline.base(), user, user + "-demo");
            long looks = db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq(user).and(AUDIT_LOG.ENTITY.eq("audit_trail")));
            for (String path : List.of("/api/trail", "/api/trail?person=leader", "/api/trail/options")) {
                ConsoleClient.Response r = other.get(path);
                assertThat(r.status()).as(user + " " + path).isEqualTo(403);
                assertThat(r.body() == null ? "" : r.body().toString()).doesNotContain("Demo Data Management Leader");
            }
            assertThat(other.getText("/trail.html").status()).as(user + " the page").isEqualTo(403);
            assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ACTOR.eq(user).and(AUDIT_LOG.ENTITY.eq("audit_trail"))))
                    .isEqualTo(looks);
        }
    }

    @Test
    void badFiltersAreClearFourHundredsAndLeaveNoRow() {
        long looks = db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("audit_trail"));
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("from=2026-13-01", "'from' must be a date");
        bad.put("to=yesterday", "'to' must be a date");
        bad.put("from=2026-06-02&to=2026-06-01", "the period is reversed");
        bad.put("action=DELETE", "action must be one of read, create, change, export, sign_in");
        bad.put("case=X-1", "case must be a case number");
        bad.put("case=C-2099-999999", "no case has the number C-2099-999999");
        bad.put("call=not-a-call", "call must be a call's id");
        bad.put("call=" + UUID.randomUUID(), "no call has the id");
        bad.put("cursor=garbage", "cursor is malformed");
        bad.put("cursor=1.7.3", "cursor is malformed");
        bad.put("limit=0", "limit must be a whole number from 1 to 100");
        bad.put("limit=1000", "limit must be a whole number from 1 to 100");
        bad.put("limit=ten", "limit must be a whole number from 1 to 100");
        bad.put("person=" + "x".repeat(101), "person must be a username of at most 100 characters");
        bad.put("person=lea%00der", "contains a control character");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            ConsoleClient.Response r = auditor.get("/api/trail?" + b.getKey());
            assertThat(r.status()).as(b.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.body().get("message").asString()).as(b.getKey()).contains(b.getValue());
        }
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("audit_trail"))).as("no look recorded")
                .isEqualTo(looks);
    }

    /** A field's text, null where the API left it out (it leaves out nulls). */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static void assertNewestFirst(List<JsonNode> rows) {
        for (int i = 1; i < rows.size(); i++) {
            OffsetDateTime newer = OffsetDateTime.parse(rows.get(i - 1).get("at").asString());
            OffsetDateTime older = OffsetDateTime.parse(rows.get(i).get("at").asString());
            assertThat(older).as("row " + i).isBeforeOrEqualTo(newer);
        }
    }

    /** Names and records in words: no user id or record id where a person reads. */
    private static void assertInWords(List<JsonNode> rows) {
        for (JsonNode r : rows) {
            List<String> shown = new ArrayList<>(List.of(r.get("personName").asString(), r.get("record").asString(),
                    r.get("actionWords").asString()));
            r.get("fields").forEach(f -> shown.add(f.asString()));
            for (String text : shown) {
                assertThat(text).as(r.toString()).doesNotContainPattern(UUID_TEXT)
                        .doesNotContainPattern("\\b[A-Z]{2,}_[A-Z_]{2,}\\b").doesNotContain("[value=");
            }
        }
    }
}
