package org.tiphotline.console.states;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * Operators' states on the web (issue 20), against the running application: an operator goes away with a reason
 * over the live channel; a supervisor sets them away (audited, the operator's console told who and why), is refused
 * with a 409 in words while a call rings at them, and bad requests get a 400 that says what is wrong; the shift
 * report gives each operator's time per state from the log. Who may call what is NeedToKnowTest's.
 */
class OperatorStatesApiTest {

    @TempDir
    static Path data;

    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        hotline = RunningHotline.start(data);
    }

    @AfterAll
    static void stop() {
        hotline.close();
    }

    @Test
    void aSupervisorSetsAnOperatorAwayAuditedAndTheOperatorIsToldWhoAndWhy() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        long operatorId = operator.get("/api/me").body().get("id").asLong();
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> errors = live.subscribe("/user/queue/errors");
            live.send("/app/presence", Map.of("presence", "AWAY", "reason", "NAPPING"));
            assertThat(await(errors, e -> true, 5).get("error").asString())
                    .isEqualTo("reason must be one of BREAK, TRAINING, MEETING, OTHER");
            live.send("/app/presence", Map.of("presence", "AWAY", "reason", "BREAK"));
            JsonNode onBreak = await(presence, p -> "BREAK".equals(p.path("reason").asString(null)), 5);
            assertThat(onBreak.get("setBy").asString()).isEqualTo("OPERATOR");

            ConsoleClient.Response set = supervisor.post("/api/operator-states/" + operatorId + "/away",
                    Map.of("reason", "MEETING"));
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.body().get("name").asString()).isEqualTo("Demo Operator Two");
            JsonNode told = await(presence, p -> "MEETING".equals(p.path("reason").asString(null)), 5);
            assertThat(told.get("presence").asString()).isEqualTo("AWAY");
            assertThat(told.get("setBy").asString()).isEqualTo("SUPERVISOR");
            assertThat(told.get("byName").asString()).isEqualTo("Demo Supervisor");
            // A console opened later reads the same from /api/me.
            JsonNode detail = operator.get("/api/me").body().get("presenceDetail");
            assertThat(detail.get("reason").asString()).isEqualTo("MEETING");
            assertThat(detail.get("byName").asString()).isEqualTo("Demo Supervisor");
        }
        DSLContext db = hotline.bean(DSLContext.class);
        var audit = db.selectFrom(AUDIT_LOG).where(AUDIT_LOG.ENTITY.eq("operator_presence"))
                .and(AUDIT_LOG.ENTITY_ID.eq(String.valueOf(operatorId))).fetchOne();
        assertThat(audit).isNotNull();
        assertThat(audit.getActor()).isEqualTo("supervisor");
        assertThat(audit.getAction()).isEqualTo("CHANGE");
        assertThat(audit.getChanges().data().replace(" ", "")).contains("\"before\":\"AWAY\"")
                .contains("\"after\":\"MEETING\"");

        // The shift report of today (the jurisdiction's day) has them on a break, then in a meeting.
        String today = LocalDate.now(ZoneId.of("America/Jamaica")).toString();
        ConsoleClient.Response report = supervisor.get("/api/operator-states?day=" + today);
        assertThat(report.status()).isEqualTo(200);
        JsonNode mine = null;
        for (JsonNode o : report.body().get("operators")) {
            if (o.get("operator").asLong() == operatorId) {
                mine = o;
            }
        }
        assertThat(mine).as("the operator is in the report").isNotNull();
        assertThat(mine.get("name").asString()).isEqualTo("Demo Operator Two");
        assertThat(mine.get("spans").valueStream().map(s -> s.get("reason").asString(null)).toList())
                .containsSubsequence("BREAK", "MEETING");
    }

    @Test
    void aSupervisorIsRefusedWithA409WhileACallRingsAtTheOperator() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        long operatorId = operator.get("/api/me").body().get("id").asLong();
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            live.send("/app/presence", Map.of("presence", "AVAILABLE"));
            await(presence, p -> !p.get("presence").asString().equals("AWAY"), 5);
            operator.post("/api/sim/calls", Map.of("language", "en", "immediateDanger", "NO"));
            await(pops, p -> true, 10);
            ConsoleClient.Response refused = supervisor.post("/api/operator-states/" + operatorId + "/away",
                    Map.of("reason", "BREAK"));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("message").asString())
                    .isEqualTo("Demo Operator One is ringing or on a call: they can be set away once the call is over");
        }
    }

    @Test
    void badRequestsAreAnsweredWithWhatIsWrong() {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        long supervisorId = supervisor.get("/api/me").body().get("id").asLong();
        long operatorId = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo").get("/api/me").body()
                .get("id").asLong();
        assertBad(supervisor.post("/api/operator-states/" + operatorId + "/away", Map.of()),
                "say why the operator is away: reason is one of BREAK, TRAINING, MEETING, OTHER");
        assertBad(supervisor.post("/api/operator-states/" + operatorId + "/away", Map.of("reason", "LUNCH")),
                "reason must be one of BREAK, TRAINING, MEETING, OTHER");
        assertBad(supervisor.post("/api/operator-states/" + supervisorId + "/away", Map.of("reason", "BREAK")),
                "no operator " + supervisorId + " takes calls here");
        assertBad(supervisor.get("/api/operator-states"), "give either 'day' or both 'from' and 'to'");
        assertBad(supervisor.get("/api/operator-states?from=2026-12-07T14:00&to=2026-12-07T06:00"),
                "'to' must be after 'from'");
        assertBad(supervisor.get("/api/operator-states?from=2026-10-01T00:00&to=2026-12-07T00:00"),
                "a report covers 31 days at most");
        assertThat(supervisor.get("/api/operator-states?day=2026-13-01").status()).isEqualTo(400);
    }

    private static void assertBad(ConsoleClient.Response response, String message) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().get("message").asString()).isEqualTo(message);
    }
}
