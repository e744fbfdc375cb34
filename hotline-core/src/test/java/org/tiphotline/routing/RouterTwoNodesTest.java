package org.tiphotline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.PlatformTransactionManager;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.telephony.TelephonyPort;
import org.tiphotline.telephony.TelephonyPorts;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * Two routers on the one database, as two nodes are: calls queued on either, operators choosing their presence on
 * either, both ticking, all at once from many threads. Each decision is taken under the routing lock on the state
 * the other node's last decision left, so a call never rings two phones, a phone never rings for two calls, and
 * every call is offered as soon as an operator is free, whichever node heard of the call or of the operator. A
 * router started afterwards (a restart, a takeover) finds the same queue and presences.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class RouterTwoNodesTest {

    private static final String PROVIDER = "pbxtwonodes";
    private static final int CALLS = 40;

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
    private Leadership leadership;
    @Autowired
    private DSLContext db;
    @Autowired
    private PlatformTransactionManager transactions;

    private final List<Router> nodes = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    /** What rings now, as the phones see it: call to operator, operator to call. */
    private final Map<CallId, OperatorId> ringingCalls = new ConcurrentHashMap<>();
    private final Map<OperatorId, CallId> ringingPhones = new ConcurrentHashMap<>();
    private final Map<CallId, Integer> connects = new ConcurrentHashMap<>();
    /** Phones still busy with a call (its answer, end and the operator's next choice not yet told). */
    private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeEach
    void emptyDatabase() {
        TestDatabase.get().reset();
    }

    /**
     * The phones: each offer rings, is answered, talked and hung up, and the operator, done with wrap-up, chooses
     * available again on either node. A phone that rings for a second call, or a call that rings a second phone,
     * is a violation.
     */
    private final class AnsweringPbx extends TestPbx {

        AnsweringPbx() {
            super(PROVIDER);
        }

        @Override
        public void connect(CallRef ref, Operator operator) {
            busy.incrementAndGet();
            try {
                ring(ref, operator);
            } finally {
                busy.decrementAndGet();
            }
        }

        private void ring(CallRef ref, Operator operator) {
            CallId call = calls.idOf(ref).orElseThrow();
            connects.merge(call, 1, Integer::sum);
            OperatorId other = ringingCalls.putIfAbsent(call, operator.id());
            if (other != null) {
                violations.add("call " + call + " rings operators " + other + " and " + operator.id());
            }
            CallId before = ringingPhones.putIfAbsent(operator.id(), call);
            if (before != null) {
                violations.add("operator " + operator.id() + " rings for calls " + before + " and " + call);
            }
            switchboard.ringing(ref, operator.id());
            boolean answered = switchboard.answered(ref, operator.id());
            ringingPhones.remove(operator.id(), call);
            ringingCalls.remove(call, operator.id());
            if (!answered) {
                violations.add("call " + call + " could not be answered by the operator it was offered to");
                return;
            }
            any().on(new Call.Answered(call, operator.id()));
            switchboard.ended(ref, "operator");
            any().on(new Call.Ended(call, CallOutcome.COMPLETED, operator.id()));
            any().setPresence(operator.id(), Presence.AVAILABLE);
        }

        @Override
        public void withdraw(CallRef call, Operator operator) {
            violations.add("nothing rings out in this test, yet " + call.providerCallId() + " was withdrawn");
        }
    }

    @Test
    void twoNodesRouteEveryCallOnceAndAThirdSeesWhatTheyLeft() throws Exception {
        AnsweringPbx pbx = new AnsweringPbx();
        Router a = node(pbx);
        Router b = node(pbx);
        List<Operator> seats = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seats.add(FakeData.user(operators, Role.OPERATOR, "en", "es"));
        }
        List<CallId> queued = new CopyOnWriteArrayList<>();
        AtomicBoolean ticking = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> work = new ArrayList<>();
            // Both nodes tick all along, as a leader and a node that thinks it still leads might.
            for (Router node : List.of(a, b)) {
                work.add(threads.submit(() -> {
                    while (ticking.get()) {
                        node.tick();
                        Thread.sleep(2);
                    }
                    return null;
                }));
            }
            // Calls queued on either node from six threads; operators come in on either node meanwhile.
            for (int t = 0; t < 6; t++) {
                int thread = t;
                work.add(threads.submit(() -> {
                    for (int i = thread; i < CALLS; i += 6) {
                        CallRef ref = new CallRef(PROVIDER, "TWO-" + i);
                        switchboard.arrived(ref, FakeData.phone(10 + i % 80), FakeData.HOTLINE_NUMBER);
                        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, i % 3 == 0 ? "es" : "en");
                        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, i % 7 == 0 ? "YES" : "NO");
                        switchboard.ivrCompleted(ref);
                        Call call = calls.load(calls.idOf(ref).orElseThrow()).orElseThrow();
                        queued.add(call.id());
                        (i % 2 == 0 ? a : b).on(new Call.Queued(call.id(), call.urgent(), call.language(),
                                call.queuedAt()));
                        if (i < seats.size()) {
                            (i % 2 == 0 ? b : a).setPresence(seats.get(i).id(), Presence.AVAILABLE);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> done : work.subList(2, work.size())) {
                done.get();
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && !allEnded(queued)) {
                Thread.sleep(50);
            }
            ticking.set(false);
            for (Future<?> done : work) {
                done.get();
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(violations).isEmpty();
        assertThat(queued).hasSize(CALLS);
        for (CallId id : queued) {
            Call call = calls.load(id).orElseThrow();
            assertThat(call.state()).as("call %s", id).isEqualTo(CallState.ENDED);
            assertThat(call.events()).as("call %s offered once", id)
                    .filteredOn(e -> e.type() == CallEventType.OFFERED).hasSize(1);
            assertThat(connects.get(id)).as("call %s rang once", id).isEqualTo(1);
        }
        for (Operator seat : seats) {
            assertThat(view().presence(seat.id())).isEqualTo(Presence.AVAILABLE);
        }

        // Everyone away on one node, two calls queued on the other: the queue waits, and a router started now
        // (a restart, a takeover) finds it, and every presence, as they left it.
        seats.forEach(seat -> a.setPresence(seat.id(), Presence.AWAY));
        List<CallId> later = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CallRef ref = new CallRef(PROVIDER, "LATER-" + i);
            switchboard.arrived(ref, FakeData.phone(90 + i), FakeData.HOTLINE_NUMBER);
            switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
            switchboard.ivrCompleted(ref);
            Call call = calls.load(calls.idOf(ref).orElseThrow()).orElseThrow();
            b.on(new Call.Queued(call.id(), call.urgent(), call.language(), call.queuedAt()));
            later.add(call.id());
            clock.advance(Duration.ofSeconds(1));
        }
        Router third = node(pbx);
        // Read afresh from the database, as the third node reads it: both calls, oldest first, and nobody seated.
        assertThat(view().snapshot().waiting()).extracting(w -> w.call()).containsExactlyElementsOf(later);
        seats.forEach(seat -> assertThat(view().presence(seat.id())).isEqualTo(Presence.AWAY));
        // The operator back on the third node takes both, one after the other.
        third.setPresence(seats.getFirst().id(), Presence.AVAILABLE);
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline && (!view().snapshot().waiting().isEmpty() || busy.get() > 0)) {
            Thread.sleep(20);
        }
        assertThat(view().snapshot().waiting()).isEmpty();
        assertThat(calls.waiting()).as("no call left waiting or ringing").isEmpty();
        nodes.forEach(Router::destroy);
        assertThat(violations).isEmpty();
    }

    private boolean allEnded(List<CallId> queued) {
        return queued.size() == CALLS && busy.get() == 0
                && queued.stream().allMatch(id -> calls.load(id).orElseThrow().state() == CallState.ENDED);
    }

    private Router node(TelephonyPort pbx) {
        Router router = new Router(new RoutingSettings(Duration.ofSeconds(20), Duration.ofSeconds(30)),
                new RoutingStore(db, transactions), switchboard, calls, operators,
                new TelephonyPorts(List.of(pbx)), events, clock, leadership);
        nodes.add(router);
        return router;
    }

    private Router any() {
        return nodes.get(ThreadLocalRandom.current().nextInt(2));
    }

    /** What any node reads: the routing state the decisions left in the database. */
    private RoutingView view() {
        return new RoutingView(new RoutingSettings(Duration.ofSeconds(20), Duration.ofSeconds(30)),
                new RoutingStore(db, transactions));
    }
}
