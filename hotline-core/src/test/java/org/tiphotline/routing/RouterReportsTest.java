package org.tiphotline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.telephony.TelephonyPorts;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * A provider's report (queued, answered, unanswered, ended) is decided on the node's routing thread, not on the
 * thread that reported it: a Twilio webhook or an AMI event no longer waits for the routing lock. The reports of
 * one node are still decided in the order they were published.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class RouterReportsTest {

    private static final String PROVIDER = "pbxreports";

    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Calls calls;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private ApplicationEventPublisher events;
    @Autowired
    private org.tiphotline.cluster.Leadership leadership;
    @Autowired
    private org.jooq.DSLContext db;
    @Autowired
    private org.springframework.transaction.PlatformTransactionManager transactions;
    @Autowired
    private DataSource dataSource;

    /** Records whom each call is connected to. */
    private static final class RecordingPbx extends TestPbx {
        final List<String> connected = new ArrayList<>();

        RecordingPbx() {
            super(PROVIDER);
        }

        @Override
        public void connect(CallRef call, Operator operator) {
            synchronized (connected) {
                connected.add(call.providerCallId() + "->" + operator.username());
            }
        }

        List<String> connected() {
            synchronized (connected) {
                return List.copyOf(connected);
            }
        }
    }

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.get().reset();
    }

    @Test
    void aReportReturnsWhileAnotherNodeHoldsTheRoutingLockAndIsDecidedOnceItIsReleased() throws Exception {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        RecordingPbx pbx = new RecordingPbx();
        Router router = router(pbx);
        try {
            router.setPresence(operator.id(), Presence.AVAILABLE);
            Call.Queued queued = queued("CALL-1");
            try (Connection other = anotherNodeDeciding()) {
                long start = System.nanoTime();
                router.reported(queued);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("the reporting thread does not wait for the lock").isLessThan(Duration.ofSeconds(1));
                Thread.sleep(300);
                assertThat(pbx.connected()).as("nothing decided while the lock is held").isEmpty();
                assertThat(view().snapshot().waiting()).isEmpty();
                other.commit();
            }
            awaitConnected(pbx, 1);
            assertThat(pbx.connected()).containsExactly("CALL-1->" + operator.username());
        } finally {
            router.destroy();
        }
    }

    @Test
    void oneNodesReportsAreDecidedInTheOrderTheyWerePublished() throws Exception {
        Operator operator = FakeData.user(operators, Role.OPERATOR, "en");
        RecordingPbx pbx = new RecordingPbx();
        Router router = router(pbx);
        try {
            Call.Queued first = queued("GONE-1");
            Call.Queued second = queued("CALL-2");
            try (Connection other = anotherNodeDeciding()) {
                // The first caller hangs up before routing could decide anything; then the second is queued.
                router.reported(first);
                router.reported(new Call.Ended(first.call(), CallOutcome.ABANDONED_IN_QUEUE, null));
                router.reported(second);
                other.commit();
            }
            // Decided in the other order, the end would find nothing to remove and the first caller would wait.
            long deadline = System.currentTimeMillis() + 10_000;
            while (!view().snapshot().waiting().stream().map(w -> w.call()).toList().equals(List.of(second.call()))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(view().snapshot().waiting()).extracting(w -> w.call()).containsExactly(second.call());
            router.setPresence(operator.id(), Presence.AVAILABLE);
            awaitConnected(pbx, 1);
            assertThat(pbx.connected()).as("the caller who hung up is never offered")
                    .containsExactly("CALL-2->" + operator.username());
        } finally {
            router.destroy();
        }
    }

    /** Another node in the middle of a decision: it holds the routing lock until this connection commits. */
    private Connection anotherNodeDeciding() throws java.sql.SQLException {
        Connection other = dataSource.getConnection();
        other.setAutoCommit(false);
        try (Statement sql = other.createStatement()) {
            sql.execute("select pg_advisory_xact_lock(" + RoutingStore.LOCK_KEY + ")");
        }
        return other;
    }

    private Router router(TestPbx pbx) {
        return new Router(new RoutingSettings(Duration.ofSeconds(20), Duration.ofSeconds(30)),
                new RoutingStore(db, transactions), switchboard, calls, operators, new TelephonyPorts(List.of(pbx)),
                events, clock, leadership);
    }

    /** A caller through the menu and waiting, as the provider's reports leave them; the event routing gets. */
    private Call.Queued queued(String id) {
        CallRef ref = new CallRef(PROVIDER, id);
        switchboard.arrived(ref, FakeData.phone(7), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "NO");
        switchboard.ivrCompleted(ref);
        CallId call = calls.idOf(ref).orElseThrow();
        return new Call.Queued(call, false, "en", calls.load(call).orElseThrow().queuedAt());
    }

    private static void awaitConnected(RecordingPbx pbx, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (pbx.connected().size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(pbx.connected()).hasSizeGreaterThanOrEqualTo(count);
    }

    /** What any node reads: the routing state the decisions left in the database. */
    private RoutingView view() {
        return new RoutingView(new RoutingSettings(Duration.ofSeconds(20), Duration.ofSeconds(30)),
                new RoutingStore(db, transactions));
    }
}
