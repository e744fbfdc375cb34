package org.tiphotline.console.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import tools.jackson.databind.JsonNode;

/**
 * Contacts outside the phone line over HTTP on real PostgreSQL (issue 18, item 5): a supervisor records a walk-in for
 * an operator, the report is filled and submitted like a call's, and the call log, the registry and the statistics
 * name its channel; a backup-phone number is hashed like a call's, masked and audited; bad requests are refused with
 * what is wrong and store nothing; a repeated create with its key is one contact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfflineContactApiTest {

    private static final ZoneId JAMAICA = ZoneId.of("America/Jamaica");
    /** Fictional 555-01xx number. */
    private static final String BACKUP_CALLER = "+1 (555) 010-0173";

    @TempDir
    static Path data;

    private RunningHotline hotline;
    private ConsoleClient supervisor;
    private ConsoleClient operator;
    private DSLContext db;

    @BeforeAll
    void start() {
        // Two cases are enough to publish a statistics cell here; the default (10) would withhold them.
        hotline = RunningHotline.start(data, Map.of("hotline.exports.small-cell-threshold", "2"));
        supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        db = hotline.bean(DSLContext.class);
    }

    @AfterAll
    void stop() {
        hotline.close();
    }

    private static String localAgo(Duration ago) {
        return LocalDateTime.now(JAMAICA).minus(ago).truncatedTo(ChronoUnit.MINUTES).toString();
    }

    private static Map<String, Object> contact(String channel, String at, String takenBy, String number) {
        Map<String, Object> body = new HashMap<>();
        body.put("channel", channel);
        body.put("contactedAt", at);
        body.put("takenBy", takenBy);
        body.put("callerNumber", number);
        return body;
    }

    private JsonNode calllogRow(String call) {
        for (JsonNode row : supervisor.get("/api/calllog?limit=200").body().get("rows")) {
            if (row.get("call").asString().equals(call)) {
                return row;
            }
        }
        throw new AssertionError("call not in the call log");
    }

    @Test
    void aWalkInRecordedForAnOperatorIsAReportCountedApart() throws Exception {
        String at = localAgo(Duration.ofHours(3));
        String[] calls = new String[2];
        for (int i = 0; i < 2; i++) {
            ConsoleClient.Response created = supervisor.post("/api/offline-contacts",
                    contact("WALK_IN", at, "operator2", null));
            assertThat(created.status()).isEqualTo(201);
            JsonNode body = created.body();
            assertThat(body.get("channel").asString()).isEqualTo("WALK_IN");
            // The real time of the contact, read in the jurisdiction's zone, not the server's nor UTC.
            assertThat(Instant.parse(body.get("contactedAt").asString()))
                    .isEqualTo(LocalDateTime.parse(at).atZone(JAMAICA).toInstant());
            assertThat(body.get("takenBy").asString()).isNotEqualTo(body.get("enteredBy").asString());
            calls[i] = body.get("call").asString();
            String report = body.get("report").asString();
            // The supervisor who entered it fills and submits the same registering form as after a call.
            assertThat(supervisor.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"))
                    .status()).isEqualTo(200);
            assertThat(supervisor.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        }

        JsonNode row = calllogRow(calls[0]);
        assertThat(row.get("direction").asString()).isEqualTo("OFFLINE");
        assertThat(row.get("offlineChannel").asString()).isEqualTo("WALK_IN");
        assertThat(row.get("provider").asString()).isEqualTo("offline");
        assertThat(row.get("outcome").asString()).isEqualTo("COMPLETED");
        assertThat(row.get("waitSeconds").asLong()).isZero();
        assertThat(row.get("talkSeconds").asLong()).isZero();
        assertThat(row.get("operatorName").asString()).isNotEqualTo(row.get("enteredByName").asString());
        assertThat(Instant.parse(row.get("arrivedAt").asString()))
                .isEqualTo(LocalDateTime.parse(at).atZone(JAMAICA).toInstant());
        // Who took it answered it; the timeline starts at the contact with its channel, with no queue nor ringing.
        JsonNode detail = supervisor.get("/api/calllog/" + calls[0]).body();
        assertThat(detail.get("timeline")).extracting(e -> e.get("type").asString())
                .containsExactly("ARRIVED", "ANSWERED", "ENDED");
        assertThat(detail.get("timeline").get(0).get("detail").get("channel").asString()).isEqualTo("WALK_IN");
        assertThat(detail.get("operatorNames").toString()).contains(row.get("operatorName").asString());

        // The registry names the source by its channel.
        JsonNode caseRow = waitForCase(calls[0]);
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        JsonNode theCase = leader.get("/api/cases/" + caseRow.get("caseId").asString()).body();
        JsonNode source = theCase.get("case").get("sources").get(0);
        assertThat(source.get("channel").asString()).isEqualTo("HOTLINE");
        assertThat(source.get("offlineChannel").asString()).isEqualTo("WALK_IN");
        waitForCase(calls[1]);

        // Statistics count walk-ins apart from calls on the line.
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        JsonNode stats = leader.get("/api/statistics/quarterly?year=" + today.getYear() + "&quarter="
                + ((today.getMonthValue() - 1) / 3 + 1)).body();
        JsonNode bySource = null;
        for (JsonNode table : stats.get("tables")) {
            if (table.get("name").asString().equals("source")) {
                bySource = table;
            }
        }
        assertThat(bySource).as("the statistics have a table by source").isNotNull();
        Map<String, String> totals = new HashMap<>();
        bySource.get("rows").forEach(l -> totals.put(l.get("label").asString(), l.get("counts").get("TOTAL").toString()));
        assertThat(totals).containsEntry("WALK_IN", "2").containsEntry("HOTLINE", "0").containsEntry("LETTER", "0");
    }

    private JsonNode waitForCase(String call) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonNode row = calllogRow(call);
            if (row.get("caseId") != null && !row.get("caseId").isNull()) {
                return row;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the report did not become a case");
    }

    @Test
    void badRequestsAreRefusedWithWhatIsWrongAndStoreNothing() {
        int calls = db.fetchCount(db.selectFrom("hotline.call"));
        int contacts = db.fetchCount(db.selectFrom("hotline.offline_contact"));
        int reports = db.fetchCount(db.selectFrom("hotline.hotline_report"));
        String fine = localAgo(Duration.ofHours(1));
        Map<Map<String, Object>, String> refusals = Map.of(
                contact("CARRIER_PIGEON", fine, null, null), "channel must be one of",
                contact(null, fine, null, null), "channel is required",
                contact("LETTER", localAgo(Duration.ofHours(-2)), null, null), "in the future",
                contact("LETTER", localAgo(Duration.ofDays(400)), null, null), "days ago",
                contact("LETTER", "yesterday at noon", null, null), "like 2026-12-06T14:30",
                contact("LETTER", null, null, null), "contactedAt is required",
                contact("WALK_IN", fine, "nosuchoperator", null), "names no user",
                contact("WALK_IN", fine, "datamanager", null), "must name an operator",
                contact("WALK_IN", fine, null, "+1 555 0100 173"), "only for a call on the backup phone",
                contact("BACKUP_PHONE", fine, null, "12"), "3 to 20 digits");
        refusals.forEach((body, message) -> {
            ConsoleClient.Response refused = supervisor.post("/api/offline-contacts", body);
            assertThat(refused.status()).as(message).isEqualTo(400);
            assertThat(refused.body().get("message").asString()).as(message).contains(message);
        });
        // Only a supervisor enters a contact for someone else; other roles record none.
        ConsoleClient.Response onBehalf = operator.post("/api/offline-contacts", contact("WALK_IN", fine, "operator2",
                null));
        assertThat(onBehalf.status()).isEqualTo(403);
        assertThat(onBehalf.body().get("message").asString()).contains("only a supervisor");
        ConsoleClient dataManager = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        assertThat(dataManager.post("/api/offline-contacts", contact("WALK_IN", fine, null, null)).status())
                .isEqualTo(403);
        assertThat(db.fetchCount(db.selectFrom("hotline.call"))).isEqualTo(calls);
        assertThat(db.fetchCount(db.selectFrom("hotline.offline_contact"))).isEqualTo(contacts);
        assertThat(db.fetchCount(db.selectFrom("hotline.hotline_report"))).isEqualTo(reports);
    }

    @Test
    void aBackupPhoneNumberIsHashedLikeACallsMaskedAndAudited() {
        // The same caller on the line, then on the backup phone during an outage: one person to the call log.
        ConsoleClient.Response placed = operator.post("/api/sim/calls", Map.of("callerNumber", BACKUP_CALLER,
                "language", "en", "stayInIvr", true));
        assertThat(placed.status()).isEqualTo(201);
        ConsoleClient.Text created = operator.postWith("/api/offline-contacts",
                contact("BACKUP_PHONE", localAgo(Duration.ofMinutes(30)), null, "+1 555 010 0173"), Map.of());
        assertThat(created.status()).isEqualTo(201);
        // Ids set aside first: a random UUID may hold the number's digits.
        assertThat(created.body().replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "id"))
                .contains("•••• 73").doesNotContain("0173").doesNotContain("555");
        String call = ConsoleClient.parse(created.body()).get("call").asString();

        var stored = db.fetchOne("select caller_number_enc is not null, caller_mask, direction, provider from "
                + "hotline.call where id = ?::uuid", call);
        assertThat(stored.get(0)).isEqualTo(true);
        assertThat(stored.get(1)).isEqualTo("•••• 73");
        assertThat(stored.get(2)).isEqualTo("OFFLINE");
        assertThat(stored.get(3)).isEqualTo("offline");
        JsonNode found = supervisor.get("/api/calllog?caller=" + java.net.URLEncoder.encode("+15550100173",
                java.nio.charset.StandardCharsets.UTF_8)).body().get("rows");
        assertThat(found).extracting(r -> r.get("call").asString()).contains(call).hasSize(2);
        var audit = db.fetch("select actor, action, array_to_string(fields, ',') from hotline.audit_log "
                + "where entity = 'call' and entity_id = ?", call);
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst().get(0)).isEqualTo("operator");
        assertThat(audit.getFirst().get(1)).isEqualTo("CREATE");
        assertThat(audit.getFirst().get(2)).isEqualTo("caller_number");
    }

    @Test
    void aRepeatedCreateWithItsKeyIsOneContact() {
        int before = db.fetchCount(db.selectFrom("hotline.offline_contact"));
        Map<String, Object> body = contact("EMAIL", localAgo(Duration.ofDays(2)), null, null);
        Map<String, String> key = Map.of("Idempotency-Key", java.util.UUID.randomUUID().toString());
        ConsoleClient.Text first = operator.postWith("/api/offline-contacts", body, key);
        ConsoleClient.Text again = operator.postWith("/api/offline-contacts", body, key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(ConsoleClient.parse(again.body()).get("call").asString())
                .isEqualTo(ConsoleClient.parse(first.body()).get("call").asString());
        assertThat(db.fetchCount(db.selectFrom("hotline.offline_contact"))).isEqualTo(before + 1);
        // The operator's own contact: they took it and entered it, and its draft is theirs to fill.
        JsonNode recorded = ConsoleClient.parse(first.body());
        assertThat(recorded.get("takenBy").asString()).isEqualTo(recorded.get("enteredBy").asString());
        assertThat(operator.get("/api/reports/drafts").body().toString())
                .contains(recorded.get("report").asString());
    }
}
