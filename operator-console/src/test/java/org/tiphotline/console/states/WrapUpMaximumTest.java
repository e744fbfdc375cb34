package org.tiphotline.console.states;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.console.testing.TestTwilio;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.RoutingView;
import tools.jackson.databind.JsonNode;

/**
 * After-call work with a maximum that keeps the operator in it and alerts (issue 20), in the running application
 * on a test clock: the operator's console is told the maximum (it shows the time left); past it, the supervisors'
 * page names the operator and their SMS channel (Twilio's Messages API, a WireMock stub) gets one notice that names
 * no one; the operator stays in after-call work.
 */
class WrapUpMaximumTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "8";
    private static final String DUTY_SUPERVISOR = "+15550100197";

    @TempDir
    Path data;

    private final TestClock clock = new TestClock();
    private RunningHotline hotline;
    private WireMockServer twilio;

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        if (twilio != null) {
            twilio.stop();
        }
    }

    @Test
    void pastTheMaximumTheSupervisorsAreAlertedOnceAndTheOperatorStaysInAfterCallWork() throws Exception {
        twilio = TestTwilio.messagingApi(ACCOUNT);
        Map<String, String> settings = new LinkedHashMap<>();
        TestTwilio.messaging(settings, ACCOUNT, twilio.port());
        settings.put("hotline.escalation.supervisor-alerts[0].channel", "SMS");
        settings.put("hotline.escalation.supervisor-alerts[0].target", DUTY_SUPERVISOR);
        settings.put("hotline.routing.wrap-up-max", "90s");
        settings.put("hotline.routing.wrap-up-overdue", "ALERT");
        hotline = RunningHotline.start(data, settings, clock);

        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        long operatorId = operator.get("/api/me").body().get("id").asLong();
        try (LiveClient watching = LiveClient.connect(supervisor); LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> alerts = watching.subscribe("/topic/supervisor/wrapup");
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            JsonNode pop = SimCalls.ringing(live, operator, Map.of("language", "en", "immediateDanger", "NO"));
            String call = pop.get("providerCallId").asString();
            assertThat(operator.post("/api/sim/calls/" + call + "/answer", null).status()).isEqualTo(204);
            await(presence, p -> p.get("presence").asString().equals("ON_CALL"), 5);
            assertThat(operator.post("/api/sim/calls/" + call + "/operator-hangup", null).status()).isEqualTo(204);
            JsonNode wrapUp = await(presence, p -> p.get("presence").asString().equals("WRAP_UP"), 5);
            assertThat(wrapUp.get("wrapUpMaxSeconds").asLong()).isEqualTo(90);
            assertThat(wrapUp.get("wrapUpOverdue").asString()).isEqualTo("ALERT");

            clock.advance(Duration.ofSeconds(89));
            assertThat(alerts.poll(1500, TimeUnit.MILLISECONDS)).as("not before the maximum").isNull();
            clock.advance(Duration.ofSeconds(2));
            JsonNode alert = await(alerts, a -> true, 10);
            assertThat(alert.get("name").asString()).isEqualTo("Demo Operator One");
            assertThat(alert.get("maxSeconds").asLong()).isEqualTo(90);
            clock.advance(Duration.ofSeconds(30));
            assertThat(alerts.poll(1500, TimeUnit.MILLISECONDS)).as("once, not on every tick").isNull();
        }
        assertThat(hotline.bean(RoutingView.class).presence(new OperatorId(operatorId))).isEqualTo(Presence.WRAP_UP);
        List<LoggedRequest> sms = twilio.findAll(postRequestedFor(urlEqualTo(
                "/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json")));
        assertThat(sms).hasSize(1);
        Map<String, String> form = TestTwilio.formFields(sms.getFirst().getBodyAsString());
        assertThat(form.get("To")).isEqualTo(DUTY_SUPERVISOR);
        assertThat(form.get("Body")).contains("after-call work").contains("the maximum is 1 min 30 s")
                .doesNotContain("Demo Operator");
    }
}
