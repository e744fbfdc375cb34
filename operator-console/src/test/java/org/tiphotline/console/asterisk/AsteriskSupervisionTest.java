package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.caller;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.dial;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.goAvailable;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.types;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import tools.jackson.databind.JsonNode;

/**
 * A supervisor on an operator's Asterisk call, at the protocol edge: the fake AMI peer receives an async
 * {@code Originate} of the supervisor's phone running {@code ChanSpy} on the operator's channel, with the options
 * apps/app_chanspy.c gives each mode (listen: none beyond {@code quE}; coach: {@code w}; join: {@code B}), and a
 * {@code Hangup} of the supervisor's leg on a switch or a stop. Each start and stop is in the call's timeline and
 * the audit trail, and the operator's console is told in words.
 */
class AsteriskSupervisionTest extends AsteriskHotlineTest {

    private static final String CALLER_ID = "1761000900.11";
    private static final String OPERATOR_LEG = "1761000900.12";
    /** The operator's channel as {@link AsteriskTestCalls#dial} names it in DialBegin. */
    private static final String OPERATOR_CHANNEL = "PJSIP/operator1-00000012";

    @Override
    void moreSettings(Map<String, String> settings, TestInfo test) {
        if (!test.getDisplayName().contains("NoPhone")) {
            settings.put("hotline.telephony.asterisk.endpoints.supervisor", "PJSIP/supervisor1");
        }
    }

    @Test
    void listenCoachJoinAndStopReachAsteriskAsChanSpyOnTheOperatorsChannel() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> told = live.subscribe("/user/queue/supervision");
            String call = talking(live);

            assertThat(supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN")).status())
                    .isEqualTo(200);
            Map<String, String> listen = awaitChanSpy("sv-listen-");
            assertThat(listen).containsEntry("Channel", "PJSIP/supervisor1")
                    .containsEntry("Application", "ChanSpy")
                    .containsEntry("Data", OPERATOR_CHANNEL + ",quE");
            assertThat(listen.get("ChannelId")).endsWith("-" + CALLER_ID);
            assertThat(listen.get("Async")).isIn("true", "yes", "1");
            assertThat(await(told, t -> "LISTEN".equals(t.path("mode").asString("")), 5).get("words").asString())
                    .isEqualTo("Your supervisor is listening");

            // Coaching: the listening leg is hung up, a whispering one rung.
            ConsoleClient.Response coach = supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "WHISPER"));
            assertThat(coach.status()).isEqualTo(200);
            assertThat(coach.body().get("mode").asString()).isEqualTo("WHISPER");
            assertThat(ami.awaitAction("Hangup", h -> h.get("Channel").equals(listen.get("ChannelId")), WAIT))
                    .isNotNull();
            assertThat(awaitChanSpy("sv-whisper-")).containsEntry("Data", OPERATOR_CHANNEL + ",quEw")
                    .containsEntry("Channel", "PJSIP/supervisor1");
            assertThat(await(told, t -> "WHISPER".equals(t.path("mode").asString("")), 5).get("words").asString())
                    .contains("coaching you");

            assertThat(supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "JOIN")).status())
                    .isEqualTo(200);
            Map<String, String> join = awaitChanSpy("sv-join-");
            assertThat(join).containsEntry("Data", OPERATOR_CHANNEL + ",quEB");

            ConsoleClient.Response stopped = supervisor.delete("/api/supervision/calls/" + call);
            assertThat(stopped.status()).isEqualTo(200);
            assertThat(stopped.body().hasNonNull("mode")).isFalse();
            ami.awaitAction("Hangup", h -> h.get("Channel").equals(join.get("ChannelId")), WAIT);
            assertThat(await(told, t -> !t.hasNonNull("mode"), 5).get("words").asString())
                    .isEqualTo("Your supervisor has left the call");

            JsonNode detail = supervisor.get("/api/calllog/" + call).body();
            assertThat(types(detail)).containsSubsequence("ANSWERED", "SUPERVISED", "SUPERVISION_ENDED", "SUPERVISED",
                    "SUPERVISION_ENDED", "SUPERVISED", "SUPERVISION_ENDED");
            List<String> audited = db().select(AUDIT_LOG.FIELDS).from(AUDIT_LOG)
                    .where(AUDIT_LOG.ACTOR.eq("supervisor"), AUDIT_LOG.ENTITY.eq("call"), AUDIT_LOG.ENTITY_ID.eq(call))
                    .orderBy(AUDIT_LOG.ID).fetch(r -> String.join(",", r.value1()));
            assertThat(audited).containsExactly("audio:LISTEN", "audio:WHISPER", "audio:JOIN", "audio:stopped");
        }
    }

    @Test
    void aCallNotYetAnsweredIsRefusedInWordsAndNothingIsOriginated() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            String call = ringing(live);

            ConsoleClient.Response refused = supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN"));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("message").asString()).contains("ringing at an operator");
            ConsoleClient.Response bad = supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "SPY"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body().get("message").asString()).contains("LISTEN").contains("WHISPER").contains("JOIN");
            assertThat(operator.post("/api/supervision/calls/" + call, Map.of("mode", "LISTEN")).status())
                    .as("operators do not listen in").isEqualTo(403);
        }
        Thread.sleep(200);
        assertThat(ami.actions()).noneMatch(a -> "ChanSpy".equals(a.get("Application")));
    }

    @Test
    void aSupervisorWithNoPhoneIsRefusedInWords() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            String call = talking(live);
            ConsoleClient.Response refused = supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "JOIN"));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("message").asString()).contains("no phone on Asterisk");
            assertThat(types(supervisor.get("/api/calllog/" + call).body())).doesNotContain("SUPERVISED");
        }
        assertThat(ami.actions()).noneMatch(a -> "ChanSpy".equals(a.get("Application")));
    }

    /** A caller through the IVR, rung at operator1's phone and answered: the call's id. */
    private String talking(LiveClient live) throws Exception {
        BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
        String call = ringing(live);
        ami.sendEvent(dial("DialEnd", CALLER_ID, OPERATOR_LEG, "ANSWER"));
        await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
        return call;
    }

    /** A caller through the IVR, ringing at operator1's phone: the call's id. */
    private String ringing(LiveClient live) throws Exception {
        BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
        goAvailable(live);
        agi(agiPort, CALLER_ID, "PJSIP/hotline-trunk-00000011").run(caller("1", "2", "1", "1"));
        // Rung once routing chose the operator: Asterisk's DialBegin comes after the Redirect into the Dial.
        ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
        ami.sendEvent(dial("DialBegin", CALLER_ID, OPERATOR_LEG, null));
        return await(pops, p -> true, 5).get("call").asString();
    }

    private Map<String, String> awaitChanSpy(String legPrefix) {
        return ami.awaitAction("Originate", h -> "ChanSpy".equals(h.get("Application"))
                && h.getOrDefault("ChannelId", "").startsWith(legPrefix), WAIT);
    }

    private DSLContext db() {
        return hotline.bean(DSLContext.class);
    }
}
