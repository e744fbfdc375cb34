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

/** An operator the hotline dials out for (a callback) is offered no incoming call until that call is over. */
class RoutingBrainDiallingTest {

    private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
    private static final OperatorId EN_1 = new OperatorId(1);
    private static final OperatorId EN_2 = new OperatorId(2);

    private final RoutingBrain brain = new RoutingBrain(new RoutingSettings(Duration.ofSeconds(20),
            Duration.ofSeconds(30)));

    @Test
    void anAvailableOperatorDiallingOutGetsNoIncomingCallAndIsAvailableAgainWhenNobodyAnswered() {
        brain.setPresence(EN_1, List.of("en"), Presence.AVAILABLE, T0);
        CallId callback = CallId.random();
        assertThat(brain.dialling(EN_1, List.of("en"), callback, T0)).isTrue();
        assertThat(brain.presence(EN_1)).contains(Presence.RINGING);

        Waiting incoming = new Waiting(CallId.random(), true, "en", T0.plusSeconds(1));
        assertThat(brain.enqueue(incoming, T0.plusSeconds(1))).isEmpty();
        // No offer timeout for a dial-out: the provider says when nobody answered.
        assertThat(brain.tick(T0.plusSeconds(60))).isEmpty();

        assertThat(brain.ended(callback, T0.plusSeconds(62))).containsExactly(new Offer(incoming.call(), EN_1));
    }

    @Test
    void anAnsweredCallbackIsACallAndAnAwayOperatorIsAwayAgainAfterAnUnansweredOne() {
        CallId answered = CallId.random();
        assertThat(brain.dialling(EN_2, List.of("en"), answered, T0)).isTrue();
        assertThat(brain.dialling(EN_2, List.of("en"), CallId.random(), T0)).as("one dial-out at a time").isFalse();
        brain.answered(answered, EN_2, T0.plusSeconds(5));
        assertThat(brain.presence(EN_2)).contains(Presence.ON_CALL);
        assertThat(brain.dialling(EN_2, List.of("en"), CallId.random(), T0)).as("not while on a call").isFalse();
        brain.ended(answered, T0.plusSeconds(50));
        assertThat(brain.presence(EN_2)).contains(Presence.WRAP_UP);

        // Choosing away while the phone rings for a callback (the console closed, say) holds once it is over.
        brain.setPresence(EN_1, List.of("en"), Presence.AVAILABLE, T0);
        CallId unanswered = CallId.random();
        brain.dialling(EN_1, List.of("en"), unanswered, T0);
        assertThat(brain.setPresence(EN_1, List.of("en"), Presence.AWAY, T0.plusSeconds(10))).isEmpty();
        assertThat(brain.presence(EN_1)).contains(Presence.RINGING);
        brain.enqueue(new Waiting(CallId.random(), false, "en", T0.plusSeconds(20)), T0.plusSeconds(20));
        assertThat(brain.ended(unanswered, T0.plusSeconds(30))).as("away: no incoming call offered").isEmpty();
        assertThat(brain.presence(EN_1)).contains(Presence.AWAY);
    }
}
