package org.tiphotline.console.floor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.tiphotline.cluster.Leadership;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SupervisorsMail;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.escalation.EscalationSettings;
import org.tiphotline.escalation.Escalations;
import org.tiphotline.escalation.StaffNotice;
import org.tiphotline.floor.Floor;
import org.tiphotline.floor.FloorAlertSettings;
import org.tiphotline.floor.FloorAlerts;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.routing.UrgentCallAlarm;
import tools.jackson.databind.JsonNode;

/**
 * The floor's alerts (issue 20, item 2) in the running application, on the test's clock and the real database: each
 * condition raised once per interval (the table's key, whichever node checks), cleared when it no longer holds,
 * shown live on the floor's topic and API, sent to the supervisors' e-mail channel (GreenMail as the SMTP server)
 * when it is the floor's own news, and not sent a second time when the urgent-call alarm has already sent it.
 */
class FloorAlertsTest {

    private static final String SUPERVISORS = "supervisors@hotline.example.test";

    @TempDir
    Path data;

    private final TestClock clock = new TestClock();
    private RunningHotline hotline;
    private GreenMail smtp;
    private FloorAlerts alerts;

    @BeforeEach
    void startMail() {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
    }

    /** The application with the supervisors' e-mail channel and these alert settings. */
    private void start(Map<String, String> alertSettings) {
        Map<String, String> settings = new LinkedHashMap<>(alertSettings);
        SupervisorsMail.settings(settings, smtp, SUPERVISORS);
        settings.put("hotline.routing.urgent-alarm-after", "90s");
        settings.put("hotline.floor.alerts.longest-wait", "60s");
        // The test checks when it wants to; the leader's own schedule would only repeat the same check.
        settings.put("hotline.floor.alerts.check-every", "1h");
        hotline = RunningHotline.start(data, settings, clock);
        alerts = hotline.bean(FloorAlerts.class);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        smtp.stop();
    }

    @Test
    void aLongWaitIsRaisedOncePerIntervalWhicheverNodeChecksAndClearedWhenItEnds() throws Exception {
        // The service level alert is off here: a waiting call past 20 s counts against it at once.
        start(Map.of("hotline.floor.alerts.service-level", "false"));
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient wall = ConsoleClient.login(hotline.base(), "wallboard", "wallboard-demo");
        try (LiveClient live = LiveClient.connect(wall)) {
            BlockingQueue<JsonNode> topic = live.subscribe("/topic/floor.alerts");
            // Nobody is available: the operator never said so. The quarter is 05:00-05:15 on Jamaica's clock.
            clock.advance(Duration.ofMinutes(1));
            String first = place(operator, "NO");
            awaitWaiting(1);
            clock.advance(Duration.ofSeconds(60));
            assertThat(alerts.check()).as("60 s is not more than 60 s").isEmpty();

            clock.advance(Duration.ofSeconds(1));
            assertThat(alerts.check()).extracting(FloorAlerts.Alert::kind).containsExactly(FloorAlerts.Kind.LONG_WAIT);
            JsonNode shown = await(topic, m -> m.get("alerts").size() == 1, 10);
            assertThat(shown.get("alerts").get(0).get("words").asString())
                    .isEqualTo("A call has waited more than 1 min 0 s for an operator.");
            assertThat(wall.get("/api/floor/alerts").body().get("alerts").get(0).get("kind").asString())
                    .isEqualTo("LONG_WAIT");
            MimeMessage mail = awaitMail(1).get(0);
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo(SUPERVISORS);
            assertThat(mail.getSubject()).isEqualTo("[Hotline] Long wait on the hotline");
            assertThat(GreenMailUtil.getBody(mail)).contains("A call has waited more than 1 min 0 s")
                    .doesNotContain("0100");

            // Once per interval: the next checks, and another node's, raise and send nothing.
            clock.advance(Duration.ofSeconds(30));
            alerts.check();
            List<Object> published = new ArrayList<>();
            List<StaffNotice> sent = new ArrayList<>();
            FloorAlerts otherNode = otherNode(published, sent);
            assertThat(otherNode.check()).extracting(FloorAlerts.Alert::kind)
                    .containsExactly(FloorAlerts.Kind.LONG_WAIT);
            otherNode.destroy();
            assertThat(published).isEmpty();
            assertThat(sent).isEmpty();
            Thread.sleep(500);
            assertThat(smtp.getReceivedMessages()).hasSize(1);
            assertThat(topic).as("nothing changed, nothing published").isEmpty();

            // The caller gives up: the alert goes down.
            assertThat(operator.post("/api/sim/calls/" + first + "/caller-hangup", null).status()).isBetween(200, 299);
            awaitWaiting(0);
            assertThat(alerts.check()).isEmpty();
            await(topic, m -> m.get("alerts").isEmpty(), 10);
            assertThat(wall.get("/api/floor/alerts").body().get("alerts")).isEmpty();

            // Back in the same quarter: shown again, not sent again.
            place(operator, "NO");
            awaitWaiting(1);
            clock.advance(Duration.ofSeconds(70));
            assertThat(alerts.check()).hasSize(1);
            await(topic, m -> m.get("alerts").size() == 1, 10);
            Thread.sleep(500);
            assertThat(smtp.getReceivedMessages()).hasSize(1);

            // The next quarter, still waiting: raised (and sent) afresh, the last quarter's cleared.
            clock.advance(Duration.ofMinutes(12));
            List<FloorAlerts.Alert> next = alerts.check();
            assertThat(next).hasSize(1);
            assertThat(next.get(0).intervalFrom()).isEqualTo(clock.instant().minusSeconds(clock.instant()
                    .getEpochSecond() % 900));
            assertThat(awaitMail(2)).hasSize(2);
            assertThat(hotline.bean(DSLContext.class).fetchCount(org.tiphotline.db.Tables.FLOOR_ALERT))
                    .as("one row per interval").isEqualTo(2);
        }
    }

