package org.tiphotline.console.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.PublicVisitor;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestDirectory;
import org.tiphotline.idempotency.IdempotentRequests;
import tools.jackson.databind.JsonNode;

/**
 * Every create endpoint over real HTTP with an {@code Idempotency-Key}: the same request twice makes one record
 * (counted in PostgreSQL) and gets the same status and body; concurrent duplicates make one; the key with another
 * body is a 422 that creates nothing; a refused first try frees the key; keys belong to their user or session;
 * nothing of the answer is stored in clear; expired keys are swept.
 */
class IdempotentCreatesTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static ConsoleClient reporter;
    private static ConsoleClient leader;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new LinkedHashMap<>();
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", null,
                "EMAIL duty@police.example.test");
        hotline = RunningHotline.start(data, settings);
        reporter = ConsoleClient.login(hotline.base(), "reporter", "reporter-demo");
        leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void aScreeningSentTwiceWithOneKeyIsOneReceiptAndOneCase() {
        int screenings = count("select count(*) from hotline.screening_report");
        int cases = count("select count(*) from hotline.registry_case");
        Map<String, String> key = key();
        ConsoleClient.Text first = reporter.postWith("/api/screenings", screening(15), key);
        ConsoleClient.Text second = reporter.postWith("/api/screenings", screening(15), key);
        assertSameAnswer(first, second, 201);
        assertThat(first.headers().firstValue(IdempotencyKeys.REPLAYED)).isEmpty();
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(screenings + 1);
        assertThat(count("select count(*) from hotline.registry_case")).isEqualTo(cases + 1);

        // A new key is a new submission, as before.
        assertThat(reporter.postWith("/api/screenings", screening(15), key()).status()).isEqualTo(201);
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(screenings + 2);
    }

    @Test
    void concurrentDuplicatesCreateOnceAndAllGetTheFirstAnswer() throws Exception {
        int screenings = count("select count(*) from hotline.screening_report");
        Map<String, String> key = key();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ConsoleClient.Text>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                answers.add(pool.submit((Callable<ConsoleClient.Text>) () -> {
                    go.await();
                    return reporter.postWith("/api/screenings", screening(14), key);
                }));
            }
            go.countDown();
            List<ConsoleClient.Text> texts = new ArrayList<>();
            for (Future<ConsoleClient.Text> answer : answers) {
                texts.add(answer.get());
            }
            for (ConsoleClient.Text text : texts) {
                assertThat(text.status()).isEqualTo(201);
                assertThat(text.body()).isEqualTo(texts.get(0).body());
            }
            assertThat(texts.stream().filter(t -> t.headers().firstValue(IdempotencyKeys.REPLAYED).isEmpty()))
                    .as("exactly one request ran").hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(screenings + 1);
    }

    @Test
    void theKeyWithAnotherBodyIs422AndCreatesNothing() {
        Map<String, String> key = key();
        assertThat(reporter.postWith("/api/screenings", screening(15), key).status()).isEqualTo(201);
        int screenings = count("select count(*) from hotline.screening_report");
        ConsoleClient.Text other = reporter.postWith("/api/screenings", screening(16), key);
        assertThat(other.status()).isEqualTo(422);
        JsonNode body = ConsoleClient.parse(other.body());
        assertThat(body.get("error").asString()).isEqualTo("idempotency_key_reused");
        assertThat(body.get("message").asString()).contains("different request", "new key");
        ConsoleClient.Text elsewhere = leader.postWith("/api/exports/requests", Map.of("cases", List.of("C-x")), key);
        assertThat(elsewhere.status()).as("another user's key space: not a reuse").isNotEqualTo(422);
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(screenings);

        ConsoleClient.Text malformed = reporter.postWith("/api/screenings", screening(15),
                Map.of("Idempotency-Key", "x".repeat(256)));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).contains("Idempotency-Key");
    }

    @Test
    void aRefusedFirstTryFreesTheKeyForTheCorrectedForm() {
        int screenings = count("select count(*) from hotline.screening_report");
        Map<String, String> key = key();
        Map<String, Object> wrong = new LinkedHashMap<>(screening(15));
        wrong.put("victimAge", -5);
        assertThat(reporter.postWith("/api/screenings", wrong, key).status()).isEqualTo(400);
        ConsoleClient.Text corrected = reporter.postWith("/api/screenings", screening(15), key);
        assertThat(corrected.status()).isEqualTo(201);
        assertSameAnswer(corrected, reporter.postWith("/api/screenings", screening(15), key), 201);
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(screenings + 1);
    }

    @Test
    void anOnlineReportSentTwiceIsOneReportAndTwoVisitorsWithOneKeyAreTwo() {
        int reports = count("select count(*) from hotline.online_report");
        Map<String, Object> report = Map.of("language", "en", "answers", Map.of("traffickingTypes",
                List.of("LABOUR"), "anonymous", true));
        PublicVisitor visitor = new PublicVisitor(hotline.base(), "127.0.0.21");
        visitor.openForm();
        Map<String, String> key = key();
        PublicVisitor.Answer first = visitor.postWith("/api/public/reports", report, key);
        PublicVisitor.Answer second = visitor.postWith("/api/public/reports", report, key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(second.header(IdempotencyKeys.REPLAYED)).isEqualTo("true");
        assertThat(count("select count(*) from hotline.online_report")).isEqualTo(reports + 1);

        // Another person (another session) who happens to send the same key is not answered with the first's code.
        PublicVisitor someoneElse = new PublicVisitor(hotline.base(), "127.0.0.22");
        someoneElse.openForm();
        PublicVisitor.Answer theirs = someoneElse.postWith("/api/public/reports", report, key);
        assertThat(theirs.status()).isEqualTo(201);
        assertThat(theirs.text()).isNotEqualTo(first.text());
        assertThat(count("select count(*) from hotline.online_report")).isEqualTo(reports + 2);
    }

    @Test
    void aSimulatedCallAnEscalationAndASubmittedReportAreEachMadeOnce() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        int calls = count("select count(*) from hotline.call");
        Map<String, String> callKey = key();
        Map<String, Object> call = Map.of("language", "en", "immediateDanger", "NO");
        ConsoleClient.Text placed = operator.postWith("/api/sim/calls", call, callKey);
        assertSameAnswer(placed, operator.postWith("/api/sim/calls", call, callKey), placed.status());
        assertThat(placed.status()).isBetween(200, 299);
        assertThat(count("select count(*) from hotline.call")).isEqualTo(calls + 1);
        String placedId = ConsoleClient.parse(placed.body()).get("providerCallId").asString();
        operator.post("/api/sim/calls/" + placedId + "/caller-hangup", null);

        JsonNode pop = SimCalls.answered(operator, call);
        String callId = pop.get("call").asString();
        Map<String, Object> escalation = Map.of("agency", "test-police", "level", "URGENT", "danger", "VIOLENCE",
                "mode", "ALERT", "reason", "fake test escalation");
        Map<String, String> escalationKey = key();
        ConsoleClient.Text raised = operator.postWith("/api/calls/" + callId + "/escalations", escalation,
                escalationKey);
        assertSameAnswer(raised, operator.postWith("/api/calls/" + callId + "/escalations", escalation,
                escalationKey), 201);
        assertThat(count("select count(*) from hotline.escalation where call_id = '" + callId + "'")).isEqualTo(1);

        String report = pop.get("report").asString();
        operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null);
        assertThat(operator.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"))
                .status()).isEqualTo(200);
        Map<String, String> submitKey = key();
        ConsoleClient.Text submitted = operator.postWith("/api/reports/" + report + "/submit", null, submitKey);
        assertSameAnswer(submitted, operator.postWith("/api/reports/" + report + "/submit", null, submitKey), 200);
        // A submit is idempotent by its report too (a retry from a page that lost its key): the first result again.
        ConsoleClient.Text again = operator.postWith("/api/reports/" + report + "/submit", null, key());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(submitted.body());
    }

    @Test
    void registryMergesRelationsDocumentsAndExportRequestsAreEachMadeOnce() {
        String a = caseOf(reporter.post("/api/screenings", screening(12)).body().get("reference").asString());
        String b = caseOf(reporter.post("/api/screenings", screening(12)).body().get("reference").asString());
        String c = caseOf(reporter.post("/api/screenings", screening(12)).body().get("reference").asString());

        Map<String, Object> relation = Map.of("other", b, "reason", "the same fake test workplace");
        Map<String, String> relateKey = key();
        int eventsA = count("select count(*) from hotline.case_event where case_id = '" + a + "'");
        assertSameAnswer(leader.postWith("/api/cases/" + a + "/relate", relation, relateKey),
                leader.postWith("/api/cases/" + a + "/relate", relation, relateKey), 200);
        assertThat(count("select count(*) from hotline.case_relation")).isEqualTo(1);
        assertThat(count("select count(*) from hotline.case_event where case_id = '" + a + "'"))
                .isEqualTo(eventsA + 1);

        byte[] pdf = "%PDF-1.4\n% fake test report\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        Map<String, String> documentKey = new LinkedHashMap<>(key());
        documentKey.put("Content-Type", "application/pdf");
        String docs = "/api/cases/" + a + "/documents?kind=MEDICAL_REPORT";
        assertSameAnswer(leader.postWith(docs, pdf, documentKey), leader.postWith(docs, pdf, documentKey), 201);
        assertThat(count("select count(*) from hotline.case_document where case_id = '" + a + "'")).isEqualTo(1);

        Map<String, Object> merge = Map.of("into", a, "note", "the same fake test situation");
        Map<String, String> mergeKey = key();
        ConsoleClient.Text merged = leader.postWith("/api/cases/" + c + "/merge", merge, mergeKey);
        // Without the key the second would be refused (the merged case is closed); with it, the first answer.
        assertSameAnswer(merged, leader.postWith("/api/cases/" + c + "/merge", merge, mergeKey), 200);
        assertThat(count("select count(*) from hotline.case_event where case_id = '" + a
                + "' and type = 'MERGED_FROM'")).isEqualTo(1);

        Map<String, Object> consent = Map.of("question", "1.1", "answer", true, "askedBy", "Testasker Fakename",
                "askedOn", java.time.LocalDate.now().minusDays(1).toString());
        Map<String, String> consentKey = key();
        assertSameAnswer(leader.postWith("/api/cases/" + a + "/consent", consent, consentKey),
                leader.postWith("/api/cases/" + a + "/consent", consent, consentKey), 200);
        assertThat(count("select count(*) from hotline.case_consent_answer where case_id = '" + a + "'"))
                .isEqualTo(1);

        String reference = leader.get("/api/cases/" + a).body().get("case").get("reference").asString();
        Map<String, Object> ask = Map.of("cases", List.of(reference), "purpose", "fake test referral to a shelter",
                "recipient", "Test Shelter (fake)");
        int exports = count("select count(*) from hotline.export_request");
        Map<String, String> exportKey = key();
        assertSameAnswer(leader.postWith("/api/exports/requests", ask, exportKey),
                leader.postWith("/api/exports/requests", ask, exportKey), 201);
        assertThat(count("select count(*) from hotline.export_request")).isEqualTo(exports + 1);
    }

    @Test
    void anAccountIsCreatedOnceAndItsOneTimePasswordIsNotStoredInClear() throws Exception {
        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        Map<String, Object> account = Map.of("username", "test-idem-operator", "displayName", "Testoperator Fakename",
                "role", "OPERATOR", "languages", List.of("en"), "endpoint", "PJSIP/299");
        Map<String, String> key = key();
        ConsoleClient.Text created = admin.postWith("/api/admin/users", account, key);
        // Without the key the second would be a 409 (the username is taken); with it, the same one-time password.
        assertSameAnswer(created, admin.postWith("/api/admin/users", account, key), 201);
        assertThat(count("select count(*) from hotline.app_user where username = 'test-idem-operator'"))
                .isEqualTo(1);

        String oneTimePassword = ConsoleClient.parse(created.body()).get("oneTimePassword").asString();
        try (Connection c = hotline.bean(DataSource.class).getConnection();
                PreparedStatement s = c.prepareStatement("select key_hash, request_hash, response_enc "
                        + "from hotline.idempotent_request where state = 'DONE'");
                ResultSet r = s.executeQuery()) {
            int rows = 0;
            while (r.next()) {
                rows++;
                assertThat(r.getString(1)).doesNotContain(key.get("Idempotency-Key"));
                String stored = new String(r.getBytes(3), StandardCharsets.ISO_8859_1);
                assertThat(stored).doesNotContain(oneTimePassword, "test-idem-operator", "oneTimePassword",
                        "reference");
            }
            assertThat(rows).isPositive();
        }
    }

    @Test
    void expiredKeysAreSweptAndThenARepeatIsANewSubmission() {
        Map<String, String> key = key();
        ConsoleClient.Text first = reporter.postWith("/api/screenings", screening(13), key);
        assertThat(first.status()).isEqualTo(201);
        int rows = count("select count(*) from hotline.idempotent_request");
        update("update hotline.idempotent_request set expires_at = now() - interval '1 minute'");
        assertThat(hotline.bean(IdempotentRequests.class).sweep()).isEqualTo(rows);
        assertThat(count("select count(*) from hotline.idempotent_request")).isZero();
        ConsoleClient.Text later = reporter.postWith("/api/screenings", screening(13), key);
        assertThat(later.status()).isEqualTo(201);
        assertThat(later.body()).isNotEqualTo(first.body());
    }

    @Test
    void aDuplicateOfARequestStillRunningIsToldToRetryAndALostFirstRequestFreesItsKey() {
        // The first request with this key is running (claimed as the filter claims it, never answered).
        String key = UUID.randomUUID().toString();
        byte[] body = "{\"situation\":\"POTENTIAL\",\"victimAge\":11}".getBytes(StandardCharsets.UTF_8);
        IdempotentRequests requests = hotline.bean(IdempotentRequests.class);
        assertThat(requests.claim("user:reporter", key, "POST /api/screenings", body))
                .isInstanceOf(IdempotentRequests.Claim.Run.class);
        int screenings = count("select count(*) from hotline.screening_report");
        Map<String, String> headers = Map.of("Idempotency-Key", key, "Content-Type", "application/json");

        long started = System.nanoTime();
        ConsoleClient.Text waited = reporter.postWith("/api/screenings", body, headers);
        assertThat(waited.status()).isEqualTo(409);
        assertThat(waited.headers().firstValue("Retry-After")).contains("1");
        assertThat(waited.body()).contains("still running");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as("it waited for the first")
                .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(9));
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(screenings);

        // Its node stopped mid-way: after abandoned-after (2 min) the key is free and the request runs once.
        update("update hotline.idempotent_request set created_at = created_at - interval '3 minutes' "
                + "where state = 'IN_FLIGHT'");
        ConsoleClient.Text ran = reporter.postWith("/api/screenings", body, headers);
        assertThat(ran.status()).isEqualTo(201);
        assertSameAnswer(ran, reporter.postWith("/api/screenings", body, headers), 201);
        assertThat(count("select count(*) from hotline.screening_report")).isEqualTo(screenings + 1);
    }

    private static Map<String, Object> screening(int age) {
        return Map.of("situation", "OCCURRED", "victimSex", "FEMALE", "victimAge", age, "traffickingTypes",
                List.of("DOMESTIC_LABOUR"), "reporterName", "Testnurse Fakename");
    }

    private static Map<String, String> key() {
        return Map.of("Idempotency-Key", UUID.randomUUID().toString());
    }

    private static void assertSameAnswer(ConsoleClient.Text first, ConsoleClient.Text repeat, int status) {
        assertThat(first.status()).as("first: %s", first.body()).isEqualTo(status);
        assertThat(repeat.status()).isEqualTo(status);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(repeat.headers().firstValue(IdempotencyKeys.REPLAYED).orElse(null)).isEqualTo("true");
    }

    private static String caseOf(String reference) {
        return leader.get("/api/cases?reference=" + reference).body().get(0).get("id").asString();
    }

    private static int count(String sql) {
        return ((Number) hotline.bean(DSLContext.class).fetchValue(sql)).intValue();
    }

    private static void update(String sql) {
        hotline.bean(DSLContext.class).execute(sql);
    }
}
