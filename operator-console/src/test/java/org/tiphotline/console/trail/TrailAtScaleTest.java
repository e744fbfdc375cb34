package org.tiphotline.console.trail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
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
 * The trail on a big log: {@code trail.rows} audit rows (default 200,000; {@code -Dtrail.rows=2000000} for the
 * figures in the report) and a tenth of that in sign-ins, over 200 people and weeks of time, with exports as rare
 * as they are. Every kind of filter is paged through, first pages and deep ones, and PostgreSQL's own counters show
 * that no page read the audit log sequentially: each walked an index and stopped. The time per page is printed.
 */
class TrailAtScaleTest {

    private static final int ROWS = Integer.getInteger("trail.rows", 200_000);
    private static final ZoneId HOTLINE_ZONE = ZoneId.of("America/Jamaica");

    @TempDir
    static Path data;

    private static RunningHotline hotline;
    private static DSLContext db;
    private static ConsoleClient auditor;
    private static String caseReference;

    @BeforeAll
    static void start() throws Exception {
        hotline = RunningHotline.start(data);
        db = hotline.bean(DSLContext.class);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = SimCalls.answered(operator, Map.of("language", "en", "immediateDanger", "NO"));
        operator.post("/api/sim/calls/" + pop.get("providerCallId").asString() + "/operator-hangup", null);
        String report = pop.get("report").asString();
        assertThat(operator.put("/api/reports/" + report + "/fields/situation", Map.of("value", "POTENTIAL"))
                .status()).isEqualTo(200);
        assertThat(operator.post("/api/reports/" + report + "/submit", null).status()).isEqualTo(200);
        caseReference = RegistryCases.referenceOf(db, report);
        long started = System.nanoTime();
        // Reads 60 %, changes 35 %, creations 5 %, one export in a thousand; one row every 5 s back in time; fake
        // people (scale-user-N) and 20,000 fake cases, one row in a thousand about the real case.
        db.execute("""
                insert into hotline.audit_log (at, actor, action, entity, entity_id, fields)
                select now() - make_interval(secs => g * 5), 'scale-user-' || (g % 200),
                       case when g % 1000 = 0 then 'EXPORT' when g % 20 = 1 then 'CREATE'
                            when g % 20 < 8 then 'CHANGE' else 'READ' end,
                       'registry_case',
                       case when g % 1000 = 7 then (select id::text from hotline.registry_case where reference = ?)
                            else md5((g % 20000)::text)::uuid::text end,
                       array['firstNames']
                from generate_series(1, ?) g""", caseReference, ROWS);
        db.execute("""
                insert into hotline.sign_in_event (at, username, address, outcome)
                select now() - make_interval(secs => g * 50), 'scale-user-' || (g % 200), '192.0.2.' || (g % 250),
                       case when g % 25 = 0 then 'FAILED' when g % 2 = 0 then 'SIGNED_OUT' else 'SIGNED_IN' end
                from generate_series(1, ?) g""", ROWS / 10);
        db.execute("analyze hotline.audit_log");
        db.execute("analyze hotline.sign_in_event");
        System.out.printf("trail at scale: %,d audit rows and %,d sign-ins stored in %d ms%n", ROWS, ROWS / 10,
                (System.nanoTime() - started) / 1_000_000);
        auditor = ConsoleClient.login(hotline.base(), "auditor", "auditor-demo");
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    /** How often the audit log was read sequentially and through an index, once the backends' counts are in. */
    private static long[] scans() throws InterruptedException {
        long[] last = null;
        for (int i = 0; i < 20; i++) {
            db.fetch("select pg_stat_clear_snapshot()");
            Record r = db.fetchOne("select seq_scan, idx_scan from pg_stat_user_tables where schemaname = 'hotline' "
                    + "and relname = 'audit_log'");
            long[] now = {r.get(0, Long.class), r.get(1, Long.class)};
            if (last != null && last[0] == now[0] && last[1] == now[1]) {
                return now;
            }
            last = now;
            // Backends report their counts when idle, at most once a second.
            Thread.sleep(1_500);
        }
        return last;
    }

    @Test
    void everyFilterPagesThroughAnIndexNeverAWholeScanOfTheLog() throws Exception {
        String today = LocalDate.now(HOTLINE_ZONE).toString();
        String weekAgo = LocalDate.now(HOTLINE_ZONE).minusDays(7).toString();
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("everything", "");
        filters.put("one person", "person=scale-user-13");
        filters.put("one person's reads", "person=scale-user-13&action=read");
        filters.put("changes", "action=change");
        filters.put("exports", "action=export");
        filters.put("one case", "case=" + caseReference);
        filters.put("a day a week ago", "from=" + weekAgo + "&to=" + weekAgo);
        filters.put("today", "from=" + today);
        filters.put("one person's sign-ins", "person=scale-user-13&action=sign_in");
        long[] before = scans();
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> f : filters.entrySet()) {
            List<Long> micros = new ArrayList<>();
            String cursor = null;
            int rows = 0;
            for (int page = 0; page < 20; page++) {
                long t = System.nanoTime();
                ConsoleClient.Response r = auditor.get("/api/trail?" + f.getValue() + "&limit=50"
                        + (cursor == null ? "" : "&cursor=" + cursor));
                micros.add((System.nanoTime() - t) / 1_000);
                assertThat(r.status()).as(f.getKey() + ": " + r.body()).isEqualTo(200);
                rows += r.body().get("rows").size();
                JsonNode next = r.body().get("next");
                if (next == null) {
                    break;
                }
                cursor = next.asString();
            }
            assertThat(rows).as(f.getKey()).isPositive();
            List<Long> sorted = micros.stream().sorted().toList();
            lines.add(String.format("  %-24s first page %6.1f ms, median %6.1f ms, worst %6.1f ms over %d pages "
                    + "(%d rows)", f.getKey(), micros.get(0) / 1000.0, sorted.get(sorted.size() / 2) / 1000.0,
                    sorted.get(sorted.size() - 1) / 1000.0, micros.size(), rows));
        }
        long[] after = scans();
        System.out.printf("trail at scale, %,d audit rows, pages of 50 over HTTP:%n%s%n", ROWS,
                String.join("\n", lines));
        System.out.printf("audit_log scans during the pages: %d sequential, %d by index%n", after[0] - before[0],
                after[1] - before[1]);
        assertThat(after[0] - before[0]).as("sequential scans of the audit log").isZero();
        assertThat(after[1] - before[1]).as("index scans of the audit log").isPositive();
    }

    @Test
    void aPageDeepInTheLogIsAsQuickToReachAsTheFirst() {
        // The cursor of a row 90 % of the way back: keyset paging goes straight there, nothing is skipped over.
        Record deep = db.fetchOne("select (extract(epoch from at) * 1000000)::bigint as micros, id from "
                + "hotline.audit_log order by at desc, id desc offset ? limit 1", ROWS * 9 / 10);
        String cursor = deep.get("micros", Long.class) + ".1." + deep.get("id", Long.class);
        long t = System.nanoTime();
        ConsoleClient.Response r = auditor.get("/api/trail?limit=50&cursor=" + cursor);
        long ms = (System.nanoTime() - t) / 1_000_000;
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("rows").size()).isEqualTo(50);
        System.out.printf("trail at scale: a page 90 %% of the way back in %d ms%n", ms);
        assertThat(Duration.ofMillis(ms)).isLessThan(Duration.ofSeconds(5));
    }
}
