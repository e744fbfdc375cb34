package org.tiphotline.console.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.db.Tables.SIGN_IN_EVENT;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.BlockingQueue;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import tools.jackson.databind.JsonNode;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.SimCalls;
import org.tiphotline.console.testing.TestClock;

/**
 * Idle and absolute session limits on a clock the test moves: a request is activity, the role's own idle limit
 * applies, an operator with a call in progress is kept, and no amount of activity outlasts the absolute limit.
 * Each ended session leaves its row in the sign-in log.
 */
class SessionLimitsTest {

    @TempDir
    static Path data;

    private static TestClock clock;
    private static RunningHotline hotline;

    @BeforeAll
    static void start() {
        clock = new TestClock();
        hotline = RunningHotline.start(data, Map.of(
                "hotline.sessions.idle", "30m",
                "hotline.sessions.idle-by-role.SUPERVISOR", "10m",
                "hotline.sessions.absolute", "2h",
                "hotline.wallboard.session-timeout", "3h"), clock);
    }

    @AfterAll
    static void stop() {
        if (hotline != null) {
            hotline.close();
        }
    }

    @Test
    void aRequestKeepsTheSessionAndThirtyIdleMinutesEndIt() {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        clock.advance(Duration.ofMinutes(29));
        assertThat(operator.get("/api/me").status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(29));
        assertThat(operator.get("/api/me").status()).as("58 minutes in, 29 since the last request").isEqualTo(200);
        clock.advance(Duration.ofMinutes(30));
        assertThat(operator.get("/api/me").status()).isEqualTo(401);
        // Ended for good: the session is gone, not just refused once.
        assertThat(operator.get("/api/me").status()).isEqualTo(401);
        assertThat(lastOutcome("operator2")).isEqualTo("IDLE_TIMEOUT");
    }

    @Test
    void aRoleHasItsOwnIdleLimitAndAPageIsSentToTheSignInForm() {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        clock.advance(Duration.ofMinutes(9));
        assertThat(supervisor.get("/api/me").status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(10));
        ConsoleClient.Text page = supervisor.getText("/supervisor.html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/login?ended");
        assertThat(lastOutcome("supervisor")).isEqualTo("IDLE_TIMEOUT");
    }

    @Test
    void anOperatorOnACallIsNotSignedOutMidCall() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 061", "language", "en"));
        // A long call with nothing clicked: the live channel's heart-beats are not requests, the call keeps it.
        clock.advance(Duration.ofMinutes(45));
        assertThat(operator.get("/api/me").status()).isEqualTo(200);
        assertThat(lastOutcome("operator")).isEqualTo("SIGNED_IN");
    }

    @Test
    void aLapsedSessionIsEndedWithoutWaitingForARequestAndItsLiveChannelCloses() throws Exception {
        ConsoleClient supervisor = ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
        assertThat(supervisor.get("/api/me").status()).isEqualTo(200);
        try (LiveClient live = LiveClient.connect(supervisor)) {
            clock.advance(Duration.ofMinutes(9));
            hotline.bean(SessionLimits.class).sweep();
            assertThat(live.isConnected()).as("9 of 10 idle minutes").isTrue();
            clock.advance(Duration.ofMinutes(2));
            // Other tests' sessions on the same clock may lapse in the same sweep.
            assertThat(hotline.bean(SessionLimits.class).sweep()).isPositive();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (live.isConnected() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(live.isConnected()).as("the console's live channel is closed").isFalse();
        }
        assertThat(lastOutcome("supervisor")).isEqualTo("IDLE_TIMEOUT");
        assertThat(supervisor.get("/api/me").status()).isEqualTo(401);
    }

    @Test
    void anOperatorWaitingForCallsIsOnDutyAndOneSetAwayIsNot() throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator2", "operator2-demo");
        assertThat(operator.get("/api/me").status()).isEqualTo(200);
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            live.send("/app/presence", Map.of("presence", "AVAILABLE"));
            LiveClient.await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
            clock.advance(Duration.ofMinutes(45));
            hotline.bean(SessionLimits.class).sweep();
            assertThat(live.isConnected()).as("a quiet night, waiting for calls").isTrue();
            assertThat(operator.get("/api/me").status()).isEqualTo(200);
            live.send("/app/presence", Map.of("presence", "AWAY"));
            LiveClient.await(presence, p -> p.get("presence").asString().equals("AWAY"), 5);
            clock.advance(Duration.ofMinutes(31));
            assertThat(hotline.bean(SessionLimits.class).sweep()).isPositive();
        }
        assertThat(operator.get("/api/me").status()).isEqualTo(401);
    }

    /**
     * The wall display (issue 20) stays signed in while its page renews the session, well past every other role's
     * absolute limit, and is ended by its own idle limit once nothing renews it: by a sweep, with no request.
     */
    @Test
    void theWallDisplayStaysSignedInWhileItsPageRenewsTheSessionAndNoLonger() {
        ConsoleClient wall = ConsoleClient.login(hotline.base(), "wallboard", "wallboard-demo");
        assertThat(wall.get("/api/floor").status()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(170));
            assertThat(wall.get("/api/me").status()).as("%d min after sign-in", (i + 1) * 170).isEqualTo(200);
        }
        // Others keep their limits: a data manager idle for 31 minutes meanwhile is ended.
        ConsoleClient dataManager = ConsoleClient.login(hotline.base(), "datamanager", "datamanager-demo");
        assertThat(dataManager.get("/api/me").status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(31));
        assertThat(dataManager.get("/api/me").status()).isEqualTo(401);
        assertThat(wall.get("/api/floor").status()).as("14 h 41 min after sign-in").isEqualTo(200);
        // The page is closed: nothing renews the session, and 3 h later the sweep ends it.
        clock.advance(Duration.ofMinutes(179));
        hotline.bean(SessionLimits.class).sweep();
        assertThat(lastOutcome("wallboard")).isEqualTo("SIGNED_IN");
        clock.advance(Duration.ofMinutes(2));
        assertThat(hotline.bean(SessionLimits.class).sweep()).isPositive();
        assertThat(lastOutcome("wallboard")).isEqualTo("IDLE_TIMEOUT");
        assertThat(wall.get("/api/floor").status()).isEqualTo(401);
    }

    @Test
    void noActivityOutlastsTheAbsoluteLimit() {
        ConsoleClient leader = ConsoleClient.login(hotline.base(), "leader", "leader-demo");
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMinutes(29));
            assertThat(leader.get("/api/me").status()).isEqualTo(200);
        }
        clock.advance(Duration.ofMinutes(4));
        assertThat(leader.get("/api/me").status()).as("2 h after sign-in").isEqualTo(401);
        assertThat(lastOutcome("leader")).isEqualTo("SESSION_LIMIT");
        // Signing in again starts a new session with its own limits.
        assertThat(ConsoleClient.login(hotline.base(), "leader", "leader-demo").get("/api/me").status())
                .isEqualTo(200);
    }

    private static String lastOutcome(String username) {
        DSLContext db = hotline.bean(DSLContext.class);
        return db.select(SIGN_IN_EVENT.OUTCOME).from(SIGN_IN_EVENT).where(SIGN_IN_EVENT.USERNAME.eq(username))
                .orderBy(SIGN_IN_EVENT.ID.desc()).limit(1).fetchOne(SIGN_IN_EVENT.OUTCOME);
    }
}
