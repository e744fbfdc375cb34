package org.tiphotline.telephony.asterisk.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.AsteriskVersion;
import org.asteriskjava.manager.AuthenticationFailedException;
import org.asteriskjava.manager.DefaultManagerConnection;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.CoreShowChannelsCompleteEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.FullyBootedEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.manager.response.PingResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake is only worth having if the real Asterisk-Java client accepts it, so these drive the real client. */
@Timeout(60)
class FakeAmiPeerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeAmiPeer peer;
    private ManagerConnection connection;
    private final BlockingQueue<ManagerEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        peer = new FakeAmiPeer("user", "secret");
    }

    @AfterEach
    void stop() {
        if (connection != null && (connection.getState() == ManagerConnectionState.CONNECTED
                || connection.getState() == ManagerConnectionState.RECONNECTING)) {
            connection.logoff();
        }
        peer.close();
    }

    private ManagerConnection connect(String secret) {
        connection = new ManagerConnectionFactory("127.0.0.1", peer.port(), "user", secret).createManagerConnection();
        connection.addEventListener(events::add);
        return connection;
    }

    private <E extends ManagerEvent> E nextEvent(Class<E> type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ManagerEvent event = events.poll(50, TimeUnit.MILLISECONDS);
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
        throw new AssertionError("No " + type.getSimpleName() + " within " + WAIT);
    }

    @Test
    void realClientLogsInWithChallengeThenPings() throws Exception {
        connect("secret").login();

        assertThat(connection.getState()).isEqualTo(ManagerConnectionState.CONNECTED);
        assertThat(peer.logins()).isEqualTo(1);
        assertThat(peer.actions()).extracting(FakeAmiPeer.Action::name)
                .startsWith("Challenge", "Login", "CoreSettings");
        assertThat(peer.awaitAction("Login", WAIT)).containsEntry("AuthType", "MD5").containsKey("key");
        assertThat(connection.getVersion()).isEqualTo(AsteriskVersion.ASTERISK_18);
        nextEvent(FullyBootedEvent.class);

        ManagerResponse pong = connection.sendAction(new PingAction());

        assertThat(pong).isInstanceOf(PingResponse.class);
        assertThat(((PingResponse) pong).getPing()).isEqualTo("Pong");
        assertThat(((PingResponse) pong).getTimestamp()).matches("\\d+\\.\\d{6}");
    }

    @Test
    void coreShowChannelsParsesIntoAsteriskJavaEvents() throws Exception {
        var bridged = FakeAmiPeer.channel("PJSIP/trunk-00000007", "1735689600.7");
        bridged.put("Linkedid", "1735689600.6");
        bridged.put("BridgeId", "b1d6e5f0-0000-4000-8000-000000000001");
        bridged.put("Application", "AppDial");
        bridged.put("ApplicationData", "(Outgoing Line)");
        bridged.put("CallerIDNum", "+155501000002");
        peer.coreShowChannels(List.of(FakeAmiPeer.channel("PJSIP/trunk-00000006", "1735689600.6"), bridged));
        connect("secret").login();

        ResponseEvents answer = connection.sendEventGeneratingAction(new CoreShowChannelsAction());

        assertThat(answer.getResponse().getResponse()).isEqualTo("Success");
        List<CoreShowChannelEvent> rows = answer.getEvents().stream()
                .filter(CoreShowChannelEvent.class::isInstance).map(CoreShowChannelEvent.class::cast).toList();
        assertThat(rows).hasSize(2);
        CoreShowChannelEvent second = rows.get(1);
        assertThat(second.getChannel()).isEqualTo("PJSIP/trunk-00000007");
        assertThat(second.getUniqueid()).isEqualTo("1735689600.7");
        assertThat(second.getLinkedid()).isEqualTo("1735689600.6");
        assertThat(second.getBridgeid()).isEqualTo("b1d6e5f0-0000-4000-8000-000000000001");
        assertThat(second.getApplication()).isEqualTo("AppDial");
        assertThat(second.getApplicationdata()).isEqualTo("(Outgoing Line)");
        assertThat(second.getCallerIdNum()).isEqualTo("+155501000002");
        assertThat(second.getContext()).isEqualTo("from-trunk");
        assertThat(second.getExten()).isEqualTo("+155501000000");
        assertThat(second.getPriority()).isEqualTo(1);
        assertThat(second.getChannelState()).isEqualTo(6);
        assertThat(second.getChannelStateDesc()).isEqualTo("Up");
        assertThat(second.getDuration()).isEqualTo("00:00:05");
        assertThat(rows.get(0).getBridgeid()).isNullOrEmpty();
        CoreShowChannelsCompleteEvent complete = answer.getEvents().stream()
                .filter(CoreShowChannelsCompleteEvent.class::isInstance).map(CoreShowChannelsCompleteEvent.class::cast)
                .findFirst().orElseThrow();
        assertThat(complete.getListitems()).isEqualTo(2);
        assertThat(complete.getEventlist()).isEqualTo("Complete");
    }

    @Test
    void wrongPasswordIsRefused() {
        connect("not-the-secret");

        assertThatThrownBy(connection::login).isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("Authentication failed");
        assertThat(peer.logins()).isZero();
        assertThat(peer.awaitAction("Login", WAIT)).containsEntry("Username", "user");
        connection = null;
    }

    @Test
    void droppedConnectionIsReestablishedByTheLibrary() throws Exception {
        connect("secret").login();
        nextEvent(ConnectEvent.class);

        long dropped = System.nanoTime();
        assertThat(peer.dropConnections()).isEqualTo(1);

        nextEvent(DisconnectEvent.class);
        peer.awaitLogins(2, WAIT);
        nextEvent(ConnectEvent.class);
        assertThat(connection.getState()).isEqualTo(ManagerConnectionState.CONNECTED);
        assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isLessThan(Duration.ofSeconds(3));
        assertThat(((PingResponse) connection.sendAction(new PingAction())).getPing()).isEqualTo("Pong");
    }

    @Test
    void libraryRetriesWhileAsteriskIsDownAndLogsInWhenItIsBack() throws Exception {
        connect("secret").login();

        peer.stopListening();
        nextEvent(DisconnectEvent.class);
        Thread.sleep(200);
        assertThat(connection.getState()).isEqualTo(ManagerConnectionState.RECONNECTING);
        peer.startListening();

        peer.awaitLogins(2, WAIT);
        nextEvent(ConnectEvent.class);
        assertThat(connection.getState()).isEqualTo(ManagerConnectionState.CONNECTED);
    }

    @Test
    void wedgedAsteriskIsNoticedOnlyThroughASocketReadTimeout() throws Exception {
        // The library has no liveness check of its own: without a read timeout a silent peer stays CONNECTED.
        DefaultManagerConnection withReadTimeout =
                new DefaultManagerConnection("127.0.0.1", peer.port(), "user", "secret");
        withReadTimeout.setSocketReadTimeout(700);
        connection = withReadTimeout;
        connection.addEventListener(events::add);
        connection.login();

        peer.unresponsive(true);
        nextEvent(DisconnectEvent.class);
        peer.unresponsive(false);

        // Had the peer stayed silent, each retry would have waited out the 2 s banner timeout before the next.
        peer.awaitLogins(2, WAIT);
        nextEvent(ConnectEvent.class);
    }

    @Test
    void asyncOriginateAnswersThenReportsTheOutcome() throws Exception {
        connect("secret").login();
        OriginateAction originate = new OriginateAction();
        originate.setChannel("PJSIP/+155501000003@trunk");
        originate.setContext("hotline-outbound");
        originate.setExten("s");
        originate.setPriority(1);
        originate.setAsync(true);
        originate.setActionId("callback-1");

        ResponseEvents answer = connection.sendEventGeneratingAction(originate, 5000);

        assertThat(answer.getResponse().getResponse()).isEqualTo("Success");
        OriginateResponseEvent outcome = (OriginateResponseEvent) answer.getEvents().stream()
                .filter(OriginateResponseEvent.class::isInstance).findFirst().orElseThrow();
        assertThat(outcome.getResponse()).isEqualTo("Success");
        assertThat(outcome.getActionId()).isEqualTo("callback-1");
        assertThat(outcome.getReason()).isEqualTo(FakeAmiPeer.REASON_ANSWERED);
        assertThat(outcome.getChannel()).startsWith("PJSIP/trunk-");
        assertThat(outcome.getUniqueId()).isNotBlank();
        assertThat(peer.awaitAction("Originate", WAIT)).containsEntry("Async", "true")
                .containsEntry("Channel", "PJSIP/+155501000003@trunk");

        peer.originateResult(false, FakeAmiPeer.REASON_BUSY);
        originate.setActionId("callback-2");
        ResponseEvent failed = connection.sendEventGeneratingAction(originate, 5000).getEvents().stream()
                .filter(OriginateResponseEvent.class::isInstance).findFirst().orElseThrow();
        assertThat(((OriginateResponseEvent) failed).getResponse()).isEqualTo("Failure");
        assertThat(((OriginateResponseEvent) failed).getReason()).isEqualTo(FakeAmiPeer.REASON_BUSY);
    }

    @Test
    void responderCanRefuseAnActionAndPushedEventsArrive() throws Exception {
        peer.respond("Redirect", FakeAmiPeer.error("No such channel"));
        connect("secret").login();

        ManagerResponse refused = connection.sendAction(
                new RedirectAction("PJSIP/trunk-00000009", "hotline-queue", "s", 1));

        assertThat(refused).isInstanceOf(ManagerError.class);
        assertThat(refused.getMessage()).isEqualTo("No such channel");
        Map<String, String> redirect = peer.awaitAction("redirect", h -> "hotline-queue".equals(h.get("context")), WAIT);
        assertThat(redirect).containsEntry("Channel", "PJSIP/trunk-00000009");

        int delivered = peer.sendEvent(FakeAmiPeer.event("Hangup", "Privilege", "call,all",
                "Channel", "PJSIP/trunk-00000009", "Uniqueid", "1735689600.9", "Linkedid", "1735689600.9",
                "Cause", "16", "Cause-txt", "Normal Clearing"));

        assertThat(delivered).isEqualTo(1);
        HangupEvent hangup = nextEvent(HangupEvent.class);
        assertThat(hangup.getUniqueId()).isEqualTo("1735689600.9");
        assertThat(hangup.getCause()).isEqualTo(16);
    }

    @Test
    void anEventCutInHalfNeverReachesTheClientAndTheLinkComesBack() throws Exception {
        connect("secret").login();
        nextEvent(ConnectEvent.class);

        assertThat(peer.dropMidEvent(FakeAmiPeer.event("Hangup", "Privilege", "call,all", "Channel",
                "PJSIP/trunk-0000000a", "Uniqueid", "1735689600.10", "Linkedid", "1735689600.10", "Cause", "16",
                "Cause-txt", "Normal Clearing"))).isEqualTo(1);

        nextEvent(DisconnectEvent.class);
        peer.awaitLogins(2, WAIT);
        nextEvent(ConnectEvent.class);
        // Pushed after the reconnection: proves events flow again, and that the half one was not delivered.
        peer.sendEvent(FakeAmiPeer.event("Hangup", "Privilege", "call,all", "Channel", "PJSIP/trunk-0000000b",
                "Uniqueid", "1735689600.11", "Linkedid", "1735689600.11", "Cause", "16"));
        assertThat(nextEvent(HangupEvent.class).getUniqueId()).isEqualTo("1735689600.11");
    }
}
