package org.tiphotline.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SupervisorsMail;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.escalation.EscalationSettings;
import org.tiphotline.escalation.StaffNotice;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.routing.RoutingSettings;
import org.tiphotline.routing.UrgentCallAlarm;
import tools.jackson.databind.JsonNode;

/**
 * The urgent-call alarm over the real pieces: the supervisors' live topic, their e-mail channel (GreenMail as the
 * SMTP server), the alarm table that makes it once per call for any node, and its end when the call ends. And the
 * operator's side of a call nobody answered: no draft left behind, the current call only for its own operator.
 */
class UrgentCallAlarmTest {

    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration A_FEW_TICKS = TICK.multipliedBy(10);
    private static final String SUPERVISORS = "supervisors@hotline.example.test";

    @TempDir
    Path data;

    private final TestClock clock = new TestClock();
    private RunningHotline hotline;
    private GreenMail smtp;

    @BeforeEach
    void start() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        Map<String, String> settings = new LinkedHashMap<>();
        SupervisorsMail.settings(settings, smtp, SUPERVISORS);
        settings.put("hotline.routing.urgent-alarm-after", "60s");
        // The e-mails here are counted: the floor's long-wait alert (issue 20, its own test: FloorAlertsTest) would
        // add one for the same call once it has waited a minute.
        settings.put("hotline.floor.alerts.longest-wait", "0s");
        hotline = RunningHotline.start(data, settings, clock);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        smtp.stop();
    }

    @Test
    void anUrgentCallNobodyCanTakeAlarmsTheSupervisorsOnceAndTheAlarmEndsWithTheCall() throws Exception {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(supervisor)) {
            BlockingQueue<JsonNode> alarms = live.subscribe("/topic/supervisor/alarms");
            // Nobody is available: the operator never said so.
            String providerCallId = operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 173",
                    "language", "en", "immediateDanger", "YES")).body().get("providerCallId").asString();
            awaitQueued();

            clock.advance(Duration.ofSeconds(59));
            sleep(A_FEW_TICKS);
            assertThat(alarms).as("not before the delay").isEmpty();
            assertThat(supervisor.get("/api/live/alarms").body()).isEmpty();

            clock.advance(Duration.ofSeconds(2));
            JsonNode raised = await(alarms, m -> m.get("event").asString().equals("Raised"), 10);
            assertThat(raised.get("waitedSeconds").asLong()).isEqualTo(61);
            // The call's random id may hold any digits: the number's are looked for around it, never in it.
            assertThat(raised.toString().replaceAll(
                    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<call>"))
                    .doesNotContain("0100").doesNotContain("173");
            assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(SUPERVISORS);
            assertThat(mail.getSubject()).isEqualTo("[Hotline] Urgent call waiting, no operator available");
            assertThat(GreenMailUtil.getBody(mail)).contains("An urgent call has waited 1 min 1 s and no operator "
                    + "is available to take it.").doesNotContain("0100").doesNotContain("173");
            JsonNode standing = supervisor.get("/api/live/alarms").body();
            assertThat(standing).hasSize(1);
            assertThat(standing.get(0).get("call").asString()).isEqualTo(raised.get("call").asString());

            // Once per call, not once per tick.
            clock.advance(Duration.ofSeconds(30));
            sleep(A_FEW_TICKS);
            assertThat(smtp.getReceivedMessages()).hasSize(1);
            assertThat(alarms.stream().filter(m -> m.get("event").asString().equals("Raised"))).isEmpty();

            // Another node (or this one restarted) finds the alarm in the table and raises nothing.
            List<Object> published = new ArrayList<>();
            List<StaffNotice> sent = new ArrayList<>();
            UrgentCallAlarm otherNode = new UrgentCallAlarm(hotline.bean(RoutingView.class), hotline.bean(DSLContext.class),
                    hotline.bean(RoutingSettings.class), hotline.bean(EscalationSettings.class),
                    List.of(SupervisorsMail.recording(sent)), published::add, clock,
                    hotline.bean(org.tiphotline.cluster.Leadership.class));
            otherNode.check();
            otherNode.destroy();
            assertThat(published).isEmpty();
            assertThat(sent).isEmpty();

            // The caller gives up: the alarm goes down on every screen.
            operator.post("/api/sim/calls/" + providerCallId + "/caller-hangup", null);
            JsonNode cleared = await(alarms, m -> m.get("event").asString().equals("Cleared"), 10);
            assertThat(cleared.get("call").asString()).isEqualTo(raised.get("call").asString());
            assertThat(supervisor.get("/api/live/alarms").body()).isEmpty();
        }
    }

    @Test
    void aCallAbandonedWhileRingingLeavesNoDraftAndIsOnlyItsOperatorsCurrentCall() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient other = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");
            JsonNode pop = SimCalls.ringing(live, operator, Map.of("callerNumber", "+1 555 0100 174",
                    "language", "es", "immediateDanger", "NO", "callerType", "SOMEONE_ELSE"));
            String providerCallId = pop.get("providerCallId").asString();

            // A reloaded console gets its ringing call back; nobody else gets it.
            JsonNode current = operator.get("/api/console/call").body().get("current");
            assertThat(current.get("call").asString()).isEqualTo(pop.get("call").asString());
            assertThat(current.get("report").asString()).isEqualTo(pop.get("report").asString());
            assertThat(current.get("state").asString()).isEqualTo("RINGING");
            assertThat(current.get("language").asString()).isEqualTo("es");
            assertThat(current.get("ivrPath").get("CALLER_TYPE").asString()).isEqualTo("SOMEONE_ELSE");
            assertThat(current.get("callerMask").asString()).doesNotContain("0100");
            assertThat(other.get("/api/console/call").body().hasNonNull("current")).isFalse();
            assertThat(operator.get("/api/reports/drafts").body()).hasSize(1);

            operator.post("/api/sim/calls/" + providerCallId + "/caller-hangup", null);
            await(updates, u -> u.get("state").asString().equals("ENDED"), 10);
            assertThat(operator.get("/api/reports/drafts").body()).as("no orphan draft").isEmpty();
            assertThat(operator.get("/api/reports/" + pop.get("report").asString()).status()).isEqualTo(404);
            assertThat(operator.get("/api/console/call").body().hasNonNull("current")).isFalse();
        }
    }

    private void awaitQueued() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hotline.bean(RoutingView.class).snapshot().waiting().isEmpty()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the urgent call never reached the queue");
            }
            Thread.sleep(50);
        }
    }

    /** Only where the test asserts that something does NOT happen: the ticks must get their chance. */
    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
