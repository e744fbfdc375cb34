package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.telephony.asterisk.testing.FakeAmiPeer.event;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.DialledCallbacks;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/**
 * A callback through Asterisk's AMI on loopback: the dial reaches the fake AMI peer as an async Originate of the
 * operator's phone into the dialplan's callback context, carrying the person's number and the hotline's (never the
 * operator's); Asterisk's own events then make it a call like any other, or one nobody was reached on.
 */
@ExtendWith(OutputCaptureExtension.class)
class AsteriskCallbackTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "test-only-ami-secret";
    private static final String HOTLINE_NUMBER = "+15550100999";
    /** The caller's number of {@link AsteriskTestCalls#agi}. */
    private static final String CALLER = "+15550100142";

    @TempDir
    Path data;

    private FakeAmiPeer ami;
    private RunningHotline hotline;
    private int agiPort;

    @BeforeEach
    void start() throws IOException {
        ami = new FakeAmiPeer("tiphotline", SECRET).banner("Asterisk Call Manager/9.0.0").asteriskVersion("20.5.0");
        agiPort = AgiPort.free();
        Map<String, String> settings = AsteriskTestSettings.of(agiPort, ami, SECRET);
        settings.put("hotline.telephony.asterisk.endpoints.operator", "PJSIP/operator1");
        settings.put("hotline.telephony.asterisk.callback.caller-id", HOTLINE_NUMBER);
        // Inside the safe hours for calling back, whatever the machine's hour.
        settings.put("hotline.jurisdiction.time-zone", org.tiphotline.console.callbacks.NoonZone.now());
        hotline = RunningHotline.start(data, settings);
        ami.awaitAction("CoreShowChannels", WAIT);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        ami.close();
    }

    @Test
    void theOperatorsPhoneIsOriginatedThenThePersonAnswersAndItIsACallLikeAnyOther(CapturedOutput log)
            throws Exception {
        CallId earlier = abandoned("1761000100.11", CALLER);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");

            CallId id = DialledCallbacks.dial(hotline, earlier, "operator");

            String leg = "cb-" + id;
            // (The prompt check Originates too, after every connection: the callback's is the one with its id.)
            Map<String, String> originate = ami.awaitAction("Originate", h -> leg.equals(h.get("ChannelId")), WAIT);
            assertThat(originate).containsEntry("Channel", "PJSIP/operator1").containsEntry("ChannelId", leg)
                    .containsEntry("Context", "hotline-callback").containsEntry("Exten", "s");
            assertThat(originate.get("Async")).as("answered at once, outcome by event").isIn("true", "yes", "1");
            assertThat(originate.get("CallerID")).contains(HOTLINE_NUMBER);
            FakeAmiPeer.Action action = ami.actions().stream().filter(a -> a.name().equals("Originate")
                    && leg.equals(a.get("ChannelId"))).findFirst().orElseThrow();
            assertThat(action.getAll("Variable")).contains(
                    "HOTLINE_CALLBACK_DIAL=PJSIP/" + CALLER + "@escalation-trunk",
                    "HOTLINE_CALLBACK_CALLERID=" + HOTLINE_NUMBER);

            JsonNode pop = await(pops, p -> p.get("call").asString().equals(id.toString()), 10);
            assertThat(pop.get("direction").asString()).isEqualTo("CALLBACK");
            assertThat(pop.get("provider").asString()).isEqualTo("asterisk");
            assertThat(pop.get("providerCallId").asString()).isEqualTo(leg);
            assertThat(pop.get("earlierContacts").asInt()).isEqualTo(1);
            assertThat(pop.get("callerMask").asString()).isEqualTo("•••• 42");

            // The operator answered (the peer's OriginateResponse said Success); the dialplan dials the person.
            ami.sendEvent(dial("DialBegin", leg, "1761000100.31", null));
            ami.sendEvent(dial("DialEnd", leg, "1761000100.31", "ANSWER"));
            await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("TALKING"), 5);
            ami.sendEvent(hangup("PJSIP/escalation-trunk-0000001f", "1761000100.31", leg));
            ami.sendEvent(hangup("PJSIP/operator1-0000001e", leg, leg));
            JsonNode ended = await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("ENDED"), 5);
            assertThat(ended.get("outcome").asString()).isEqualTo("COMPLETED");
            assertThat(DialledCallbacks.call(hotline, id).events().getLast().detail("by")).isEqualTo("caller");
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator")).isEqualTo(1);
        }
        assertThat(log.getAll()).doesNotContain(CALLER).doesNotContain(CALLER.substring(1));
    }

    @Test
    void nobodyAnswersAtEitherEndAndTheCallIsNotReached() throws Exception {
        CallId earlier = abandoned("1761000200.11", CALLER);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");

            // The person's phone rings out.
            CallId first = DialledCallbacks.dial(hotline, earlier, "operator");
            ami.awaitAction("Originate", h -> ("cb-" + first).equals(h.get("ChannelId")), WAIT);
            ami.sendEvent(dial("DialBegin", "cb-" + first, "1761000200.31", null));
            ami.sendEvent(dial("DialEnd", "cb-" + first, "1761000200.31", "NOANSWER"));
            awaitEnded(updates, first);
            assertThat(DialledCallbacks.call(hotline, first).outcome()).isEqualTo(CallOutcome.NOT_REACHED);

            // The operator's own phone is not answered: Asterisk's OriginateResponse says so.
            ami.originateResult(false, FakeAmiPeer.REASON_NO_ANSWER);
            CallId second = DialledCallbacks.dial(hotline, earlier, "operator");
            ami.awaitAction("Originate", h -> ("cb-" + second).equals(h.get("ChannelId")), WAIT);
            awaitEnded(updates, second);
            assertThat(DialledCallbacks.call(hotline, second).outcome()).isEqualTo(CallOutcome.NOT_REACHED);
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator")).isEqualTo(2);
        }
    }

    @Test
    void aWithheldNumberIsNeverOriginated() throws Exception {
        CallId withheld = abandoned("1761000300.11", "anonymous");
        ami.clearActions();

        assertThatThrownBy(() -> DialledCallbacks.dial(hotline, withheld, "operator"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("withheld");

        Thread.sleep(300);
        assertThat(ami.actions()).noneMatch(a -> a.name().equals("Originate")
                && !a.get("Channel").startsWith("Local/"));
        assertThat(db().fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY_ID.eq(withheld.toString()),
                AUDIT_LOG.ACTION.eq("READ"))).isZero();
    }

    /**
     * The whole way back to a caller, at the protocol edge: over FastAGI the caller answers the menu (danger: yes,
     * safe to call back: yes) and hangs up while waiting; the task appears live on the operators' topic; the
     * operator takes it over HTTP and Asterisk is asked for an Originate of their phone carrying the person's number
     * and the hotline's; the person answers; the pop and the earlier-contacts list show the call they hung up on;
     * the outcome closes the task; the number was read in clear once, for that dial.
     */
    @Test
    void aCallerWhoSaidSafeYesAndHungUpWhileWaitingIsCalledBackFromTheLiveQueue() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> queue = live.subscribe("/topic/callbacks");
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> updates = live.subscribe("/user/queue/call");

            // English; the notice; danger: yes; safe to call back: yes; who is calling: the person affected.
            CallId earlier = hungUpWaiting("1761000400.11", CALLER, "1", "", "1", "1", "1");
            assertThat(DialledCallbacks.call(hotline, earlier).safeToCallBack()).isTrue();
            JsonNode task = await(queue, t -> t.get("callerMask").asString().equals("•••• 42")
                    && t.get("status").asString().equals("WAITING"), 10);
            assertThat(task.get("reason").asString()).isEqualTo("ABANDONED_IN_QUEUE");
            assertThat(task.get("urgent").asBoolean()).isTrue();

            ConsoleClient.Response taken = operator.post("/api/callbacks/" + task.get("id").asString() + "/take", null);
            assertThat(taken.status()).as(String.valueOf(taken.body())).isEqualTo(200);
            CallId id = CallId.parse(taken.body().get("dialledCall").asString());
            String leg = "cb-" + id;
            Map<String, String> originate = ami.awaitAction("Originate", h -> leg.equals(h.get("ChannelId")), WAIT);
            assertThat(originate).containsEntry("Channel", "PJSIP/operator1")
                    .containsEntry("Context", "hotline-callback");
            assertThat(originate.get("CallerID")).contains(HOTLINE_NUMBER).doesNotContain("operator");
            assertThat(ami.actions().stream().filter(a -> a.name().equals("Originate")
                    && leg.equals(a.get("ChannelId"))).findFirst().orElseThrow().getAll("Variable")).contains(
                    "HOTLINE_CALLBACK_DIAL=PJSIP/" + CALLER + "@escalation-trunk",
                    "HOTLINE_CALLBACK_CALLERID=" + HOTLINE_NUMBER);

            JsonNode pop = await(pops, p -> p.get("call").asString().equals(id.toString()), 10);
            assertThat(pop.get("direction").asString()).isEqualTo("CALLBACK");
            assertThat(pop.get("earlierContacts").asInt()).isEqualTo(1);
            ami.sendEvent(dial("DialBegin", leg, "1761000400.31", null));
            ami.sendEvent(dial("DialEnd", leg, "1761000400.31", "ANSWER"));
            await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("TALKING"), 5);
            JsonNode history = operator.get("/api/calls/" + id + "/earlier-contacts").body();
            assertThat(history.get("contacts")).hasSize(1);
            assertThat(history.get("contacts").get(0).get("call").asString()).isEqualTo(earlier.toString());
            assertThat(history.get("contacts").get(0).get("outcome").asString()).isEqualTo("ABANDONED_IN_QUEUE");

            ami.sendEvent(hangup("PJSIP/escalation-trunk-0000001f", "1761000400.31", leg));
            ami.sendEvent(hangup("PJSIP/operator1-0000001e", leg, leg));
            await(updates, u -> u.get("call").asString().equals(id.toString())
                    && u.get("state").asString().equals("ENDED"), 5);
            ConsoleClient.Response closed = operator.post("/api/callbacks/" + task.get("id").asString() + "/outcome",
                    Map.of("outcome", "REACHED"));
            assertThat(closed.status()).as(String.valueOf(closed.body())).isEqualTo(200);
            assertThat(closed.body().get("closedAs").asString()).isEqualTo("REACHED");
            assertThat(DialledCallbacks.call(hotline, id).outcome()).isEqualTo(CallOutcome.COMPLETED);
            assertThat(DialledCallbacks.numberReads(hotline, earlier, "operator")).as("one read per dial").isEqualTo(1);
        }
    }

    /** "Safe: no" and a withheld number: the task is listed as do-not-call and nothing reaches Asterisk. */
    @Test
    void aCallerWhoSaidNoAndAWithheldNumberAreListedDoNotCallAndNothingIsOriginated() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> queue = live.subscribe("/topic/callbacks");
            CallId saidNo = hungUpWaiting("1761000500.11", "+15550100143", "1", "", "1", "2", "1");
            assertThat(DialledCallbacks.call(hotline, saidNo).safeToCallBack()).isFalse();
            JsonNode no = await(queue, t -> t.get("callerMask").asString().equals("•••• 43"), 10);
            assertThat(no.get("status").asString()).isEqualTo("DO_NOT_CALL");
            // Withheld: the callback question is never asked (English; the notice; danger: yes; who: the person).
            CallId withheld = hungUpWaiting("1761000600.11", "anonymous", "1", "", "1", "1");
            assertThat(DialledCallbacks.call(hotline, withheld).safeToCallBack()).isNull();
            JsonNode hidden = await(queue, t -> t.get("status").asString().equals("DO_NOT_CALL")
                    && !t.get("id").equals(no.get("id")), 10);
            ami.clearActions();

            for (JsonNode task : List.of(no, hidden)) {
                ConsoleClient.Response refused = operator.post("/api/callbacks/" + task.get("id").asString()
                        + "/take", null);
                assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(409);
            }
            Thread.sleep(300);
            assertThat(ami.actions()).as("no dial-out").noneMatch(a -> a.name().equals("Originate"));
            assertThat(DialledCallbacks.numberReads(hotline, saidNo, "operator")).isZero();
        }
    }

    /**
     * A caller who answers the menu with {@code keys} (one per prompt or wait, "" for none), waits in the queue
     * (nobody is available) and hangs up there.
     */
    private CallId hungUpWaiting(String uniqueId, String callerId, String... keys) throws Exception {
        String channel = "PJSIP/hotline-trunk-" + uniqueId.substring(uniqueId.indexOf('.') + 1);
        agi(agiPort, uniqueId, channel).env("agi_callerid", callerId).run(new FastAgiClient.Script().inputs(keys));
        CallRef ref = new CallRef("asterisk", uniqueId);
        for (int i = 0; i < 100 && DialledCallbacks.state(hotline, ref) != org.tiphotline.calls.CallState.QUEUED; i++) {
            Thread.sleep(50);
        }
        ami.sendEvent(hangup(channel, uniqueId, uniqueId));
        return DialledCallbacks.ended(hotline, ref).id();
    }

    /** A caller through the IVR who hangs up while waiting: the call a task would call back. */
    private CallId abandoned(String uniqueId, String callerId) throws Exception {
        String channel = "PJSIP/hotline-trunk-" + uniqueId.substring(uniqueId.indexOf('.') + 1);
        agi(agiPort, uniqueId, channel).env("agi_callerid", callerId)
                .run(new FastAgiClient.Script().inputs("1", "2", "1"));
        ami.sendEvent(hangup(channel, uniqueId, uniqueId));
        return DialledCallbacks.ended(hotline, new CallRef("asterisk", uniqueId)).id();
    }

    private static void awaitEnded(BlockingQueue<JsonNode> updates, CallId id) throws InterruptedException {
        JsonNode ended = await(updates, u -> u.get("call").asString().equals(id.toString())
                && u.get("state").asString().equals("ENDED"), 5);
        assertThat(ended.get("outcome").asString()).isEqualTo("NOT_REACHED");
    }

    /** DialBegin or DialEnd ({@code status} null for DialBegin) of a callback's Dial to the person. */
    private static Map<String, String> dial(String name, String leg, String personLeg, String status) {
        Map<String, String> e = event(name, "Channel", "PJSIP/operator1-0000001e", "Uniqueid", leg, "Linkedid", leg,
                "DestChannel", "PJSIP/escalation-trunk-0000001f", "DestUniqueid", personLeg, "DestLinkedid", leg,
                "DialString", CALLER + "@escalation-trunk");
        if (status != null) {
            e.put("DialStatus", status);
        }
        return e;
    }

    private static Map<String, String> hangup(String channel, String uniqueId, String linkedId) {
        return event("Hangup", "Channel", channel, "Uniqueid", uniqueId, "Linkedid", linkedId, "Cause", "16",
                "Cause-txt", "Normal Clearing");
    }

    private DSLContext db() {
        return hotline.bean(DSLContext.class);
    }
}
