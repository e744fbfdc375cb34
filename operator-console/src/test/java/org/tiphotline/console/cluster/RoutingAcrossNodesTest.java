package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.testing.LiveClient.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Calls;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.RoutingView;
import tools.jackson.databind.JsonNode;

/**
 * Routing with two nodes, over the wire: an operator who chose available on one node is offered a call that
 * arrived on the other, once; and when the leading node stops leading, the other's tick withdraws an offer that
 * rang out, from the routing state the first left in the database.
 */
class RoutingAcrossNodesTest {

    private static final Map<String, String> ROUTING = Map.of("hotline.routing.offer-timeout", "8s");

    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void aCallOnOneNodeIsOfferedOnceToAnOperatorOfTheOtherAndTheNewLeaderTimesOutWhatRangOut()
            throws Exception {
        Map<String, String> firstSettings = new java.util.HashMap<>(ROUTING);
        firstSettings.put("hotline.cluster.node", "first");
        try (RunningHotline a = RunningHotline.start(first, firstSettings);
                RunningHotline b = RunningHotline.secondNode(a, second, ROUTING)) {
            assertThat(a.bean(Leadership.class).leads()).isTrue();
            var operator = a.bean(Operators.class).byUsername("operator").orElseThrow();
            ConsoleClient onA = ConsoleClient.login(a.base(), "operator", "operator-demo");
            ConsoleClient onB = ConsoleClient.login(b.base(), "operator", "operator-demo");
            // The console stays connected throughout: its last connection closing would set the operator away.
            LiveClient live = LiveClient.connect(onB);
            BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
            live.send("/app/presence", Map.of("presence", "AVAILABLE"));
            await(presence, p -> p.get("presence").asString().equals("AVAILABLE"), 5);
            assertThat(a.bean(RoutingView.class).presence(operator.id())).as("node A sees the choice made on B")
                    .isEqualTo(Presence.AVAILABLE);

            // A caller reaches node A's line: node A routes it to the operator who came in through node B.
            JsonNode placed = onA.post("/api/sim/calls", Map.of("language", "en", "immediateDanger", "NO")).body();
            CallId onFirst = new CallId(UUID.fromString(placed.get("call").asString()));
            Call offered = awaitCall(a, onFirst, c -> has(c, CallEventType.OFFERED), 10);
            assertThat(events(offered, CallEventType.OFFERED)).singleElement()
                    .satisfies(e -> assertThat(e.operator()).isEqualTo(operator.id()));
            assertThat(b.bean(RoutingView.class).snapshot().operators()).as("node B sees the offer node A made")
                    .anySatisfy(seat -> {
                        assertThat(seat.operator()).isEqualTo(operator.id());
                        assertThat(seat.presence()).isEqualTo(Presence.RINGING);
                        assertThat(seat.call()).isEqualTo(onFirst);
                    });
            assertThat(onA.post("/api/sim/calls/" + placed.get("providerCallId").asString() + "/caller-hangup",
                    null).status()).isEqualTo(204);
            awaitPresence(b, operator.id(), Presence.AVAILABLE);
            assertThat(events(a.bean(Calls.class).load(onFirst).orElseThrow(), CallEventType.OFFERED))
                    .as("offered once").hasSize(1);

            // A caller reaches node B's line and rings the operator; node A stops leading while it rings.
            JsonNode ringing = onB.post("/api/sim/calls", Map.of("language", "en", "immediateDanger", "NO")).body();
            CallId onSecond = new CallId(UUID.fromString(ringing.get("call").asString()));
            awaitCall(b, onSecond, c -> has(c, CallEventType.OFFERED), 10);
            a.bean(Leadership.class).destroy();
            Instant firstStoppedLeading = Instant.now();
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!b.bean(Leadership.class).leads() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(b.bean(Leadership.class).leads()).isTrue();

            Call rangOut = awaitCall(b, onSecond, c -> has(c, CallEventType.NO_ANSWER), 20);
            CallEvent withdrawn = events(rangOut, CallEventType.NO_ANSWER).getFirst();
            assertThat(withdrawn.detail("reason")).startsWith("no answer within 8");
            assertThat(withdrawn.operator()).isEqualTo(operator.id());
            assertThat(withdrawn.at()).as("withdrawn by the new leader's tick").isAfter(firstStoppedLeading);
            assertThat(events(rangOut, CallEventType.OFFERED)).hasSize(1);
            awaitPresence(b, operator.id(), Presence.AWAY);
            assertThat(a.bean(RoutingView.class).presence(operator.id())).isEqualTo(Presence.AWAY);
            assertThat(b.bean(RoutingView.class).snapshot().waiting()).extracting(RoutingView.Snapshot.WaitingCall::call)
                    .containsExactly(onSecond);
            live.close();
        }
    }

    private static boolean has(Call call, CallEventType type) {
        return call.events().stream().anyMatch(e -> e.type() == type);
    }

    private static List<CallEvent> events(Call call, CallEventType type) {
        return call.events().stream().filter(e -> e.type() == type).toList();
    }

    private static Call awaitCall(RunningHotline node, CallId id, Predicate<Call> wanted, int seconds)
            throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        Call call = node.bean(Calls.class).load(id).orElseThrow();
        while (!wanted.test(call) && System.nanoTime() < until) {
            Thread.sleep(50);
            call = node.bean(Calls.class).load(id).orElseThrow();
        }
        assertThat(wanted.test(call)).as("call %s in time: %s", id, call.events()).isTrue();
        return call;
    }

    private static void awaitPresence(RunningHotline node, org.tiphotline.operators.OperatorId operator,
            Presence wanted) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (node.bean(RoutingView.class).presence(operator) != wanted && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(node.bean(RoutingView.class).presence(operator)).isEqualTo(wanted);
    }
}
