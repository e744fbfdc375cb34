package org.tiphotline.console.callers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RegistryCases;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestClock;
import tools.jackson.databind.JsonNode;

/**
 * Repeat callers over HTTP on real PostgreSQL, with calls placed through the simulated line (so the stored keyed
 * hash is the one the call path computes): a number that called twice (once answered, reported with a summary and
 * become a case, once abandoned) calls again, and the operator it rings at reads those contacts, newest first, with
 * the supervisor's flag; nobody else but a supervisor may; withheld numbers match nothing; every read, set and lift
 * is audited; a flag ends at its expiry (the application's clock moved) or when lifted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RepeatCallersApiTest {

    private static final String REPEAT = "+1 555 0100 151";
    private static final String OTHER = "+1 555 0100 152";
    private static final String SUMMARY = "Testcaller Fakename told us about the fake farm on Testroad; call back "
            + "after 6 pm (fake)";

    @TempDir
    static Path data;

    private final TestClock clock = new TestClock();
    private RunningHotline hotline;
    private DSLContext db;
    private ConsoleClient operator;
    private ConsoleClient supervisor;
    private String answeredCall;
    private String abandonedCall;
    private String caseReference;
    private String ringingCall;
    private String ringingProvider;
    private LiveClient ringingLive;
    private ConsoleClient.Response ringingRead;
    private int auditsBeforeRingingRead;
    private int auditsAfterRingingRead;
    private Record ringingReadAudit;

    @BeforeAll
    void twoEarlierCallsThenTheThirdRings() throws Exception {
        hotline = RunningHotline.start(data, Map.of(), clock);
        db = hotline.bean(DSLContext.class);
        signIn();

        JsonNode pop = SimCalls.answered(operator, Map.of("callerNumber", REPEAT, "language", "en"));
        answeredCall = pop.get("call").asString();
        String report = pop.get("report").asString();
        for (var field : Map.<String, Object>of("situation", "POTENTIAL", "summaryForNextOperator", SUMMARY)
                .entrySet()) {
            assertThat(operator.put("/api/reports/" + report + "/fields/" + field.getKey(),
                    Map.of("value", field.getValue())).status()).isEqualTo(200);
        }
        operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null);
        assertThat(operator.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        caseReference = RegistryCases.referenceOf(db, report);

        // Sessions end when idle by the same clock: everyone signs in again after it moved.
        clock.advance(Duration.ofHours(1));
        signIn();
        abandonedCall = placeAndHangUp(REPEAT);
        clock.advance(Duration.ofMinutes(5));
        placeAndHangUp(OTHER);
        placeAndHangUp("");
        clock.advance(Duration.ofHours(1));
        signIn();

        ringingLive = LiveClient.connect(operator);
        JsonNode ringing = SimCalls.ringing(ringingLive, operator, Map.of("callerNumber", REPEAT, "language", "en"));
        ringingCall = ringing.get("call").asString();
        ringingProvider = ringing.get("providerCallId").asString();
        // Read at once, while it rings (an unanswered offer moves on after a while); then the operator answers.
        auditsBeforeRingingRead = audits("caller_history");
        ringingRead = operator.get(history(ringingCall));
        auditsAfterRingingRead = audits("caller_history");
        ringingReadAudit = lastAudit("caller_history");
        BlockingQueue<JsonNode> updates = ringingLive.subscribe("/user/queue/call");
        operator.post("/api/sim/calls/" + ringingProvider + "/answer", null);
        LiveClient.await(updates, u -> u.get("state").asString().equals("TALKING"), 10);
    }

    @AfterAll
    void stop() {
        if (ringingLive != null) {
            ringingLive.close();
        }
        hotline.close();
    }

    @Test
    @Order(1)
    void theOperatorTheCallRingsAtReadsTheEarlierContactsNewestFirstAndTheReadIsAuditedOnce() {
        ConsoleClient.Response answer = ringingRead;
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        JsonNode h = answer.body();
        assertThat(h.get("callerMask").asString()).isEqualTo("•••• 51");
        assertThat(h.get("total").asInt()).isEqualTo(2);
        JsonNode contacts = h.get("contacts");
        assertThat(contacts).hasSize(2);
        JsonNode newest = contacts.get(0);
        JsonNode oldest = contacts.get(1);
        assertThat(newest.get("call").asString()).isEqualTo(abandonedCall);
        assertThat(newest.get("outcome").asString()).startsWith("ABANDONED");
        assertThat(newest.hasNonNull("summary")).isFalse();
        assertThat(newest.hasNonNull("operatorName")).as("nobody took it").isFalse();
        assertThat(oldest.get("call").asString()).isEqualTo(answeredCall);
        assertThat(oldest.get("outcome").asString()).isEqualTo("COMPLETED");
        assertThat(oldest.get("direction").asString()).isEqualTo("INBOUND");
        assertThat(oldest.get("provider").asString()).isEqualTo("sim");
        assertThat(oldest.get("operatorName").asString()).isNotBlank();
        assertThat(oldest.get("reportStatus").asString()).isEqualTo("SUBMITTED");
        assertThat(oldest.get("summary").asString()).isEqualTo(SUMMARY);
        assertThat(oldest.get("caseReference").asString()).isEqualTo(caseReference);
        assertThat(newest.get("arrivedAt").asString()).isGreaterThan(oldest.get("arrivedAt").asString());
        // The call ids are random: set aside before the number's digits are looked for.
        assertThat(answer.body().toString().replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                "")).doesNotContain("5550100151").doesNotContain("0100 151").doesNotContain("555");

        assertThat(auditsAfterRingingRead).isEqualTo(auditsBeforeRingingRead + 1);
        Record row = ringingReadAudit;
        assertThat(row.get("actor", String.class)).isEqualTo("operator");
        assertThat(row.get("action", String.class)).isEqualTo("READ");
        assertThat(row.get("entity_id", String.class)).isEqualTo(ringingCall);
        assertThat(row.get("fields", String.class)).contains("call:" + answeredCall + ":summaryForNextOperator")
                .contains("call:" + abandonedCall);
        // Talking with the caller now, the same operator still reads it.
        assertThat(operator.get(history(ringingCall)).body().get("contacts")).hasSize(2);
    }

    @Test
    @Order(2)
    void nobodyElseButASupervisorReadsThemAndARefusalLeavesNoAuditRow() {
        int audits = audits("caller_history");
        for (String[] user : List.of(new String[] {"operator2", "operator2-demo"},
                new String[] {"datamanager", "datamanager-demo"}, new String[] {"leader", "leader-demo"},
                new String[] {"admin", "admin-demo"})) {
            ConsoleClient.Response refused = ConsoleClient.login(hotline.base(), user[0], user[1])
                    .get(history(ringingCall));
            assertThat(refused.status()).as(user[0]).isEqualTo(403);
            assertThat(refused.body().toString()).as(user[0]).doesNotContain("Testcaller");
        }
        assertThat(audits("caller_history")).isEqualTo(audits);
        // The call's own operator, once it is over, is refused too: the listing is for while the caller is there.
        assertThat(operator.get(history(answeredCall)).status()).isEqualTo(403);
        assertThat(supervisor.get(history(ringingCall)).status()).isEqualTo(200);
        assertThat(operator.get(history("not-a-call")).status()).isEqualTo(400);
        assertThat(supervisor.get(history(UUID.randomUUID().toString())).status()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void withheldNumbersNeverMatch() {
        String first = placeAndHangUp("");
        clock.advance(Duration.ofMinutes(1));
        String second = placeAndHangUp("");
        JsonNode h = supervisor.get(history(second)).body();
        assertThat(h.get("total").asInt()).isZero();
        assertThat(h.get("contacts")).isEmpty();
        assertThat(h.get("flags")).isEmpty();
        assertThat(first).isNotEqualTo(second);
        ConsoleClient.Response flag = supervisor.post("/api/calls/" + second + "/caller-flags",
                Map.of("kind", "ABUSIVE", "days", 7));
        assertThat(flag.status()).isEqualTo(400);
        assertThat(flag.body().get("message").asString()).contains("withheld");
    }

    @Test
    @Order(4)
    void aSupervisorsFlagShowsOnThePopWithWhoSetItAndUntilWhenAndIsAudited() {
        int created = audits("caller_flag");
        ConsoleClient.Response set = supervisor.post("/api/calls/" + answeredCall + "/caller-flags",
                Map.of("kind", "HIGH_RISK", "days", 30, "note", "Fakenote: the caller's employer listens in (fake)"));
        assertThat(set.status()).as(set.body().toString()).isEqualTo(201);
        assertThat(set.body().get("expiresAt").asString()).startsWith(clock.instant().plus(Duration.ofDays(30))
                .toString().substring(0, 16));
        assertThat(audits("caller_flag")).isEqualTo(created + 1);
        assertThat(lastAudit("caller_flag").get("action", String.class)).isEqualTo("CREATE");
        // Stored encrypted: the note's words are not in the row.
        assertThat(new String(db.fetchOne("select note_enc from hotline.caller_flag").get(0, byte[].class),
                java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("Fakenote");

        JsonNode flags = operator.get(history(ringingCall)).body().get("flags");
        assertThat(flags).hasSize(1);
        assertThat(flags.get(0).get("kind").asString()).isEqualTo("HIGH_RISK");
        assertThat(flags.get(0).get("setBy").asString()).isNotBlank().isNotEqualTo("supervisor");
        assertThat(flags.get(0).get("note").asString()).contains("Fakenote");
        assertThat(flags.get(0).get("expiresAt").asString()).isEqualTo(set.body().get("expiresAt").asString());
        assertThat(lastAudit("caller_history").get("fields", String.class))
                .contains("caller_flag:" + set.body().get("id").asString() + ":note");

        int reads = audits("caller_flag");
        JsonNode list = supervisor.get("/api/caller-flags").body();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("callerMask").asString()).isEqualTo("•••• 51");
        assertThat(audits("caller_flag")).isEqualTo(reads + 1);
        assertThat(lastAudit("caller_flag").get("action", String.class)).isEqualTo("READ");
    }

    @Test
    @Order(5)
    void badFlagsAreRefusedWithAReasonAndOnlySupervisorsFlag() {
        int rows = db.fetchCount(db.selectFrom("hotline.caller_flag"));
        List<Map<String, Object>> bad = new ArrayList<>();
        bad.add(Map.of("kind", "ABUSIVE"));
        bad.add(Map.of("kind", "ABUSIVE", "days", 0));
        bad.add(Map.of("kind", "ABUSIVE", "days", 400));
        bad.add(Map.of("kind", "RUDE", "days", 7));
        bad.add(Map.of("days", 7));
        Map<String, Object> markup = new LinkedHashMap<>(Map.of("kind", "PRANK", "days", 7));
        markup.put("note", "<script>x</script>");
        bad.add(markup);
        for (Map<String, Object> body : bad) {
            ConsoleClient.Response refused = supervisor.post("/api/calls/" + answeredCall + "/caller-flags", body);
            assertThat(refused.status()).as(body.toString()).isEqualTo(400);
            assertThat(refused.body().get("message").asString()).as(body.toString()).isNotBlank();
        }
        assertThat(operator.post("/api/calls/" + answeredCall + "/caller-flags",
                Map.of("kind", "PRANK", "days", 7)).status()).isEqualTo(403);
        assertThat(operator.get("/api/caller-flags").status()).isEqualTo(403);
        assertThat(db.fetchCount(db.selectFrom("hotline.caller_flag"))).isEqualTo(rows);
    }

    @Test
    @Order(6)
    void aLiftedFlagNoLongerShowsAndCannotBeLiftedTwice() {
        String id = supervisor.post("/api/calls/" + abandonedCall + "/caller-flags",
                Map.of("kind", "PRANK", "days", 7)).body().get("id").asString();
        assertThat(operator.get(history(ringingCall)).body().get("flags")).hasSize(2);
        assertThat(operator.post("/api/caller-flags/" + id + "/lift", null).status()).isEqualTo(403);
        ConsoleClient.Response lifted = supervisor.post("/api/caller-flags/" + id + "/lift", null);
        assertThat(lifted.status()).isEqualTo(200);
        assertThat(lifted.body().get("liftedAt").asString()).isNotBlank();
        assertThat(lastAudit("caller_flag").get("action", String.class)).isEqualTo("CHANGE");
        assertThat(lastAudit("caller_flag").get("entity_id", String.class)).isEqualTo(id);
        JsonNode flags = operator.get(history(ringingCall)).body().get("flags");
        assertThat(flags).hasSize(1);
        assertThat(flags.get(0).get("kind").asString()).isEqualTo("HIGH_RISK");
        assertThat(supervisor.post("/api/caller-flags/" + id + "/lift", null).status()).isEqualTo(409);
        assertThat(supervisor.post("/api/caller-flags/" + UUID.randomUUID() + "/lift", null).status()).isEqualTo(404);
        assertThat(supervisor.post("/api/caller-flags/nonsense/lift", null).status()).isEqualTo(400);
    }

    @Test
    @Order(7)
    void aFlagEndsAtItsExpiry() {
        operator.post("/api/sim/calls/" + ringingProvider + "/caller-hangup", null);
        clock.advance(Duration.ofDays(29));
        ConsoleClient boss = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        assertThat(boss.get(history(ringingCall)).body().get("flags")).hasSize(1);
        assertThat(boss.get("/api/caller-flags").body()).hasSize(1);
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        boss = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        assertThat(boss.get(history(ringingCall)).body().get("flags")).isEmpty();
        assertThat(boss.get("/api/caller-flags").body()).isEmpty();
        // Kept on record, ended.
        assertThat(db.fetchCount(db.selectFrom("hotline.caller_flag"))).isEqualTo(2);
    }

    private void signIn() {
        operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
    }

    private String placeAndHangUp(String number) {
        ConsoleClient.Response placed = supervisor.post("/api/sim/calls", Map.of("callerNumber", number,
                "language", "en"));
        assertThat(placed.status()).as(String.valueOf(placed.body())).isEqualTo(201);
        supervisor.post("/api/sim/calls/" + placed.body().get("providerCallId").asString() + "/caller-hangup", null);
        return placed.body().get("call").asString();
    }


    private static String history(String call) {
        return "/api/calls/" + call + "/earlier-contacts";
    }

    private int audits(String entity) {
        return db.fetchCount(db.selectFrom("hotline.audit_log").where("entity = ?", entity));
    }

    private Record lastAudit(String entity) {
        return db.fetchOne("select actor, action, entity_id, array_to_string(fields, ',') as fields "
                + "from hotline.audit_log where entity = ? order by id desc limit 1", entity);
    }
}
