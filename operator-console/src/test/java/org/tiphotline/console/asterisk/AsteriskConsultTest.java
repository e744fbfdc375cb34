package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.caller;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.dial;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.goAvailable;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.hangup;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.types;
import static org.tiphotline.console.testing.LiveClient.await;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import tools.jackson.databind.JsonNode;

/**
 * A consult and a warm transfer on Asterisk, at the protocol edge (issue 20 F): the fake AMI peer receives the
 * caller moved into the call's own ConfBridge (alone there: music) and the operator into the consult conference in
 * one Redirect, after the SetVars the dialplan reads; then the colleague's phone Originated into the consult
 * conference on a leg of ours. The hand-over Redirects that leg into the caller's conference as its operator and
 * hangs up the operator's channel, whose Hangup event then does not end the call; the caller's does. Called off,
 * the colleague's leg is hung up and the operator Redirected back to the caller.
 */
class AsteriskConsultTest extends AsteriskHotlineTest {

    private static final String CALLER_ID = "1761000950.11";
    private static final String CALLER_CHANNEL = "PJSIP/hotline-trunk-00000011";
    private static final String OPERATOR_LEG = "1761000950.12";
    /** The operator's channel as {@link AsteriskTestCalls#dial} names it in DialBegin. */
    private static final String OPERATOR_CHANNEL = "PJSIP/operator1-00000012";

    @Override
    void moreSettings(Map<String, String> settings, TestInfo test) {
        settings.put("hotline.telephony.asterisk.endpoints.operator2", "PJSIP/operator2");
        org.tiphotline.console.testing.TestDirectory.agency(settings, 0, "test-interpreters",
                "Test Interpreters (fake)", "INTERPRETING", "+15550100150", "EMAIL interpreters@example.test");
    }