    @Test
    void aServiceLevelUnderTargetIsSentAndAnUrgentCallWithNobodyFreeIsShownWithoutASecondNotice() throws Exception {
        start(Map.of("hotline.floor.alerts.service-level-min-calls", "1"));
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient seat = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> presence = seat.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> pops = seat.subscribe("/user/queue/pop");
            // A call waits 25 s before anyone is available, then is answered: 0 of 1 within 15 s and within 20 s.
            clock.advance(Duration.ofMinutes(1));
            String late = place(operator, "NO");
            awaitWaiting(1);
            clock.advance(Duration.ofSeconds(25));
            seat.send("/app/presence", Map.of("presence", "AVAILABLE"));
            await(pops, p -> p.get("providerCallId").asString().equals(late), 10);
            assertThat(operator.post("/api/sim/calls/" + late + "/answer", null).status()).isBetween(200, 299);
            awaitAnswered();
            List<FloorAlerts.Alert> standing = alerts.check();
            assertThat(standing).extracting(FloorAlerts.Alert::kind).containsExactly(FloorAlerts.Kind.SERVICE_LEVEL);
            assertThat(standing.get(0).words()).isEqualTo("Service level under target for 2025-03-03 05:00–05:15: "
                    + "0.0 % answered within 15 s (target 90 %), 0.0 % answered within 20 s (target 95 %).");
            MimeMessage mail = awaitMail(1).get(0);
            assertThat(mail.getSubject()).isEqualTo("[Hotline] Service level under target");

            // An urgent call waits with nobody free (the operator talks): once the urgent-call alarm holds, the
            // floor shows it; the supervisors' notice is the alarm's own, not a second one from the floor.
            place(operator, "YES");
            awaitWaiting(1);
            clock.advance(Duration.ofSeconds(50));
            assertThat(alerts.check()).extracting(FloorAlerts.Alert::kind).containsExactly(FloorAlerts.Kind.SERVICE_LEVEL);
            clock.advance(Duration.ofSeconds(45));
            awaitUrgentAlarm();
            assertThat(alerts.check()).extracting(FloorAlerts.Alert::kind).containsExactlyInAnyOrder(
                    FloorAlerts.Kind.SERVICE_LEVEL, FloorAlerts.Kind.LONG_WAIT, FloorAlerts.Kind.URGENT_UNATTENDED);
            assertThat(alerts.standing()).filteredOn(a -> a.kind() == FloorAlerts.Kind.URGENT_UNATTENDED)
                    .singleElement().satisfies(a -> assertThat(a.words())
                            .isEqualTo("An urgent call is waiting and no operator is available."));
            List<MimeMessage> mails = awaitMail(3);
            Thread.sleep(500);
            assertThat(Arrays.stream(smtp.getReceivedMessages()).map(FloorAlertsTest::subject).toList())
                    .containsExactlyInAnyOrder("[Hotline] Service level under target",
                            "[Hotline] Long wait on the hotline",
                            "[Hotline] Urgent call waiting, no operator available");
            assertThat(mails).hasSize(3);
        }
    }

    /**
     * An escalation past its deadline: what the escalations' own rounds already know (their second round went out,
     * to the supervisors too) stands on the floor until the agency acknowledges; the floor sends nothing more.
     */
    @Test
    void anEscalationPastItsDeadlineStandsUntilTheAgencyAcknowledgesIt() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        org.tiphotline.console.testing.TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)",
                "POLICE", null, "EMAIL duty@police.example.test");
        settings.put("hotline.escalation.acknowledge-within", "2m");
        settings.put("hotline.escalation.acknowledge-urgent-within", "2m");
        settings.put("hotline.escalation.realert-every", "1h");
        start(settings);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String call = org.tiphotline.console.testing.SimCalls.answered(operator, Map.of("callerNumber",
                "+1 555 0100 082", "language", "en", "immediateDanger", "NO")).get("call").asString();
        ConsoleClient.Response raised = operator.post("/api/calls/" + call + "/escalations", Map.of("agency",
                "test-police", "level", "URGENT", "danger", "OTHER", "reason", "a test situation (fake)"));
        assertThat(raised.status()).as("%s", raised.body()).isEqualTo(201);
        String escalation = raised.body().get("id").asString();
        assertThat(alerts.check()).isEmpty();

        clock.advance(Duration.ofMinutes(2).plusSeconds(1));
        Escalations escalations = hotline.bean(Escalations.class);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (escalations.pastDeadline() == 0 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        List<FloorAlerts.Alert> standing = alerts.check();
        assertThat(standing).extracting(FloorAlerts.Alert::kind).containsExactly(FloorAlerts.Kind.ESCALATION_OVERDUE);
        assertThat(standing.get(0).words())
                .isEqualTo("An escalation is past its deadline and the agency has not acknowledged it.");
        // The escalation's own second round told the supervisors; the floor adds no notice of its own.
        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        // The agency's reminder and the supervisors' notice leave one after the other: wait for the notice itself
        // (half a second was not always enough on a loaded machine), then that nothing of the floor's came too.
        long mailUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Arrays.stream(smtp.getReceivedMessages()).map(FloorAlertsTest::subject)
                .noneMatch(subject -> subject.startsWith("[Hotline] NOT ACKNOWLEDGED"))
                && System.nanoTime() < mailUntil) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
        assertThat(Arrays.stream(smtp.getReceivedMessages()).map(FloorAlertsTest::subject).toList())
                .anyMatch(subject -> subject.startsWith("[Hotline] NOT ACKNOWLEDGED"))
                .noneMatch(subject -> subject.contains("Long wait") || subject.contains("Service level"));

        ConsoleClient police = ConsoleClient.login(hotline.base(), "testpolice", "testpolice-demo");
        assertThat(police.post("/api/liaison/escalations/" + escalation + "/acknowledge", null).status())
                .isBetween(200, 299);
        assertThat(alerts.check()).isEmpty();
    }

    private FloorAlerts otherNode(List<Object> published, List<StaffNotice> sent) {
        return new FloorAlerts(hotline.bean(Floor.class), hotline.bean(FloorAlertSettings.class),
                hotline.bean(UrgentCallAlarm.class), hotline.bean(Escalations.class), hotline.bean(DSLContext.class),
                hotline.bean(EscalationSettings.class), List.of(SupervisorsMail.recording(sent)), published::add, clock,
                hotline.bean(Leadership.class));
    }

    private static String place(ConsoleClient operator, String danger) {
        ConsoleClient.Response placed = operator.post("/api/sim/calls", Map.of("callerNumber", "+1 555 0100 081",
                "language", "en", "immediateDanger", danger));
        assertThat(placed.status()).as("%s", placed.body()).isEqualTo(201);
        return placed.body().get("providerCallId").asString();
    }

    private void awaitWaiting(int calls) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hotline.bean(RoutingView.class).snapshot().waiting().size() != calls) {
            if (System.nanoTime() > until) {
                throw new AssertionError("expected " + calls + " waiting calls");
            }
            Thread.sleep(50);
        }
    }

    /** The answer's call record commits apart from the routing decision: the figures read the record. */
    private void awaitAnswered() throws InterruptedException {
        DSLContext db = hotline.bean(DSLContext.class);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (db.fetchCount(org.tiphotline.db.Tables.CALL_EVENT,
                org.tiphotline.db.Tables.CALL_EVENT.TYPE.eq("ANSWERED")) == 0) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the call was not answered");
            }
            Thread.sleep(50);
        }
    }

    private void awaitUrgentAlarm() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (hotline.bean(UrgentCallAlarm.class).open().isEmpty()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the urgent-call alarm was not raised");
            }
            Thread.sleep(50);
        }
    }

    private List<MimeMessage> awaitMail(int count) {
        assertThat(smtp.waitForIncomingEmail(10_000, count)).as("%d e-mails", count).isTrue();
        return List.of(smtp.getReceivedMessages());
    }

    private static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
