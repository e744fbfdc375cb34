package org.tiphotline.console.calllog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
 * The supervisor's search of the call log by caller number over HTTP, on calls placed through the simulated line
 * (so the stored hash is the one the call path computes): matches, paging, other filters, refusals, the audit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallerSearchApiTest {

    /** Fictional 555-01xx numbers, written as a provider might send them and as a supervisor might type them. */
    private static final String REPEAT_CALLER = "+1 (555) 010-0142";
    private static final String REPEAT_CALLER_TYPED = "+1 555 010 0142";
    private static final String OTHER_CALLER = "+1 (555) 010-0199";

    @TempDir
    static Path data;

    private RunningHotline hotline;
    private ConsoleClient supervisor;
    private final List<String> repeatCalls = new ArrayList<>();

    @BeforeAll
    void placeCalls() {
        hotline = RunningHotline.start(data);
        supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        for (String number : List.of(REPEAT_CALLER, OTHER_CALLER, REPEAT_CALLER)) {
            ConsoleClient.Response placed = supervisor.post("/api/sim/calls", Map.of("callerNumber", number,
                    "language", "en"));
            assertThat(placed.status()).isEqualTo(201);
            String provider = placed.body().get("providerCallId").asString();
            assertThat(supervisor.post("/api/sim/calls/" + provider + "/caller-hangup", null).status())
                    .isEqualTo(204);
            if (number.equals(REPEAT_CALLER)) {
                repeatCalls.add(provider);
            }
        }
    }

    @AfterAll
    void stop() {
        hotline.close();
    }

    @Test
    void findsTheCallsOfOneNumberPageByPage() {
        JsonNode first = supervisor.get(search(REPEAT_CALLER_TYPED) + "&limit=1").body();
        assertThat(first.get("rows")).hasSize(1);
        JsonNode second = supervisor.get(search(REPEAT_CALLER_TYPED) + "&limit=1&cursor="
                + first.get("next").asString()).body();
        assertThat(second.get("rows")).hasSize(1);
        assertThat(second.get("next")).isNull();
        assertThat(first.get("rows").get(0).get("call").toString())
                .isNotEqualTo(second.get("rows").get(0).get("call").toString());
        for (JsonNode page : List.of(first, second)) {
            assertThat(page.get("rows").get(0).get("callerMask").asString()).isEqualTo("•••• 42");
        }
        JsonNode other = supervisor.get(search("+15550100199")).body();
        assertThat(other.get("rows")).hasSize(1);
        assertThat(other.get("rows").get(0).get("callerMask").asString()).isEqualTo("•••• 99");
        assertThat(supervisor.get(search("+1 555 010 0177")).body().get("rows")).isEmpty();
        // Without the caller filter, all three.
        assertThat(supervisor.get("/api/calllog").body().get("rows")).hasSize(3);
    }

    @Test
    void combinesWithTheOtherFilters() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(supervisor.get(search(REPEAT_CALLER_TYPED) + "&from=" + today + "&to=" + today).body()
                .get("rows")).hasSize(2);
        assertThat(supervisor.get(search(REPEAT_CALLER_TYPED) + "&from=" + today.plusDays(1)).body().get("rows"))
                .isEmpty();
        assertThat(supervisor.get(search(REPEAT_CALLER_TYPED) + "&outcome=COMPLETED").body().get("rows")).isEmpty();
    }

    @Test
    void refusesGarbageAndOtherRolesWithoutServerErrors() {
        for (String garbage : List.of("anonymous", "12", "+")) {
            ConsoleClient.Response refused = supervisor.get(search(garbage));
            assertThat(refused.status()).as(garbage).isEqualTo(400);
            assertThat(refused.body().get("message").asString()).contains("caller must be a phone number");
        }
        ConsoleClient dataManager = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        assertThat(dataManager.get(search(REPEAT_CALLER_TYPED)).status()).isEqualTo(403);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        assertThat(operator.get(search(REPEAT_CALLER_TYPED)).status()).isEqualTo(403);
    }

    @Test
    void everySearchIsAuditedWithoutTheNumber() {
        DSLContext db = hotline.bean(DSLContext.class);
        int before = db.fetchCount(db.selectFrom("hotline.audit_log").where("entity = 'call_log'"));
        supervisor.get(search(REPEAT_CALLER_TYPED));
        supervisor.get(search("+1 555 010 0177"));
        var rows = db.fetch("select actor, action, entity_id, array_to_string(fields, ',') from hotline.audit_log "
                + "where entity = 'call_log' order by id");
        assertThat(rows).hasSize(before + 2);
        assertThat(rows.getLast().get(0)).isEqualTo("supervisor");
        assertThat(rows.getLast().get(1)).isEqualTo("READ");
        assertThat(rows.toString()).doesNotContain("0142").doesNotContain("0177").doesNotContain("555");
    }

    private static String search(String number) {
        return "/api/calllog?caller=" + URLEncoder.encode(number, StandardCharsets.UTF_8);
    }
}
