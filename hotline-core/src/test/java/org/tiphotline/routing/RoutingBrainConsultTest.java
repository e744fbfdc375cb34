package org.tiphotline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.RoutingDecision.Offer;
import org.tiphotline.routing.RoutingState.Waiting;

/**
 * Issue 20 F: a colleague consulted about a call is reserved (offered nothing meanwhile); a hand-over gives them the
 * call and sends the operator who asked to after-call work; a consult called off or ended by the caller's hang-up
 * returns them to taking calls.
 */
class RoutingBrainConsultTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final OperatorId ANN = new OperatorId(1);
    private static final OperatorId BEN = new OperatorId(2);
    private static final OperatorId CAT = new OperatorId(3);

    private final RoutingBrain brain = new RoutingBrain(new RoutingSettings(Duration.ofSeconds(20),
            Duration.ofSeconds(30)));

    /** ANN talks on a call; BEN (English) and CAT (English, Spanish) are available, CAT idle the longest. */
    private CallId annTalking() {
        brain.setPresence(CAT, List.of("en", "es"), Presence.AVAILABLE, T0);
        brain.setPresence(BEN, List.of("en"), Presence.AVAILABLE, T0.plusSeconds(1));
        brain.setPresence(ANN, List.of("en"), Presence.AVAILABLE, T0.minusSeconds(60));
        CallId call = CallId.random();
        assertThat(brain.enqueue(new Waiting(call, false, "en", T0.plusSeconds(2)), T0.plusSeconds(2)))
                .containsExactly(new Offer(call, ANN));
        brain.answered(call, ANN, T0.plusSeconds(5));
        return call;
    }

    @Test
    void aConsultedColleagueIsOfferedNothingAndOwnsTheCallAfterTheHandOver() {
        CallId call = annTalking();
        assertThat(brain.colleagueFor(ANN, null, "es")).as("by language: the one who speaks it").contains(CAT);
        assertThat(brain.colleagueFor(ANN, null, "en")).as("by language: the longest idle").contains(CAT);
        assertThat(brain.colleagueFor(ANN, ANN, null)).as("never oneself").isEmpty();
        assertThat(brain.consulted(call, ANN, BEN, T0.plusSeconds(10))).isTrue();
        assertThat(brain.presence(BEN)).contains(Presence.ON_CALL);
        assertThat(brain.consulted(call, ANN, CAT, T0.plusSeconds(11))).as("one consult per call").isFalse();

        CallId next = CallId.random();
        assertThat(brain.enqueue(new Waiting(next, false, "en", T0.plusSeconds(12)), T0.plusSeconds(12)))
                .as("the waiting call goes to CAT, never to BEN while asked").containsExactly(new Offer(next, CAT));

        assertThat(brain.handedOver(call, CAT, T0.plusSeconds(20))).as("only to whom is consulted").isFalse();
        assertThat(brain.handedOver(call, BEN, T0.plusSeconds(20))).isTrue();
        assertThat(brain.presence(ANN)).contains(Presence.WRAP_UP);
        assertThat(brain.presence(BEN)).contains(Presence.ON_CALL);
        assertThat(brain.operators()).filteredOn(o -> o.id().equals(BEN)).singleElement()
                .satisfies(o -> assertThat(o.call()).isEqualTo(call));

        brain.ended(call, T0.plusSeconds(90));
        assertThat(brain.presence(BEN)).as("the call was theirs: after-call work").contains(Presence.WRAP_UP);
        assertThat(brain.changes()).filteredOn(c -> c.operator().equals(ANN) && c.presence() == Presence.WRAP_UP)
                .singleElement().satisfies(c -> assertThat(c.cause()).isEqualTo(StateCause.HANDED_OVER));
    }

    @Test
    void whoSubmittedTheirReportBeforeHandingTheCallerOverTakesCallsAtOnce() {
        CallId call = annTalking();
        assertThat(brain.consulted(call, ANN, BEN, T0.plusSeconds(10))).isTrue();
        brain.reportsSubmitted(c -> c.equals(call) ? java.util.Set.of(ANN) : java.util.Set.of());
        brain.wrapUpDone(ANN, T0.plusSeconds(15));
        assertThat(brain.handedOver(call, BEN, T0.plusSeconds(20))).isTrue();
        assertThat(brain.presence(ANN)).as("nothing left to write").contains(Presence.AVAILABLE);
        assertThat(brain.presence(BEN)).contains(Presence.ON_CALL);
        assertThat(brain.consultEnded(call, T0.plusSeconds(21))).isEmpty();
    }

    @Test
    void aConsultCalledOffOrEndedByTheCallerFreesTheColleagueForTheNextCall() {
        CallId call = annTalking();
        assertThat(brain.consulted(call, ANN, CAT, T0.plusSeconds(10))).isTrue();
        CallId waiting = CallId.random();
        brain.setPresence(BEN, List.of("en"), Presence.AWAY, T0.plusSeconds(11));
        assertThat(brain.enqueue(new Waiting(waiting, false, "es", T0.plusSeconds(12)), T0.plusSeconds(12)))
                .as("the only Spanish speaker is asked").isEmpty();
        assertThat(brain.consultEnded(call, T0.plusSeconds(20))).containsExactly(new Offer(waiting, CAT));
        assertThat(brain.presence(ANN)).as("back with the caller").contains(Presence.ON_CALL);

        CallId other = annTalkingAgain();
        assertThat(brain.consulted(other, ANN, BEN, T0.plusSeconds(40))).as("BEN is away").isFalse();
        brain.setPresence(BEN, List.of("en"), Presence.AVAILABLE, T0.plusSeconds(41));
        assertThat(brain.consulted(other, ANN, BEN, T0.plusSeconds(42))).isTrue();
        // Asked about a call whose caller hung up: free at once, so the Spanish call (past its language wait since
        // CAT went away while it rang) goes to them.
        assertThat(brain.ended(other, T0.plusSeconds(50))).containsExactly(new Offer(waiting, BEN));
        assertThat(brain.changes()).filteredOn(c -> c.operator().equals(BEN)).extracting(RoutingBrain.StateChange::cause)
                .containsSubsequence(StateCause.CONSULTED, StateCause.CALL_ENDED, StateCause.OFFERED);
        assertThat(brain.presence(ANN)).contains(Presence.WRAP_UP);
    }

    /** ANN ends the first call, submits, and answers another. */
    private CallId annTalkingAgain() {
        brain.ended(brain.operators().stream().filter(o -> o.id().equals(ANN)).findFirst().orElseThrow().call(),
                T0.plusSeconds(30));
        brain.wrapUpDone(ANN, T0.plusSeconds(31));
        CallId call = CallId.random();
        brain.setPresence(CAT, List.of("en", "es"), Presence.AWAY, T0.plusSeconds(32));
        assertThat(brain.enqueue(new Waiting(call, false, "en", T0.plusSeconds(33)), T0.plusSeconds(33)))
                .containsExactly(new Offer(call, ANN));
        brain.answered(call, ANN, T0.plusSeconds(35));
        return call;
    }
}
