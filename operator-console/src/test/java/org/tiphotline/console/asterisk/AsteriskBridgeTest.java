package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.caller;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.dial;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.goAvailable;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.types;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.telephony.asterisk.testing.FakeAmiPeer.event;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tiphotline.calls.CallRef;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.telephony.TelephonyPorts;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/**
 * The whole application against Asterisk's two wire protocols on loopback: a FastAGI client playing Asterisk's
 * side of the IVR, and a fake AMI peer that accepts Asterisk-Java's login, records its actions and sends the
 * events a real Asterisk sends for the same call. Nothing of Asterisk-Java is mocked.
 */
class AsteriskBridgeTest extends AsteriskHotlineTest {

    @Test
    void aCallThroughTheIvrIsRoutedAnsweredAndEndsWithTheSameTimelineAsOnTheSimulatedLine() throws Exception {
        assertThat(hotline.bean(TelephonyPorts.class).all()).extracting(p -> p.provider())
                .as("the simulated line stays available next to Asterisk").contains("asterisk", "sim");
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            goAvailable(live);

            // English, not in immediate danger, safe to call back, the person affected.
            FastAgiClient.Script caller = caller("1", "2", "1", "1");
            FastAgiClient.Transcript ivr = agi(agiPort, "1761000000.11", "PJSIP/hotline-trunk-0000000b").run(caller);
            assertThat(caller.variables()).containsEntry("HOTLINE_IVR", "done").containsEntry("CHANNEL(language)", "en");
            assertThat(ivr.commands()).anyMatch(c -> c.contains("hotline/immediate-danger"))
                    .anyMatch(c -> c.contains("hotline/safe-to-call-back"))
                    .anyMatch(c -> c.contains("hotline/confidentiality"))
                    .noneMatch(c -> c.contains("hotline/invalid"));

            Map<String, String> endpoint = ami.awaitAction("Setvar",
                    h -> "HOTLINE_OPERATOR_ENDPOINT".equals(h.get("Variable")), WAIT);
            assertThat(endpoint).containsEntry("Channel", "PJSIP/hotline-trunk-0000000b")
                    .containsEntry("Value", "PJSIP/operator1");
            Map<String, String> redirect = ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")),
                    WAIT);
            assertThat(redirect).containsEntry("Channel", "PJSIP/hotline-trunk-0000000b").containsEntry("Exten", "s");

            ami.sendEvent(dial("DialBegin", "1761000000.11", "1761000000.12", null));
            JsonNode pop = await(pops, p -> true, 5);
            assertThat(pop.get("provider").asString()).isEqualTo("asterisk");
            assertThat(pop.get("providerCallId").asString()).isEqualTo("1761000000.11");
            assertThat(pop.get("callerMask").asString()).isEqualTo("•••• 42");
            assertThat(pop.get("urgent").asBoolean()).isFalse();
            assertThat(pop.get("safeToCallBack").asBoolean()).isTrue();
            String call = pop.get("call").asString();

