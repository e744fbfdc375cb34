package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.caller;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.dial;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.goAvailable;
import static org.tiphotline.console.testing.LiveClient.await;
import static org.tiphotline.db.Tables.ASTERISK_CHANNEL;
import static org.tiphotline.db.Tables.ASTERISK_COMMAND;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.telephony.asterisk.testing.FakeAmiPeer.event;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.console.asterisk.AsteriskTestSettings;
import org.tiphotline.console.callbacks.NoonZone;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.DialledCallbacks;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.TelephonyPorts;
import org.tiphotline.telephony.TelephonyStatus;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes of the hotline on one PostgreSQL and one Asterisk (a fake AMI peer, FastAGI on loopback), both with the
 * Asterisk bridge on: only the leading node logs in to AMI, a caller whose IVR ran on the other node is rung through
 * the leader's link, commands the follower hands over are carried out once, and when the leader stops the other
 * node takes the link, resyncs and carries out what was still pending.
 */
class AsteriskTwoNodesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "test-only-ami-secret";
    private static final String HOTLINE_NUMBER = "+15550100999";
    /** The caller's number of {@link org.tiphotline.console.asterisk.AsteriskTestCalls#agi}. */
    private static final String CALLER = "+15550100142";

    @TempDir
    Path first;
    @TempDir
    Path second;

    FakeAmiPeer ami;
    RunningHotline leader;
    RunningHotline follower;
    int leaderAgi;
    int followerAgi;

    @BeforeEach
    void start() {
        ami = new FakeAmiPeer("tiphotline", SECRET).banner("Asterisk Call Manager/9.0.0").asteriskVersion("20.5.0");
        leaderAgi = AgiPort.free();
        Map<String, String> leaderSettings = AsteriskTestSettings.of(leaderAgi, ami, SECRET);
        leaderSettings.put("hotline.telephony.asterisk.endpoints.operator", "PJSIP/operator1");
        leaderSettings.put("hotline.telephony.asterisk.endpoints.operator2", "PJSIP/operator2");
        leaderSettings.put("hotline.telephony.asterisk.endpoints.supervisor", "PJSIP/supervisor1");
        leaderSettings.put("hotline.telephony.asterisk.callback.caller-id", HOTLINE_NUMBER);
        leaderSettings.put("hotline.jurisdiction.time-zone", NoonZone.now());
        leaderSettings.put("hotline.cluster.node", "first");
        leader = RunningHotline.start(first, leaderSettings);
        ami.awaitAction("CoreShowChannels", WAIT);
        followerAgi = AgiPort.free();
        Map<String, String> followerSettings = AsteriskTestSettings.of(followerAgi, ami, SECRET);
        followerSettings.put("hotline.telephony.asterisk.endpoints.operator", "PJSIP/operator1");
        followerSettings.put("hotline.telephony.asterisk.endpoints.operator2", "PJSIP/operator2");
        followerSettings.put("hotline.telephony.asterisk.endpoints.supervisor", "PJSIP/supervisor1");
        followerSettings.put("hotline.telephony.asterisk.callback.caller-id", HOTLINE_NUMBER);
        followerSettings.put("hotline.jurisdiction.time-zone", NoonZone.now());
        follower = RunningHotline.secondNode(leader, second, followerSettings);
    }

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.close();
        }
        if (leader != null) {
            leader.close();
        }
        ami.close();
    }

    @Test
    void onlyTheLeadingNodeLogsInToAmiTheOtherIsReady() throws Exception {
        assertThat(leader.bean(Leadership.class).leads()).isTrue();
        assertThat(follower.bean(Leadership.class).leads()).isFalse();
        // The follower had every chance to log in: several of its 200 ms retry intervals.
        Thread.sleep(1500);
        assertThat(ami.logins()).as("one AMI login, the leader's").isEqualTo(1);
        assertThat(ami.openConnections()).isEqualTo(1);
        assertThat(amiLink(leader).up()).isTrue();
        assertThat(amiLink(follower).up()).isFalse();
        assertThat(amiLink(follower).detail()).isEqualTo("held by the leading node");
    }

    /**
     * The caller's IVR runs on the follower and routing (shared, in PostgreSQL) offers the call from there at once;
     * the connect goes to the node holding the AMI link, which finds the caller's channel that only the follower's
     * FastAGI session saw, and from then on follows the call on Asterisk's events.
     */
    @Test
    void aCallerWhoseIvrRanOnTheFollowerIsConnectedThroughTheLeadersAmi() throws Exception {
        ConsoleClient operator = ConsoleClient.login(leader.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            goAvailable(live);

            agi(followerAgi, "1761000100.11", "PJSIP/hotline-trunk-00000101").run(caller("1", "2", "1", "1"));
            assertThat(db().fetchExists(ASTERISK_CHANNEL, ASTERISK_CHANNEL.UNIQUE_ID.eq("1761000100.11")))
                    .as("the follower registered the caller for the node holding the AMI link").isTrue();

            Map<String, String> endpoint = ami.awaitAction("Setvar",
                    h -> "HOTLINE_OPERATOR_ENDPOINT".equals(h.get("Variable")), WAIT);
            assertThat(endpoint).containsEntry("Channel", "PJSIP/hotline-trunk-00000101")
                    .containsEntry("Value", "PJSIP/operator1");
            assertThat(ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT))
                    .containsEntry("Channel", "PJSIP/hotline-trunk-00000101");

            // From here Asterisk's events for the caller reach the leader only, and it follows the call.
            ami.sendEvent(dial("DialBegin", "1761000100.11", "1761000100.12", null));
            assertThat(await(pops, p -> true, 5).get("providerCallId").asString()).isEqualTo("1761000100.11");
            ami.sendEvent(dial("DialEnd", "1761000100.11", "1761000100.12", "ANSWER"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
            ami.sendEvent(event("Hangup", "Channel", "PJSIP/hotline-trunk-00000101", "Uniqueid", "1761000100.11",
                    "Linkedid", "1761000100.11", "Cause", "16"));
            await(calls, c -> c.get("state").asString().equals("ENDED"), 5);
            assertThat(db().fetchExists(ASTERISK_CHANNEL, ASTERISK_CHANNEL.UNIQUE_ID.eq("1761000100.11")))
                    .as("the shared registration goes with the channel").isFalse();
        }
    }

    /**
     * A supervisor whose page is served by the follower listens in and stops: both are handed over (V58's kinds)
     * and the leader's link carries them out as ChanSpy on the operator's channel and a Hangup of that leg.
     */
    @Test
    void listeningInAskedOnTheFollowerGoesOutThroughTheLeadersAmi() throws Exception {
        ConsoleClient operator = ConsoleClient.login(leader.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            goAvailable(live);
            agi(leaderAgi, "1761000100.51", "PJSIP/hotline-trunk-00000151").run(caller("1", "2", "1", "1"));
            ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
            ami.sendEvent(dial("DialBegin", "1761000100.51", "1761000100.52", null));
            String call = await(pops, p -> true, 5).get("call").asString();
            ami.sendEvent(dial("DialEnd", "1761000100.51", "1761000100.52", "ANSWER"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);

            ConsoleClient supervisor = ConsoleClient.login(follower.base(), "supervisor", "supervisor-demo");
            assertThat(supervisor.post("/api/supervision/calls/" + call, Map.of("mode", "JOIN")).status())
                    .isEqualTo(200);
            Map<String, String> spy = ami.awaitAction("Originate", h -> "ChanSpy".equals(h.get("Application")), WAIT);
            assertThat(spy).containsEntry("Channel", "PJSIP/supervisor1")
                    .containsEntry("Data", "PJSIP/operator1-00000052,quEB");
            assertThat(supervisor.delete("/api/supervision/calls/" + call).status()).isEqualTo(200);
            ami.awaitAction("Hangup", h -> spy.get("ChannelId").equals(h.get("Channel")), WAIT);
            assertThat(db().select(ASTERISK_COMMAND.KIND, ASTERISK_COMMAND.OUTCOME).from(ASTERISK_COMMAND)
                    .where(ASTERISK_COMMAND.CALL_REF.eq("1761000100.51")).orderBy(ASTERISK_COMMAND.SEQ)
                    .fetch(r -> r.value1() + ": " + r.value2()))
                    .containsExactly("SUPERVISE_JOIN: carried out", "END_JOIN: carried out");
        }
    }

    /**
     * A consult and its hand-over asked on the follower (issue 20 F): handed over as V60's kinds, carried out by the
     * leader's link as the colleague's Originate into the consult conference, then that leg Redirected into the
     * caller's conference and the operator's channel hung up.
     */
    @Test
    void aConsultAndItsHandOverAskedOnTheFollowerGoOutThroughTheLeadersAmi() throws Exception {
        ConsoleClient operator = ConsoleClient.login(leader.base(), "operator", "operator-demo");
        ConsoleClient colleague = ConsoleClient.login(leader.base(), "operator2", "operator2-demo");
        try (LiveClient live = LiveClient.connect(operator); LiveClient liveTwo = LiveClient.connect(colleague)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            BlockingQueue<JsonNode> calls = live.subscribe("/user/queue/call");
            goAvailable(live);
            agi(leaderAgi, "1761000100.61", "PJSIP/hotline-trunk-00000161").run(caller("1", "2", "1", "1"));
            ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
            ami.sendEvent(dial("DialBegin", "1761000100.61", "1761000100.62", null));
            String call = await(pops, p -> true, 5).get("call").asString();
            ami.sendEvent(dial("DialEnd", "1761000100.61", "1761000100.62", "ANSWER"));
            await(calls, c -> c.get("state").asString().equals("TALKING"), 5);
            goAvailable(liveTwo);
            long colleagueId = colleague.get("/api/me").body().get("id").asLong();
            String leg = "consult-" + colleagueId + "-1761000100.61";

            ConsoleClient onFollower = ConsoleClient.login(follower.base(), "operator", "operator-demo");
            assertThat(onFollower.post("/api/console/calls/" + call + "/consult", Map.of("colleague", colleagueId))
                    .status()).isEqualTo(200);
            assertThat(ami.awaitAction("Originate", h -> leg.equals(h.get("ChannelId")), WAIT))
                    .containsEntry("Channel", "PJSIP/operator2").containsEntry("Exten", "consult");
            assertThat(onFollower.post("/api/console/calls/" + call + "/consult/hand-over", null).status())
                    .isEqualTo(200);
            assertThat(ami.awaitAction("Redirect", h -> leg.equals(h.get("Channel")), WAIT))
                    .containsEntry("Exten", "operator");
            ami.awaitAction("Hangup", h -> "PJSIP/operator1-00000062".equals(h.get("Channel")), WAIT);
            assertThat(db().select(ASTERISK_COMMAND.KIND, ASTERISK_COMMAND.OUTCOME).from(ASTERISK_COMMAND)
                    .where(ASTERISK_COMMAND.CALL_REF.eq("1761000100.61")).orderBy(ASTERISK_COMMAND.SEQ)
                    .fetch(r -> r.value1() + ": " + r.value2()))
                    .containsExactly("CONSULT: carried out", "HAND_OVER: carried out");
        }
    }

    /**
     * What the follower's routing would do: record an offer and connect the call through its own port. The command
     * reaches the leader (NOTIFY) and goes out once, however often the leader looks for pending commands after.
     */
    @Test
    void aConnectHandedOverByTheFollowerIsCarriedOutByTheLeaderExactlyOnce() throws Exception {
        agi(followerAgi, "1761000100.21", "PJSIP/hotline-trunk-00000121").run(caller("1", "2", "1", "1"));
        Operator operator = follower.bean(Operators.class).byUsername("operator").orElseThrow();
        CallRef ref = new CallRef("asterisk", "1761000100.21");
        CallId id = follower.bean(Calls.class).idOf(ref).orElseThrow();
        assertThat(follower.bean(Switchboard.class).offered(id, operator.id())).isTrue();

        try (Connection listening = leader.bean(DataSource.class).getConnection()) {
            // Listening as the leader does, to see what crosses between the nodes.
            listening.setAutoCommit(true);
            try (Statement listen = listening.createStatement()) {
                listen.execute("LISTEN asterisk_command");
            }
            long before = System.nanoTime();
            follower.bean(TelephonyPorts.class).of("asterisk").connect(ref, operator);
            ami.awaitAction("Redirect", h -> "PJSIP/hotline-trunk-00000121".equals(h.get("Channel")), WAIT);
            long tookMillis = (System.nanoTime() - before) / 1_000_000;
            assertThat(tookMillis).as("the leader acts at once, not at its next poll").isLessThan(2000);
            PGNotification[] notified = listening.unwrap(PGConnection.class).getNotifications(2000);
            assertThat(notified).hasSize(1);
            assertThat(notified[0].getParameter()).as("the NOTIFY carries the command's id and nothing else")
                    .isEqualTo(db().select(ASTERISK_COMMAND.ID).from(ASTERISK_COMMAND)
                            .where(ASTERISK_COMMAND.CALL_REF.eq("1761000100.21")).fetchOne(ASTERISK_COMMAND.ID)
                            .toString());
        }

        // The leader's poll (every 3 s) and a reconnection's resync both look for pending commands again.
        ami.dropConnections();
        ami.awaitLogins(2, WAIT);
        Thread.sleep(3500);
        assertThat(redirectsOf("PJSIP/hotline-trunk-00000121")).as("carried out once").isEqualTo(1);
        assertThat(ami.actions()).filteredOn(a -> a.name().equalsIgnoreCase("Setvar")
                && "PJSIP/hotline-trunk-00000121".equals(a.get("Channel"))
                && "HOTLINE_OPERATOR_ENDPOINT".equals(a.get("Variable"))).hasSize(1);
        var row = db().selectFrom(ASTERISK_COMMAND).where(ASTERISK_COMMAND.CALL_REF.eq("1761000100.21")).fetchOne();
        assertThat(row.getKind()).isEqualTo("CONNECT");
        assertThat(row.getFromNode()).isEqualTo("second");
        assertThat(row.getDoneBy()).isEqualTo("first");
        assertThat(row.getOutcome()).isEqualTo("carried out");
    }

    /**
     * The leader stops leading (as a stopping node does first) while a command waits: Asterisk was unreachable, so
     * nobody could carry it out. The other node logs in within seconds, resyncs, and carries out the command that
     * still stands, and drops the one whose offer was withdrawn meanwhile.
     */
    @Test
    void whenTheLeaderStopsTheOtherNodeTakesTheLinkResyncsAndCarriesOutWhatIsStillPending() throws Exception {
        agi(followerAgi, "1761000100.31", "PJSIP/hotline-trunk-00000131").run(caller("1", "2", "1", "1"));
        agi(followerAgi, "1761000100.41", "PJSIP/hotline-trunk-00000141").run(caller("1", "2", "1", "1"));
        Operator operator = follower.bean(Operators.class).byUsername("operator").orElseThrow();
        Operator operator2 = follower.bean(Operators.class).byUsername("operator2").orElseThrow();
        Switchboard switchboard = follower.bean(Switchboard.class);
        CallRef stands = new CallRef("asterisk", "1761000100.31");
        CallRef withdrawn = new CallRef("asterisk", "1761000100.41");
        Calls calls = follower.bean(Calls.class);

        ami.stopListening();
        awaitDown(leader);
        // Routing offers the first caller to the first operator and the second to the other, on the follower; the
        // second operator goes away while it rings, which withdraws that offer. Nobody holds AMI meanwhile.
        Router router = follower.bean(Router.class);
        router.setPresence(operator.id(), Presence.AVAILABLE);
        awaitState(calls, stands, CallState.RINGING);
        router.setPresence(operator2.id(), Presence.AVAILABLE);
        awaitState(calls, withdrawn, CallState.RINGING);
        router.setPresence(operator2.id(), Presence.AWAY);
        awaitState(calls, withdrawn, CallState.QUEUED);
        Thread.sleep(500);
        assertThat(db().fetchCount(ASTERISK_COMMAND, ASTERISK_COMMAND.DONE_AT.isNull()
                .and(ASTERISK_COMMAND.KIND.eq("CONNECT")))).isEqualTo(2);

        // Asterisk lists both callers waiting with music when the new leader asks.
        ami.coreShowChannels(List.of(waiting("PJSIP/hotline-trunk-00000131", "1761000100.31"),
                waiting("PJSIP/hotline-trunk-00000141", "1761000100.41")));
        ami.clearActions();
        long before = System.nanoTime();
        leader.bean(Leadership.class).destroy();
        ami.startListening();

        ami.awaitAction("CoreShowChannels", WAIT);
        Map<String, String> redirect = ami.awaitAction("Redirect",
                h -> "PJSIP/hotline-trunk-00000131".equals(h.get("Channel")), WAIT);
        assertThat(redirect).containsEntry("Context", "hotline-connect");
        long tookMillis = (System.nanoTime() - before) / 1_000_000;
        assertThat(tookMillis).as("taken over within a few seconds").isLessThan(5000);
        assertThat(follower.bean(Leadership.class).leads()).isTrue();
        assertThat(amiLink(follower).up()).isTrue();
        assertThat(amiLink(leader).detail()).isEqualTo("held by the leading node");
        assertThat(ami.logins()).as("the first node did not log in again").isEqualTo(2);

        Thread.sleep(500);
        assertThat(redirectsOf("PJSIP/hotline-trunk-00000141")).as("an offer withdrawn meanwhile is not rung")
                .isZero();
        assertThat(db().select(ASTERISK_COMMAND.CALL_REF, ASTERISK_COMMAND.OUTCOME, ASTERISK_COMMAND.DONE_BY)
                .from(ASTERISK_COMMAND).where(ASTERISK_COMMAND.KIND.eq("CONNECT")).orderBy(ASTERISK_COMMAND.SEQ)
                .fetch().map(r -> r.value1() + " " + r.value2() + " by " + r.value3()))
                .containsExactly("1761000100.31 carried out by second",
                        "1761000100.41 the offer no longer stands: the call is queued by second");
    }

    /**
     * A callback dialled on the follower: the person's number crosses to the leader encrypted, is read there once
     * (audited, in the operator's name) for the Originate, and erased from the hand-over once it is done.
     */
    @Test
    void aCallbackDialledOnTheFollowerIsOriginatedByTheLeaderAndItsNumberIsErasedFromTheHandover()
            throws Exception {
        agi(leaderAgi, "1761000100.51", "PJSIP/hotline-trunk-00000151").run(new FastAgiClient.Script()
                .inputs("1", "2", "1"));
        ami.sendEvent(event("Hangup", "Channel", "PJSIP/hotline-trunk-00000151", "Uniqueid", "1761000100.51",
                "Linkedid", "1761000100.51", "Cause", "16"));
        CallId earlier = DialledCallbacks.ended(leader, new CallRef("asterisk", "1761000100.51")).id();

        CallId id = DialledCallbacks.dial(follower, earlier, "operator");

        String leg = "cb-" + id;
        ami.awaitAction("Originate", h -> leg.equals(h.get("ChannelId")), WAIT);
        FakeAmiPeer.Action originate = ami.actions().stream()
                .filter(a -> a.name().equals("Originate") && leg.equals(a.get("ChannelId"))).findFirst().orElseThrow();
        assertThat(originate.get("Channel")).isEqualTo("PJSIP/operator1");
        assertThat(originate.getAll("Variable")).contains("HOTLINE_CALLBACK_DIAL=PJSIP/" + CALLER + "@escalation-trunk");
        var row = db().selectFrom(ASTERISK_COMMAND).where(ASTERISK_COMMAND.CALL_REF.eq(leg)).fetchOne();
        assertThat(row.getKind()).isEqualTo("CALL_BACK");
        assertThat(row.getOutcome()).isEqualTo("carried out");
        assertThat(row.getNumberEnc()).as("erased once done").isNull();
        assertThat(db().fetchCount(AUDIT_LOG, AUDIT_LOG.ACTION.eq("READ"), AUDIT_LOG.ENTITY.eq("asterisk_command"),
                AUDIT_LOG.ENTITY_ID.eq(row.getId().toString()), AUDIT_LOG.ACTOR.eq("operator"))).isEqualTo(1);
    }

    private static Map<String, String> waiting(String channel, String uniqueId) {
        Map<String, String> row = FakeAmiPeer.channel(channel, uniqueId);
        row.put("Context", "hotline-wait");
        row.put("Exten", "s");
        row.put("Application", "MusicOnHold");
        row.put("ApplicationData", "hotline,900");
        return row;
    }

    private static void awaitState(Calls calls, CallRef ref, CallState state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (calls.idOf(ref).flatMap(calls::load).map(Call::state).orElse(null) != state) {
            assertThat(System.nanoTime()).as(ref.providerCallId() + " " + state).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private long redirectsOf(String channel) {
        return ami.actions().stream()
                .filter(a -> a.name().equalsIgnoreCase("Redirect") && channel.equals(a.get("Channel"))).count();
    }

    private DSLContext db() {
        return leader.bean(DSLContext.class);
    }

    private static Call record(RunningHotline node, String uniqueId) {
        Calls calls = node.bean(Calls.class);
        return calls.load(calls.idOf(new CallRef("asterisk", uniqueId)).orElseThrow()).orElseThrow();
    }

    private static TelephonyStatus.Link amiLink(RunningHotline node) {
        return node.bean("asteriskStatus", TelephonyStatus.class).links().getFirst();
    }

    private static void awaitDown(RunningHotline node) throws InterruptedException {
        long until = System.nanoTime() + WAIT.toNanos();
        while (amiLink(node).up() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(amiLink(node).up()).as("the leader noticed Asterisk is gone").isFalse();
    }
}
