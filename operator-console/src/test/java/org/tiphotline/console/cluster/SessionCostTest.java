package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.NumberWatch;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestTwilio;
import org.tiphotline.console.twilio.SignedWebhooks;
import tools.jackson.databind.JsonNode;

/**
 * What the shared HTTP session costs, read from PostgreSQL's own counters of the two session tables (scans and
 * rows written, which every connection publishes when it ends): Twilio's webhooks and the live
 * channel's frames and heart-beats cost nothing there; a console API request costs a bounded, printed amount.
 * Every background reader of the table is slowed down for the measurement (sweep, socket check, clean-up).
 */
class SessionCostTest {

    private static final String ACCOUNT = "AC" + "5e55".repeat(8);
    private static final String TOKEN = "test-only-session-cost-token";
    private static final String PUBLIC = "https://hotline.example.test";

    @TempDir
    static Path data;

    private static WireMockServer twilioApi;
    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        Map<String, String> settings = new LinkedHashMap<>();
        TestTwilio.voice(settings, ACCOUNT, twilioApi.port(), PUBLIC);
        settings.put("hotline.telephony.twilio.auth-token", TOKEN);
        settings.put("hotline.sessions.sweep", "1h");
        settings.put("hotline.sessions.socket-check", "1h");
        settings.put("spring.session.jdbc.cleanup-cron", "0 0 3 1 1 *");
        hotline = RunningHotline.start(data, settings);
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
        if (twilioApi != null) {
            twilioApi.stop();
        }
    }

    @Test
    void webhooksAndLiveFramesNeverTouchTheSessionTables() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            int sessions = sessionRows();
            long before = sessionTableWork();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> answer = webhook(http, "CA" + String.format("%032x", 0x5e55_0000L + i));
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.headers().allValues("Set-Cookie")).as("no session for Twilio").isEmpty();
            }
            for (int i = 0; i < 10; i++) {
                String wanted = i % 2 == 0 ? "AVAILABLE" : "AWAY";
                live.send("/app/presence", Map.of("presence", wanted));
                LiveClient.await(presence, p -> p.get("presence").asString().equals(wanted), 5);
            }
            assertThat(sessionTableWork()).as("scans and writes of the session tables").isEqualTo(before);
            assertThat(sessionRows()).isEqualTo(sessions);
        }
    }

    @Test
    void anApiRequestCostsABoundedAmountOfSessionWork() throws Exception {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        assertThat(supervisor.get("/api/me").status()).isEqualTo(200);
        long before = sessionTableWork();
        int requests = 20;
        for (int i = 0; i < requests; i++) {
            assertThat(supervisor.get("/api/me").status()).isEqualTo(200);
        }
        long work = sessionTableWork() - before;
        System.out.printf("session tables per console API request: %.2f scans and row writes%n",
                (double) work / requests);
        // Read the session and its attributes (one statement, an index scan on each table), write its last access
        // (one statement, one index scan and one row): 4, and the activity grain's write now and then.
        assertThat(work).isPositive().isLessThanOrEqualTo(5L * requests);
    }

    private static HttpResponse<String> webhook(HttpClient http, String callSid) throws Exception {
        Map<String, String> form = SignedWebhooks.call(callSid, ACCOUNT);
        // The caller's number goes in; the watch fails the run if it ever comes out in a log.
        NumberWatch.callerNumber(form.get("From"));
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(hotline.base() + "/twilio/voice"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("X-Twilio-Signature", SignedWebhooks.sign(TOKEN, PUBLIC + "/twilio/voice", form))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int sessionRows() {
        return hotline.bean(DSLContext.class).fetchCount(org.tiphotline.db.Tables.SPRING_SESSION);
    }

    /**
     * Every scan and row written on the two session tables so far, once every connection has reported. PostgreSQL
     * publishes a connection's counters when it has been idle for ten seconds or when it ends; rather than wait,
     * the pool's connections are ended (all but the lead's, which holds its lock and never reads sessions) and the
     * count is read once their server processes are gone.
     */
    private static long sessionTableWork() throws Exception {
        Map<String, String> db = hotline.sharedDatabaseSettings();
        try (Connection own = DriverManager.getConnection(db.get("spring.datasource.url"),
                db.get("spring.datasource.username"), db.get("spring.datasource.password"))) {
            String others = "select pid from pg_stat_activity where backend_type = 'client backend' "
                    + "and pid <> pg_backend_pid() and pid not in (select pid from pg_locks where locktype = 'advisory')";
            List<Integer> ended = pids(own, others);
            hotline.bean(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (pids(own, others).stream().anyMatch(ended::contains)) {
                assertThat(System.nanoTime()).as("the pool's connections end").isLessThan(deadline);
                Thread.sleep(50);
            }
            // A process leaves the activity view just before it writes its counters out.
            Thread.sleep(300);
            try (Statement read = own.createStatement(); ResultSet work = read.executeQuery(
                    "select coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0) + n_tup_ins + n_tup_upd "
                    + "+ n_tup_del), 0) from pg_stat_user_tables where schemaname = 'hotline' "
                    + "and relname in ('spring_session', 'spring_session_attributes')")) {
                work.next();
                return work.getLong(1);
            }
        }
    }

    private static List<Integer> pids(Connection own, String query) throws Exception {
        List<Integer> pids = new ArrayList<>();
        try (Statement read = own.createStatement(); ResultSet rows = read.executeQuery(query)) {
            while (rows.next()) {
                pids.add(rows.getInt(1));
            }
        }
        return pids;
    }
}