            ami.sendEvent(dial("DialEnd", "1761000000.11", "1761000000.12", "ANSWER"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);

            // The operator hangs up: they leave the bridge first, then both channels hang up.
            ami.sendEvent(event("BridgeLeave", "Channel", "PJSIP/operator1-0000000c", "Uniqueid", "1761000000.12",
                    "Linkedid", "1761000000.11", "BridgeUniqueid", "b-1"));
            ami.sendEvent(hangup("PJSIP/operator1-0000000c", "1761000000.12"));
            ami.sendEvent(hangup("PJSIP/hotline-trunk-0000000b", "1761000000.11"));
            await(calls, c -> c.get("state").asString().equals("ENDED"), 5);

            JsonNode detail = supervisor().get("/api/calllog/" + call).body();
            assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER",
                    "QUEUED", "OFFERED", "RINGING", "ANSWERED", "ENDED");
            assertThat(detail.get("summary").get("outcome").asString()).isEqualTo("COMPLETED");
            assertThat(detail.toString()).contains("\"by\":\"operator\"");
        }
    }

    @Test
    void thePhoneAnAdministratorSetForAnOperatorIsTheOneThatRings() throws Exception {
        ConsoleClient admin = ConsoleClient.login(hotline.base(), "admin", "admin-demo");
        long id = admin.get("/api/admin/users?text=operator2").body().get(0).get("id").asLong();
        assertThat(admin.put("/api/admin/users/" + id, Map.of("displayName", "Demo Operator Two", "role", "OPERATOR",
                "languages", java.util.List.of("en"), "endpoint", "PJSIP/desk-202")).status()).isEqualTo(200);
        ConsoleClient operator2 = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator2)) {
            goAvailable(live);
            agi(agiPort, "1761000000.81", "PJSIP/hotline-trunk-00000051").run(caller("1", "2", "1", "1"));
            Map<String, String> endpoint = ami.awaitAction("Setvar",
                    h -> "HOTLINE_OPERATOR_ENDPOINT".equals(h.get("Variable")), WAIT);
            assertThat(endpoint).containsEntry("Channel", "PJSIP/hotline-trunk-00000051")
                    .containsEntry("Value", "PJSIP/desk-202");
        }
    }

    @Test
    void aCallerWhoHangsUpInTheIvrIsAnAbandonedCallThatKeepsItsIvrPath() throws Exception {
        // Presses 3 (French) at the language menu, then hangs up during the danger question.
        FastAgiClient.Script caller = new FastAgiClient.Script().inputs("3").hangupAt(4);
        agi(agiPort, "1761000000.21", "PJSIP/hotline-trunk-00000015").run(caller);
        assertThat(caller.variables()).doesNotContainKey("HOTLINE_IVR");
        // Asterisk's own Hangup event arrives too; the call must not be ended twice.
        ami.sendEvent(hangup("PJSIP/hotline-trunk-00000015", "1761000000.21"));

        JsonNode row = awaitCallLogRow("1761000000.21");
        assertThat(row.get("outcome").asString()).isEqualTo("ABANDONED_IN_IVR");
        JsonNode detail = supervisor().get("/api/calllog/" + row.get("call").asString()).body();
        assertThat(detail.get("ivrPath").get("LANGUAGE").asString()).isEqualTo("fr");
        assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "ABANDONED");
    }

    /**
     * The caller hangs up at the nth AGI command, each way Asterisk tells it: during a prompt (result=-1 then the
     * HANGUP line; 3 is the "cannot speak freely" notice), while waiting for a digit (the same; 5, after the danger
     * question), and before a command that works on a dead channel (HANGUP, then 511 for the next prompt). Each is
     * an abandoned call, as before prompts' failures stopped counting.
     */
    @ParameterizedTest(name = "hang-up at command {0}")
    @ValueSource(ints = {2, 3, 5})
    void aHangUpKnownFromTheChannelIsStillRecordedAsAnAbandonedCall(int command) throws Exception {
        FastAgiClient.Script caller = new FastAgiClient.Script().inputs("1").hangupAt(command);
        FastAgiClient.Transcript ivr = agi(agiPort, "1761000000.25", "PJSIP/hotline-trunk-00000019").run(caller);
        assertThat(caller.variables()).doesNotContainKey("HOTLINE_IVR");
        assertThat(ivr.exchanges().get(command - 1).reply()).contains(FastAgiClient.HANGUP);

        JsonNode row = awaitCallLogRow("1761000000.25");
        assertThat(row.get("outcome").asString()).isEqualTo("ABANDONED_IN_IVR");
        JsonNode detail = supervisor().get("/api/calllog/" + row.get("call").asString()).body();
        assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "ABANDONED");
    }

    /**
     * Asterisk answers STREAM FILE for a file that does not exist with {@code 200 result=-1 endpos=0}, exactly as
     * for a caller who hangs up during it; but the channel is alive. The caller must not be recorded as gone (the
     * dialplan would send a live caller to the duty phone while the log said ABANDONED_IN_IVR): the question is
     * asked with the default language's prompt and the call goes on to the queue.
     */
    @Test
    void aPromptFileThatDoesNotExistIsNoHangUpTheQuestionIsAskedInTheDefaultLanguageAndTheCallGoesOn()
            throws Exception {
        // Spanish; the Spanish danger question was never recorded. "2" (no) at the English one, safe, affected.
        FastAgiClient.Script caller = caller("2", "2", "1", "1")
                .on("STREAM FILE \"hotline/immediate-danger\"", command -> "200 result=-1 endpos=0");
        FastAgiClient.Transcript ivr = agi(agiPort, "1761000000.27", "PJSIP/hotline-trunk-0000001b").run(caller);

        assertThat(caller.variables()).containsEntry("HOTLINE_IVR", "done").containsEntry("CHANNEL(language)", "es");
        assertThat(ivr.commands()).anyMatch(c -> c.startsWith("CHANNEL STATUS"))
                .anyMatch(c -> c.startsWith("STREAM FILE \"en/hotline/immediate-danger\""))
                .anyMatch(c -> c.contains("hotline/confidentiality"));
        CallRef ref = new CallRef("asterisk", "1761000000.27");
        String call = hotline.bean(org.tiphotline.calls.Calls.class).idOf(ref).orElseThrow().toString();
        JsonNode detail = supervisor().get("/api/calllog/" + call).body();
        assertThat(types(detail)).containsExactly("ARRIVED", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER",
                "QUEUED").doesNotContain("ABANDONED");
        assertThat(detail.get("ivrPath").get("IMMEDIATE_DANGER").asString()).isEqualTo("NO");
    }

    @Test
    void silenceAtTheDangerQuestionIsAskedTwiceMoreThenTheCallIsUrgent() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            goAvailable(live);
            // "2" Spanish; then nothing at all: the danger question is asked three times, the callback question
            // three times, caller type three times; the "cannot speak freely" notice once.
            FastAgiClient.Script caller = new FastAgiClient.Script().inputs("2");
            FastAgiClient.Transcript ivr = agi(agiPort, "1761000000.31", "PJSIP/hotline-trunk-0000001f").run(caller);
            assertThat(ivr.commands().stream().filter(c -> c.contains("hotline/immediate-danger"))).hasSize(3);
            assertThat(ivr.commands().stream().filter(c -> c.contains("hotline/safe-to-call-back"))).hasSize(3);
            assertThat(ivr.commands().stream().filter(c -> c.contains("hotline/cannot-speak-freely-9"))).hasSize(1);
            assertThat(ivr.commands().stream().filter(c -> c.contains("hotline/invalid"))).hasSize(6);
            assertThat(caller.variables()).containsEntry("HOTLINE_IVR", "done");

            // As a real Asterisk, dial only once the adapter moved the caller to the operator.
            ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
            ami.sendEvent(dial("DialBegin", "1761000000.31", "1761000000.32", null));
            JsonNode pop = await(pops, p -> true, 5);
            assertThat(pop.get("urgent").asBoolean()).isTrue();
            assertThat(pop.get("ivrPath").get("IMMEDIATE_DANGER").asString()).isEqualTo("NO_INPUT");
            assertThat(pop.get("ivrPath").has("CALLER_TYPE")).as("silence is not guessed").isFalse();
            assertThat(pop.get("ivrPath").get("SAFE_TO_CALL_BACK").asString()).as("silence is no").isEqualTo("NO");
            assertThat(pop.get("safeToCallBack").asBoolean()).isFalse();
            assertThat(pop.get("quietMode").asBoolean()).isFalse();
            assertThat(pop.get("language").asString()).isEqualTo("es");
        }
    }

    @Test
    void aCallThatEndsWhileAmiIsDownIsClosedByTheResyncAfterReconnecting() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            goAvailable(live);
            ringAtOperator("1761000000.41", "PJSIP/hotline-trunk-00000029", "1761000000.42", "1", "2", "1", "2");
            await(pops, p -> true, 5);
            ami.sendEvent(dial("DialEnd", "1761000000.41", "1761000000.42", "ANSWER"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);

            // The link drops; meanwhile the call ends, so the next CoreShowChannels lists nothing.
            ami.coreShowChannels(List.of());
            ami.clearActions();
            int before = ami.logins();
            ami.dropConnections();
            ami.awaitLogins(before + 1, WAIT);
            ami.awaitAction("CoreShowChannels", WAIT);

            await(calls, c -> c.get("state").asString().equals("ENDED"), 10);
            JsonNode row = awaitCallLogRow("1761000000.41");
            JsonNode detail = supervisor().get("/api/calllog/" + row.get("call").asString()).body();
            assertThat(types(detail)).endsWith("ANSWERED", "ENDED");
            assertThat(detail.toString()).contains("reconciled");
        }
    }

    @Test
    void aCallAnsweredWhileAmiWasDownIsReportedAnsweredByTheResync() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            goAvailable(live);
            ringAtOperator("1761000000.51", "PJSIP/hotline-trunk-00000033", "1761000000.52", "1", "1", "1", "3");

            // The DialEnd is lost with the link; Asterisk now shows the caller bridged with the operator's phone.
            Map<String, String> callerChannel = FakeAmiPeer.channel("PJSIP/hotline-trunk-00000033", "1761000000.51");
            callerChannel.put("Context", "hotline-connect");
            callerChannel.put("Application", "Dial");
            callerChannel.put("BridgeId", "bridge-51");
            Map<String, String> operatorChannel = FakeAmiPeer.channel("PJSIP/operator1-00000034", "1761000000.52");
            operatorChannel.put("Linkedid", "1761000000.51");
            operatorChannel.put("Application", "AppDial");
            operatorChannel.put("BridgeId", "bridge-51");
            ami.coreShowChannels(List.of(callerChannel, operatorChannel));
            ami.clearActions();
            int before = ami.logins();
            ami.dropConnections();
            ami.awaitLogins(before + 1, WAIT);

            await(calls, c -> c.get("state").asString().equals("TALKING"), 10);
            // And the operator's hang-up is recognised on the leg the resync found.
            ami.sendEvent(hangup("PJSIP/operator1-00000034", "1761000000.52"));
            await(calls, c -> c.get("state").asString().equals("ENDED"), 5);
        }
    }

    @Test
    void anOfferMadeWhileAsteriskIsUnreachableIsHeldAndConnectedAfterTheReconnection() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            goAvailable(live);
            int before = ami.logins();
            ami.stopListening();
            // The IVR needs only FastAGI: the caller gets through it and is queued while AMI is down.
            FastAgiClient.Script caller = caller("1", "2", "1", "2");
            agi(agiPort, "1761000000.71", "PJSIP/hotline-trunk-00000047").run(caller);
            assertThat(caller.variables()).containsEntry("HOTLINE_IVR", "done");
            Thread.sleep(300);
            assertThat(ami.actions()).noneMatch(a -> a.name().equalsIgnoreCase("Redirect"));

            // Asterisk, back, carries the caller on hold.
            Map<String, String> waiting = FakeAmiPeer.channel("PJSIP/hotline-trunk-00000047", "1761000000.71");
            waiting.put("Context", "hotline-wait");
            waiting.put("Application", "MusicOnHold");
            ami.coreShowChannels(List.of(waiting));
            ami.startListening();
            ami.awaitLogins(before + 1, Duration.ofSeconds(15));
            ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context"))
                    && "PJSIP/hotline-trunk-00000047".equals(h.get("Channel")), WAIT);
            ami.sendEvent(dial("DialBegin", "1761000000.71", "1761000000.72", null));
            assertThat(await(pops, p -> true, 5).get("providerCallId").asString()).isEqualTo("1761000000.71");
            assertThat(presence.stream().map(p -> p.get("presence").asString()))
                    .as("the operator was never set away for Asterisk's outage").doesNotContain("AWAY");
        }
    }

    @Test
    void anEscalationConferencesThePoliceLineAndAFailureIsRecorded() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            goAvailable(live);
            ringAtOperator("1761000000.61", "PJSIP/hotline-trunk-0000003d", "1761000000.62", "1", "1", "1", "1");
            String callId = await(pops, p -> true, 5).get("call").asString();
            ami.sendEvent(dial("DialEnd", "1761000000.61", "1761000000.62", "ANSWER"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
            CallRef ref = new CallRef("asterisk", "1761000000.61");

            ami.originateResult(false, FakeAmiPeer.REASON_NO_ANSWER);
            hotline.bean(TelephonyPorts.class).of("asterisk").conference(ref, "5550100119");
            Map<String, String> moved = ami.awaitAction("Redirect", h -> "hotline-conference".equals(h.get("Context")),
                    WAIT);
            assertThat(moved).containsEntry("Channel", "PJSIP/hotline-trunk-0000003d")
                    .containsEntry("ExtraChannel", "PJSIP/operator1-00000062");
            Map<String, String> originate = ami.awaitAction("Originate", WAIT);
            assertThat(originate).containsEntry("Channel", "PJSIP/5550100119@escalation-trunk")
                    .containsEntry("Context", "hotline-conference").containsEntry("Exten", "police");

            // The fake peer reads the outcome when it answers the action: flip it only once the failure is in.
            awaitTimeline(callId, "ESCALATED");
            ami.originateResult(true, FakeAmiPeer.REASON_ANSWERED);
            hotline.bean(TelephonyPorts.class).of("asterisk").conference(ref, "5550100119");

            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> results = List.of();
            while (System.nanoTime() < deadline && results.size() < 2) {
                JsonNode detail = supervisor().get("/api/calllog/" + callId).body();
                List<String> found = new ArrayList<>();
                for (JsonNode e : detail.get("timeline")) {
                    if (e.get("type").asString().equals("ESCALATED")) {
                        found.add(e.get("detail").get("result").asString());
                    }
                }
                results = found;
                Thread.sleep(100);
            }
            assertThat(results).containsExactly("failed", "connected");
        }
    }

    @ParameterizedTest(name = "police line joins {0} Asterisk reports the answer")
    @ValueSource(strings = {"after", "before"})
    void aTransferLetsTheOperatorGoOnlyOnceThePoliceLineIsInAndTheCallersHangUpClosesTheConference(String order)
            throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            goAvailable(live);
            ringAtOperator("1761000000.81", "PJSIP/hotline-trunk-00000051", "1761000000.82", "1", "1", "1", "1");
            String callId = await(pops, p -> true, 5).get("call").asString();
            ami.sendEvent(dial("DialEnd", "1761000000.81", "1761000000.82", "ANSWER"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
            Map<String, String> policeJoins = event("ConfbridgeJoin", "Conference", "hotline-1761000000.81",
                    "BridgeUniqueid", "cb-1", "Channel", "PJSIP/escalation-trunk-00000053", "Uniqueid",
                    "1761000000.83", "Linkedid", "1761000000.83", "Admin", "No", "Muted", "No");
            if (order.equals("before")) {
                ami.beforeOriginateResponse(action -> List.of(policeJoins));
            }

            hotline.bean(TelephonyPorts.class).of("asterisk").transfer(new CallRef("asterisk", "1761000000.81"),
                    "5550100119");
            Map<String, String> moved = ami.awaitAction("Redirect", h -> "hotline-conference".equals(h.get("Context")),
                    WAIT);
            assertThat(moved).containsEntry("Exten", "s").containsEntry("ExtraChannel", "PJSIP/operator1-00000082")
                    .containsEntry("ExtraExten", "operator");
            ami.awaitAction("Originate", WAIT);
            awaitTimeline(callId, "TRANSFERRED");
            if (order.equals("after")) {
                // Caller and operator joining are no reason to leave; only the police line is.
                ami.sendEvent(event("ConfbridgeJoin", "Conference", "hotline-1761000000.81", "BridgeUniqueid", "cb-1",
                        "Channel", "PJSIP/hotline-trunk-00000051", "Uniqueid", "1761000000.81", "Linkedid",
                        "1761000000.81", "Admin", "No", "Muted", "No"));
                ami.sendEvent(event("ConfbridgeJoin", "Conference", "hotline-1761000000.81", "BridgeUniqueid", "cb-1",
                        "Channel", "PJSIP/operator1-00000082", "Uniqueid", "1761000000.82", "Linkedid",
                        "1761000000.81", "Admin", "No", "Muted", "No"));
                Thread.sleep(300);
                assertThat(ami.actions()).as("the operator stays until the police line is in the conference")
                        .noneMatch(a -> a.name().equalsIgnoreCase("Hangup"));
                ami.sendEvent(policeJoins);
            }
            ami.awaitAction("Hangup", h -> "PJSIP/operator1-00000082".equals(h.get("Channel")), WAIT);

            ami.sendEvent(hangup("PJSIP/hotline-trunk-00000051", "1761000000.81"));
            assertThat(ami.awaitAction("ConfbridgeKick", WAIT)).containsEntry("Conference", "hotline-1761000000.81")
                    .containsEntry("Channel", "all");
            JsonNode detail = supervisor().get("/api/calllog/" + callId).body();
            assertThat(types(detail)).endsWith("ANSWERED", "ESCALATED", "TRANSFERRED", "ENDED");
            assertThat(detail.toString()).contains("\"by\":\"transfer\"");
        }
    }

    private void awaitTimeline(String callId, String type) throws InterruptedException {
        ConsoleClient supervisor = supervisor();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (types(supervisor.get("/api/calllog/" + callId).body()).contains(type)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + type + " in the timeline of call " + callId);
    }

    /**
     * A caller goes through the IVR with these key presses (language, danger, safe to call back, caller type) and,
     * once moved to the operator, their phone rings.
     */
    private void ringAtOperator(String callerUniqueId, String channel, String operatorUniqueId, String language,
            String danger, String safe, String type) throws IOException {
        agi(agiPort, callerUniqueId, channel).run(caller(language, danger, safe, type));
        // As a real Asterisk, dial only once the adapter moved the caller to the operator.
        ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")) && channel.equals(h.get("Channel")),
                WAIT);
        ami.sendEvent(dial("DialBegin", callerUniqueId, operatorUniqueId, null));
    }

    /** The test's Asterisk call once it has an outcome; {@code providerCallId} names it in failure messages. */
    private JsonNode awaitCallLogRow(String providerCallId) throws InterruptedException {
        ConsoleClient supervisor = supervisor();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode row : supervisor.get("/api/calllog?limit=50").body().get("rows")) {
                // Each test starts on an empty database, so its one Asterisk call is the one asked for.
                if ("asterisk".equals(row.path("provider").asString(""))
                        && !row.path("outcome").isNull() && !row.path("outcome").asString("").isEmpty()) {
                    return row;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("call " + providerCallId + " never ended in the call log");
    }

    private static Map<String, String> hangup(String channel, String uniqueId) {
        return event("Hangup", "Channel", channel, "Uniqueid", uniqueId, "Linkedid", uniqueId, "Cause", "16",
                "Cause-txt", "Normal Clearing");
    }
}
