package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.dial;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.goAvailable;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.types;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.telephony.asterisk.testing.FakeAmiPeer.event;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestClock;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/**
 * An operator whose phone Asterisk cannot reach, against the real AMI bytes of a fake peer and a FastAGI caller.
 * The application's clock stands still (TestClock): the 20 s offer timeout can never pass, so a call that moves
 * on to the next operator was moved by the refusal itself, not by a timeout.
 */
class AsteriskDialFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "test-only-ami-secret";

    @TempDir
    Path data;

    private final TestClock clock = new TestClock();
    private FakeAmiPeer ami;
    private RunningHotline hotline;
    private int agiPort;

    @BeforeEach
    void start() throws IOException {
        ami = new FakeAmiPeer("tiphotline", SECRET).banner("Asterisk Call Manager/9.0.0").asteriskVersion("22.10.1");
        agiPort = AgiPort.free();
        Map<String, String> settings = AsteriskTestSettings.of(agiPort, ami, SECRET);
        settings.put("hotline.telephony.asterisk.endpoints.operator", "PJSIP/operator1");
        settings.put("hotline.telephony.asterisk.endpoints.operator2", "PJSIP/operator2");
        hotline = RunningHotline.start(data, settings, clock);
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
    void aDialRefusedWithoutDialBeginGoesToTheNextOperatorAtOnceAndTellsTheOperatorTheirPhoneIsNotConnected()
            throws Exception {
        try (LiveClient one = LiveClient.connect(login("operator")); LiveClient two = LiveClient.connect(login("operator2"))) {
            BlockingQueue<JsonNode> presenceOfOne = one.subscribe("/user/queue/presence");
            BlockingQueue<JsonNode> callsOfOne = one.subscribe("/user/queue/call");
            goAvailable(one);
            // Operator one has been idle longer, so the call is offered to them first.
            clock.advance(Duration.ofSeconds(1));
            goAvailable(two);

            agi(agiPort, "1762000000.11", "PJSIP/hotline-trunk-00000011").run(AsteriskTestCalls.caller("1", "2", "1", "1"));
            String offer = awaitRingAt("PJSIP/operator1");
            ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
            ami.clearActions();

            // Asterisk 22 with operator1 unregistered: "Could not create dialog to invalid URI", no channel, so no
            // DialBegin or DialEnd: only the dialplan's UserEvent, after Dial returned CHANUNAVAIL.
            ami.sendEvent(dialFailed("1762000000.11", "PJSIP/hotline-trunk-00000011", "CHANUNAVAIL", offer));

            awaitRingAt("PJSIP/operator2");
            assertThat(clock.instant()).as("no time passed on the application's clock").isEqualTo(
                    TestClock.DEFAULT_START.plusSeconds(1));
            await(presenceOfOne, p -> p.get("presence").asString().equals("PHONE_NOT_CONNECTED"), 5);
            await(callsOfOne, c -> c.get("event").asString().equals("OfferUnanswered"), 5);
            RoutingView routing = hotline.bean(RoutingView.class);
            assertThat(routing.presence(id("operator"))).isEqualTo(Presence.PHONE_NOT_CONNECTED);
            assertThat(routing.snapshot().operators()).as("the supervisor's live view")
                    .anyMatch(seat -> seat.operator().equals(id("operator"))
                            && seat.presence() == Presence.PHONE_NOT_CONNECTED);

            String call = hotline.bean(Calls.class).idOf(new CallRef("asterisk", "1762000000.11")).orElseThrow()
                    .toString();
            JsonNode detail = supervisor().get("/api/calllog/" + call).body();
            assertThat(types(detail)).containsSubsequence("OFFERED", "NO_ANSWER", "OFFERED");
            assertThat(detail.toString()).contains("phone not connected (chanunavail)");

            // The phone registers again: Asterisk's device state says so, and operator one takes calls again.
            ami.sendEvent(event("DeviceStateChange", "Device", "PJSIP/operator1", "State", "NOT_INUSE"));
            await(presenceOfOne, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
            assertThat(presenceOfOne.stream().map(p -> p.get("presence").asString()))
                    .as("never set away as if they had ignored a call").doesNotContain("AWAY");
        }
    }

    @Test
    void anOperatorWhosePhoneUnregistersIsNotOfferedCallsUntilItIsBack() throws Exception {
        try (LiveClient one = LiveClient.connect(login("operator")); LiveClient two = LiveClient.connect(login("operator2"))) {
            BlockingQueue<JsonNode> presenceOfOne = one.subscribe("/user/queue/presence");
            goAvailable(one);
            clock.advance(Duration.ofSeconds(1));
            goAvailable(two);
            ami.sendEvent(event("DeviceStateChange", "Device", "PJSIP/operator1", "State", "UNAVAILABLE"));
            await(presenceOfOne, p -> p.get("presence").asString().equals("PHONE_NOT_CONNECTED"), 5);

            agi(agiPort, "1762000000.21", "PJSIP/hotline-trunk-00000021").run(AsteriskTestCalls.caller("1", "2", "1", "1"));
            awaitRingAt("PJSIP/operator2");
            assertThat(ami.actions()).as("operator one's phone is never dialled")
                    .noneMatch(a -> "PJSIP/operator1".equals(a.get("Value")));
        }
    }

    @Test
    void aPhoneThatRangAndWasNotAnsweredStillSetsTheOperatorAwayAndTheDialplansLateReportChangesNothing()
            throws Exception {
        try (LiveClient one = LiveClient.connect(login("operator"))) {
            BlockingQueue<JsonNode> presenceOfOne = one.subscribe("/user/queue/presence");
            goAvailable(one);
            agi(agiPort, "1762000000.31", "PJSIP/hotline-trunk-00000031").run(AsteriskTestCalls.caller("1", "2", "1", "1"));
            String offer = awaitRingAt("PJSIP/operator1");
            ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
            ami.sendEvent(dial("DialBegin", "1762000000.31", "1762000000.32", null));
            ami.sendEvent(dial("DialEnd", "1762000000.31", "1762000000.32", "NOANSWER"));
            ami.sendEvent(dialFailed("1762000000.31", "PJSIP/hotline-trunk-00000031", "NOANSWER", offer));

            await(presenceOfOne, p -> p.get("presence").asString().equals("AWAY"), 5);
            Thread.sleep(300);
            assertThat(hotline.bean(RoutingView.class).presence(id("operator"))).isEqualTo(Presence.AWAY);
            assertThat(presenceOfOne.stream().map(p -> p.get("presence").asString()))
                    .doesNotContain("PHONE_NOT_CONNECTED");
        }
    }

    /** Waits for the Setvar of the operator's endpoint, and returns the offer number set with it. */
    private String awaitRingAt(String endpoint) {
        ami.awaitAction("Setvar", h -> "HOTLINE_OPERATOR_ENDPOINT".equals(h.get("Variable"))
                && endpoint.equals(h.get("Value")), WAIT);
        return ami.awaitAction("Setvar", h -> "HOTLINE_OFFER".equals(h.get("Variable")), WAIT).get("Value");
    }

    /** The event Asterisk sends for the sample dialplan's UserEvent(HotlineDialFailed,...). */
    private static Map<String, String> dialFailed(String uniqueId, String channel, String status, String offer) {
        return event("UserEvent", "Channel", channel, "ChannelState", "6", "ChannelStateDesc", "Up", "Uniqueid",
                uniqueId, "Linkedid", uniqueId, "Context", "hotline-connect", "Exten", "s", "Priority", "4",
                "UserEvent", "HotlineDialFailed", "Status", status, "Offer", offer);
    }

    private OperatorId id(String username) {
        return hotline.bean(Operators.class).byUsername(username).orElseThrow().id();
    }

    private ConsoleClient login(String username) {
        return ConsoleClient.login(hotline.base(), username, username + "-demo");
    }

    private ConsoleClient supervisor() {
        return login("supervisor");
    }
}
