package org.tiphotline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.telephony.TelephonyPort;
import org.tiphotline.telephony.TelephonyPorts;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * After a restart the router asks each provider which calls it still carries: those it carries go back in
 * the queue (one that was ringing counts as unanswered), those it does not are closed, none stays open.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class RouterRestoreTest {

    private static final String PROVIDER = "pbxrestore";

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

    /** A PBX that still carries some calls after the restart and records what it is asked to do. */
    private final class StillRunningPbx implements TelephonyPort {
        final Set<String> live;
        final List<String> connected = new ArrayList<>();

        StillRunningPbx(Set<String> live) {
            this.live = live;
        }

        @Override
        public String provider() {
            return PROVIDER;
        }

        @Override
        public void connect(CallRef call, Operator operator) {
            synchronized (connected) {
                connected.add(call.providerCallId() + "->" + operator.username());
            }
        }

        @Override
        public void withdraw(CallRef call, Operator operator) {}

        @Override
        public void conference(CallRef call, String number) {}

        @Override
        public void transfer(CallRef call, String number) {}

        @Override
        public void hangUp(CallRef call) {}

        @Override
        public Optional<Set<String>> liveCalls() {
            return Optional.of(live);
        }

        @Override
        public Optional<String> cannotCallBack(Operator operator) {
            return Optional.of("this test PBX does not call back");
        }

        @Override
        public void callBack(CallRef newCall, Operator operator, String number) {
            throw new IllegalStateException("this test PBX does not call back");
        }
    }

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.get().reset();
    }

    @Test
    void callsThePbxStillCarriesAreQueuedAgainAndTheOthersClosed() throws Exception {
        Operator ringingAt = FakeData.user(operators, Role.OPERATOR, "en");
        CallRef waiting = queued("WAITING-1", "NO");
        CallRef ringing = queued("RINGING-1", "YES");
        CallRef gone = queued("GONE-1", "NO");
        CallId ringingId = calls.idOf(ringing).orElseThrow();
        switchboard.offered(ringingId, ringingAt.id());
        switchboard.ringing(ringing, ringingAt.id());
        clock.advance(Duration.ofMinutes(2));

        StillRunningPbx pbx = new StillRunningPbx(Set.of("WAITING-1", "RINGING-1"));
        Router router = new Router(new RoutingSettings(Duration.ofSeconds(20), Duration.ofSeconds(30)), switchboard,
                calls, operators, new TelephonyPorts(List.of(pbx)), events, clock, leadership);
        router.restore();

        assertThat(calls.load(calls.idOf(gone).orElseThrow()).orElseThrow().outcome()).isEqualTo(CallOutcome.LOST);
        var rang = calls.load(ringingId).orElseThrow();
        assertThat(rang.state()).isEqualTo(CallState.QUEUED);
        assertThat(rang.events().getLast().type()).isEqualTo(CallEventType.NO_ANSWER);
        assertThat(rang.events().getLast().detail("reason")).contains("restarted");
        assertThat(router.snapshot().waiting()).extracting(w -> w.call())
                .containsExactly(ringingId, calls.idOf(waiting).orElseThrow());

        // The first operator to come back gets the urgent call first, through the PBX that carries it.
        Operator back = FakeData.user(operators, Role.OPERATOR, "en");
        router.setPresence(back.id(), Presence.AVAILABLE);
        long deadline = System.currentTimeMillis() + 5000;
        while (pbx.connected.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(pbx.connected).containsExactly("RINGING-1->" + back.username());
        router.destroy();
    }

    private CallRef queued(String id, String danger) {
        CallRef ref = new CallRef(PROVIDER, id);
        switchboard.arrived(ref, FakeData.phone(7), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, danger);
        switchboard.ivrCompleted(ref);
        clock.advance(Duration.ofSeconds(5));
        return ref;
    }
}