    @Test
    void aWarmTransferReachesAsteriskAsConfBridgeMovesAndTheCallBecomesTheColleagues() throws Exception {
        ConsoleClient one = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient two = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient liveOne = LiveClient.connect(one); LiveClient liveTwo = LiveClient.connect(two)) {
            Asking asking = oneTalkingTwoAvailable(liveOne, liveTwo, two);
            String call = asking.call();
            long twoId = asking.colleague();
            String leg = asking.leg();

            assertThat(one.post("/api/console/calls/" + call + "/consult", Map.of("colleague", twoId)).status())
                    .isEqualTo(200);
            assertThat(ami.awaitAction("SetVar", h -> CALLER_CHANNEL.equals(h.get("Channel"))
                    && "HOTLINE_CONFERENCE".equals(h.get("Variable")), WAIT))
                    .containsEntry("Variable", "HOTLINE_CONFERENCE").containsEntry("Value", "hotline-" + CALLER_ID);
            assertThat(ami.awaitAction("SetVar", h -> OPERATOR_CHANNEL.equals(h.get("Channel")), WAIT))
                    .containsEntry("Variable", "HOTLINE_CONSULT").containsEntry("Value", "hotline-consult-" + CALLER_ID);
            assertThat(ami.awaitAction("Redirect", h -> CALLER_CHANNEL.equals(h.get("Channel"))
                    && "hotline-conference".equals(h.get("Context")), WAIT))
                    .containsEntry("Context", "hotline-conference").containsEntry("Exten", "s")
                    .containsEntry("ExtraChannel", OPERATOR_CHANNEL).containsEntry("ExtraContext", "hotline-conference")
                    .containsEntry("ExtraExten", "consult");
            Map<String, String> rung = ami.awaitAction("Originate", h -> leg.equals(h.get("ChannelId")), WAIT);
            assertThat(rung).containsEntry("Channel", "PJSIP/operator2").containsEntry("Context", "hotline-conference")
                    .containsEntry("Exten", "consult");
            assertThat(rung.get("Async")).isIn("true", "yes", "1");
            assertThat(originate(leg).getAll("Variable")).contains("HOTLINE_CONSULT=hotline-consult-" + CALLER_ID);
            // The caller leaving the Dial for the conference is no hang-up.
            ami.sendEvent(hangupOf("BridgeLeave", CALLER_CHANNEL, CALLER_ID));
            Thread.sleep(300);
            assertThat(types(supervisorView(call))).doesNotContain("ENDED");

            assertThat(one.post("/api/console/calls/" + call + "/consult/hand-over", null).status()).isEqualTo(200);
            assertThat(ami.awaitAction("SetVar", h -> leg.equals(h.get("Channel")), WAIT))
                    .containsEntry("Variable", "HOTLINE_CONFERENCE").containsEntry("Value", "hotline-" + CALLER_ID);
            assertThat(ami.awaitAction("Redirect", h -> leg.equals(h.get("Channel")), WAIT))
                    .containsEntry("Context", "hotline-conference").containsEntry("Exten", "operator");
            ami.awaitAction("Hangup", h -> OPERATOR_CHANNEL.equals(h.get("Channel")), WAIT);
            ami.sendEvent(hangup(OPERATOR_CHANNEL, OPERATOR_LEG));
            Thread.sleep(300);
            assertThat(types(supervisorView(call))).as("the operator's leaving does not end the call")
                    .endsWith("CONSULTED", "TRANSFERRED");

            ami.sendEvent(hangup(CALLER_CHANNEL, CALLER_ID));
            ami.awaitAction("ConfbridgeKick", h -> ("hotline-" + CALLER_ID).equals(h.get("Conference")), WAIT);
            awaitEnded(call);
            JsonNode detail = supervisorView(call);
            assertThat(detail.get("summary").get("operatorName").asString()).isEqualTo("Demo Operator Two");
            assertThat(detail.get("summary").get("outcome").asString()).isEqualTo("COMPLETED");
        }
    }

    @Test
    void aConsultCalledOffHangsUpTheColleaguesLegAndTakesTheOperatorBackToTheCaller() throws Exception {
        ConsoleClient one = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient two = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient liveOne = LiveClient.connect(one); LiveClient liveTwo = LiveClient.connect(two)) {
            Asking asking = oneTalkingTwoAvailable(liveOne, liveTwo, two);
            String call = asking.call();
            String leg = asking.leg();
            assertThat(one.post("/api/console/calls/" + call + "/consult", Map.of("language", "en")).status())
                    .isEqualTo(200);
            ami.awaitAction("Originate", h -> leg.equals(h.get("ChannelId")), WAIT);

            assertThat(one.delete("/api/console/calls/" + call + "/consult").status()).isEqualTo(200);
            ami.awaitAction("Hangup", h -> leg.equals(h.get("Channel")), WAIT);
            assertThat(ami.awaitAction("Redirect", h -> OPERATOR_CHANNEL.equals(h.get("Channel"))
                    && "operator".equals(h.get("Exten")), WAIT)).containsEntry("Context", "hotline-conference");
            assertThat(types(supervisorView(call))).endsWith("CONSULTED", "CONSULT_ENDED");
        }
    }

    /** An interpreter line: caller and operator into the call's conference, the line Originated into it. */
    @Test
    void anInterpreterLineIsOriginatedIntoTheCallsConferenceWithCallerAndOperator() throws Exception {
        ConsoleClient one = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient liveOne = LiveClient.connect(one)) {
            String call = talking(liveOne);
            assertThat(one.post("/api/console/calls/" + call + "/interpreter", Map.of("agency", "test-interpreters"))
                    .status()).isEqualTo(200);
            assertThat(ami.awaitAction("Redirect", h -> CALLER_CHANNEL.equals(h.get("Channel"))
                    && "hotline-conference".equals(h.get("Context")), WAIT)).containsEntry("Exten", "s")
                    .containsEntry("ExtraChannel", OPERATOR_CHANNEL).containsEntry("ExtraExten", "operator");
            Map<String, String> line = ami.awaitAction("Originate", h -> "interpreter".equals(h.get("Exten")), WAIT);
            assertThat(line).containsEntry("Context", "hotline-conference");
            assertThat(line.get("Channel")).contains("15550100150");
            assertThat(types(supervisorView(call))).endsWith("INTERPRETER_ADDED");
        }
    }

    @Test
    void aColleagueWithNoPhoneOnAsteriskIsRefusedInWordsAndNothingIsSent() throws Exception {
        ConsoleClient one = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        try (LiveClient liveOne = LiveClient.connect(one)) {
            String call = talking(liveOne);
            long supervisorId = supervisor.get("/api/me").body().get("id").asLong();
            ConsoleClient.Response refused = one.post("/api/console/calls/" + call + "/consult",
                    Map.of("colleague", supervisorId));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.body().get("message").asString()).contains("no phone on Asterisk");
        }
        assertThat(ami.actions()).noneMatch(a -> "consult".equals(a.get("Exten")) || "consult".equals(a.get(
                "ExtraExten")));
    }

    /** Operator One talking on a call, Operator Two available: the call, Two's id and their consult leg's id. */
    private record Asking(String call, long colleague, String leg) {}

    private Asking oneTalkingTwoAvailable(LiveClient liveOne, LiveClient liveTwo, ConsoleClient two) throws Exception {
        String call = talking(liveOne);
        goAvailable(liveTwo);
        long twoId = two.get("/api/me").body().get("id").asLong();
        return new Asking(call, twoId, "consult-" + twoId + "-" + CALLER_ID);
    }

    private FakeAmiPeer.Action originate(String leg) {
        return ami.actions().stream().filter(a -> a.name().equals("Originate") && leg.equals(a.get("ChannelId")))
                .findFirst().orElseThrow();
    }

    private JsonNode supervisorView(String call) {
        return ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo").get("/api/calllog/" + call).body();
    }

    private void awaitEnded(String call) throws InterruptedException {
        for (int i = 0; i < 50 && !types(supervisorView(call)).contains("ENDED"); i++) {
            Thread.sleep(100);
        }
        assertThat(types(supervisorView(call))).contains("ENDED");
    }

    private static Map<String, String> hangupOf(String name, String channel, String uniqueId) {
        return FakeAmiPeer.event(name, "Channel", channel, "Uniqueid", uniqueId, "Linkedid", uniqueId,
                "BridgeUniqueid", "b-1");
    }

    /** A caller through the IVR, rung at operator1's phone and answered: the call's id. */
    private String talking(LiveClient live) throws Exception {
        BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
        BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
        goAvailable(live);
        agi(agiPort, CALLER_ID, CALLER_CHANNEL).run(caller("1", "2", "1", "1"));
        // Rung once routing chose the operator: Asterisk's DialBegin comes after the Redirect into the Dial.
        ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
        ami.sendEvent(dial("DialBegin", CALLER_ID, OPERATOR_LEG, null));
        String call = await(pops, p -> true, 5).get("call").asString();
        ami.sendEvent(dial("DialEnd", CALLER_ID, OPERATOR_LEG, "ANSWER"));
        await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
        return call;
    }
}
