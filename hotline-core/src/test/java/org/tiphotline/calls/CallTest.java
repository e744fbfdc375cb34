package org.tiphotline.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.tiphotline.operators.OperatorId;

/** Everything about a call is folded from its timeline; these build timelines by hand and read the fold. */
class CallTest {

    private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");
    private static final OperatorId OPERATOR = new OperatorId(7);
    private static final OperatorId OTHER_OPERATOR = new OperatorId(8);

    /** Builds a timeline one event at a time, each {@code seconds} after the call arrived. */
    private static final class Timeline {
        private final List<CallEvent> events = new ArrayList<>();

        Timeline() {
            add(0, CallEventType.ARRIVED, null, Map.of());
        }

        Timeline add(int seconds, CallEventType type, OperatorId operator, Map<String, String> detail) {
            events.add(new CallEvent(events.size() + 1, type, T0.plusSeconds(seconds), operator, detail));
            return this;
        }

        Timeline add(int seconds, CallEventType type) {
            return add(seconds, type, null, Map.of());
        }

        Timeline ivr(int seconds, IvrQuestion question, String answer) {
            return add(seconds, CallEventType.IVR_ANSWER, null, Map.of("question", question.name(), "answer", answer));
        }

        Timeline queued(int seconds) {
            return add(seconds, CallEventType.QUEUED);
        }

        Timeline offered(int seconds, OperatorId operator) {
            return add(seconds, CallEventType.OFFERED, operator, Map.of());
        }

        Timeline answered(int seconds, OperatorId operator) {
            return add(seconds, CallEventType.ANSWERED, operator, Map.of());
        }

        Call call() {
            return new Call(new CallId(new UUID(0, 1)), new CallRef("sim", "test-call-1"), "•••• 23",
                    "+1-555-0100", events);
        }
    }

    /** A call that was answered by {@link #OPERATOR} 40 s after arriving, having queued at 10 s. */
    private static Timeline talking() {
        return new Timeline()
                .ivr(3, IvrQuestion.LANGUAGE, "es")
                .ivr(6, IvrQuestion.IMMEDIATE_DANGER, "NO")
                .ivr(8, IvrQuestion.CALLER_TYPE, "SOMEONE_ELSE")
                .queued(10)
                .offered(30, OPERATOR)
                .add(31, CallEventType.RINGING, OPERATOR, Map.of())
                .answered(40, OPERATOR);
    }

    @Test
    void aTimelineMustStartWithArrival() {
        assertThatThrownBy(() -> new Call(CallId.random(), new CallRef("sim", "x1"), "withheld", "+1-555-0100",
                List.of(new CallEvent(1, CallEventType.QUEUED, T0, null, Map.of()))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Call(CallId.random(), new CallRef("sim", "x1"), "withheld", "+1-555-0100",
                List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNewCallIsInTheIvrWithNothingKnownYet() {
        Call call = new Timeline().call();
        assertThat(call.state()).isEqualTo(CallState.IVR);
        assertThat(call.arrivedAt()).isEqualTo(T0);
        assertThat(call.language()).isNull();
        assertThat(call.urgent()).isFalse();
        assertThat(call.outcome()).isNull();
        assertThat(call.operator()).isNull();
        assertThat(call.waited(T0.plusSeconds(100))).isEqualTo(Duration.ZERO);
        assertThat(call.talked(T0.plusSeconds(100))).isEqualTo(Duration.ZERO);
        assertThat(call.lastSeq()).isEqualTo(1);
    }

    @Test
    void theFoldFollowsTheCallThroughItsLife() {
        Call queued = new Timeline().ivr(3, IvrQuestion.LANGUAGE, "es").ivr(6, IvrQuestion.IMMEDIATE_DANGER, "NO")
                .queued(10).call();
        assertThat(queued.state()).isEqualTo(CallState.QUEUED);
        assertThat(queued.language()).isEqualTo("es");
        assertThat(queued.urgent()).isFalse();
        assertThat(queued.queuedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(queued.waited(T0.plusSeconds(25))).isEqualTo(Duration.ofSeconds(15));

        Call ringing = new Timeline().queued(10).offered(30, OPERATOR).call();
        assertThat(ringing.state()).isEqualTo(CallState.RINGING);
        assertThat(ringing.operator()).isEqualTo(OPERATOR);

        Call talking = talking().call();
        assertThat(talking.state()).isEqualTo(CallState.TALKING);
        assertThat(talking.operator()).isEqualTo(OPERATOR);
        assertThat(talking.callerType()).isEqualTo("SOMEONE_ELSE");
        assertThat(talking.answeredAt()).isEqualTo(T0.plusSeconds(40));
        assertThat(talking.waited(T0.plusSeconds(500))).isEqualTo(Duration.ofSeconds(30));
        assertThat(talking.talked(T0.plusSeconds(100))).isEqualTo(Duration.ofSeconds(60));
        assertThat(talking.outcome()).isNull();
    }

    @Test
    void aCompletedCallHasItsWaitAndTalkTimeFixedAtItsEnd() {
        Call call = talking().add(340, CallEventType.ENDED, null, Map.of("by", "operator")).call();

        assertThat(call.state()).isEqualTo(CallState.ENDED);
        assertThat(call.outcome()).isEqualTo(CallOutcome.COMPLETED);
        assertThat(call.endedAt()).isEqualTo(T0.plusSeconds(340));
        assertThat(call.operator()).isEqualTo(OPERATOR);
        Instant muchLater = T0.plus(Duration.ofDays(3));
        assertThat(call.waited(muchLater)).isEqualTo(Duration.ofSeconds(30));
        assertThat(call.talked(muchLater)).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void aTransferredCallEndsAsTransferred() {
        Call call = talking().add(100, CallEventType.TRANSFERRED, null, Map.of("to", "Test police line"))
                .add(101, CallEventType.ENDED).call();
        assertThat(call.outcome()).isEqualTo(CallOutcome.TRANSFERRED);
        assertThat(call.talked(T0.plusSeconds(999))).isEqualTo(Duration.ofSeconds(61));
    }

    /** Issue 20 F: a consult, then the warm transfer: the call is the colleague's and stays a completed call. */
    @Test
    void aWarmTransferGivesTheCallToTheColleagueConsultedAndItStaysCompleted() {
        Timeline t = talking();
        Call talking = t.call();
        assertThat(talking.accepts(CallEventType.CONSULTED, OPERATOR)).as("not oneself").isFalse();
        assertThat(talking.accepts(CallEventType.TRANSFERRED, OTHER_OPERATOR)).as("only to whom is consulted")
                .isFalse();
        Call consulting = t.add(50, CallEventType.CONSULTED, OTHER_OPERATOR, Map.of("askedBy", "7")).call();
        assertThat(consulting.consulting()).isEqualTo(OTHER_OPERATOR);
        assertThat(consulting.operator()).isEqualTo(OPERATOR);
        assertThat(consulting.accepts(CallEventType.CONSULTED, new OperatorId(9))).as("one at a time").isFalse();
        assertThat(consulting.accepts(CallEventType.TRANSFERRED, OTHER_OPERATOR)).isTrue();

        Call handedOver = t.add(70, CallEventType.TRANSFERRED, OTHER_OPERATOR, Map.of("to", "8", "from", "7"))
                .call();
        assertThat(handedOver.operator()).isEqualTo(OTHER_OPERATOR);
        assertThat(handedOver.consulting()).isNull();
        assertThat(handedOver.state()).isEqualTo(CallState.TALKING);
        Call ended = t.add(100, CallEventType.ENDED, null, Map.of("by", "operator")).call();
        assertThat(ended.outcome()).isEqualTo(CallOutcome.COMPLETED);
        assertThat(ended.operator()).isEqualTo(OTHER_OPERATOR);
        assertThat(ended.talked(T0.plusSeconds(999))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aConsultCalledOffLeavesTheCallWithItsOperatorAndTheEndClosesAnOpenOne() {
        Timeline t = talking().add(50, CallEventType.CONSULTED, OTHER_OPERATOR, Map.of("askedBy", "7"));
        assertThat(t.call().accepts(CallEventType.CONSULT_ENDED, new OperatorId(9))).isFalse();
        Call back = t.add(60, CallEventType.CONSULT_ENDED, OTHER_OPERATOR, Map.of("how", "CANCELLED")).call();
        assertThat(back.consulting()).isNull();
        assertThat(back.operator()).isEqualTo(OPERATOR);
        Call again = t.add(70, CallEventType.CONSULTED, OTHER_OPERATOR, Map.of("askedBy", "7"))
                .add(80, CallEventType.ENDED, null, Map.of("by", "caller")).call();
        assertThat(again.consulting()).isNull();
        assertThat(again.accepts(CallEventType.CONSULTED, OTHER_OPERATOR)).isFalse();
    }

    @Test
    void aWaitingCallHandedToTheFallbackLineIsTransferredNotLost() {
        Call call = new Timeline().queued(10).add(12, CallEventType.TRANSFERRED, null, Map.of("to", "fallback line"))
                .add(12, CallEventType.ENDED, null, Map.of("by", "fallback")).call();
        assertThat(call.outcome()).isEqualTo(CallOutcome.TRANSFERRED);
        assertThat(call.answeredAt()).isNull();
        assertThat(call.waited(T0.plusSeconds(1000))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void abandonedCallsSayWhereTheCallerHungUp() {
        Call inIvr = new Timeline().ivr(3, IvrQuestion.LANGUAGE, "en").add(5, CallEventType.ABANDONED).call();
        assertThat(inIvr.outcome()).isEqualTo(CallOutcome.ABANDONED_IN_IVR);
        assertThat(inIvr.state()).isEqualTo(CallState.ENDED);
        assertThat(inIvr.waited(T0.plusSeconds(100))).isEqualTo(Duration.ZERO);

        Call inQueue = new Timeline().queued(10).add(70, CallEventType.ABANDONED).call();
        assertThat(inQueue.outcome()).isEqualTo(CallOutcome.ABANDONED_IN_QUEUE);
        assertThat(inQueue.waited(T0.plusSeconds(1000))).isEqualTo(Duration.ofSeconds(60));
        assertThat(inQueue.talked(T0.plusSeconds(1000))).isEqualTo(Duration.ZERO);

        Call ringing = new Timeline().queued(10).offered(20, OPERATOR).add(25, CallEventType.ABANDONED).call();
        assertThat(ringing.outcome()).isEqualTo(CallOutcome.ABANDONED_RINGING);
        assertThat(ringing.answeredAt()).isNull();
        assertThat(ringing.waited(T0.plusSeconds(1000))).isEqualTo(Duration.ofSeconds(15));
        assertThat(ringing.operator()).as("nobody handled it").isNull();
        assertThat(ringing.lastOffered()).as("but it rang at them").isEqualTo(OPERATOR);
    }

    @Test
    void aCallEndedWithoutAnswerAndWithoutTheCallerHangingUpWasLost() {
        Call call = new Timeline().queued(10).add(50, CallEventType.ENDED, null, Map.of("by", "reconciled")).call();
        assertThat(call.outcome()).isEqualTo(CallOutcome.LOST);
        assertThat(call.waited(T0.plusSeconds(1000))).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void anUnansweredOfferPutsTheCallBackInTheQueueWithoutAnOperator() {
        Call call = new Timeline().queued(10).offered(20, OPERATOR)
                .add(40, CallEventType.NO_ANSWER, OPERATOR, Map.of("reason", "timeout")).call();
        assertThat(call.state()).isEqualTo(CallState.QUEUED);
        assertThat(call.operator()).isNull();
        assertThat(call.queuedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(call.accepts(CallEventType.OFFERED, OTHER_OPERATOR)).isTrue();
    }

    @Test
    void theIvrPathKeepsTheOrderOfTheAnswers() {
        Call call = new Timeline()
                .ivr(2, IvrQuestion.IMMEDIATE_DANGER, "YES")
                .ivr(4, IvrQuestion.LANGUAGE, "fr")
                .ivr(6, IvrQuestion.CALLER_TYPE, "PROFESSIONAL").call();
        assertThat(call.ivrPath()).containsExactly(Map.entry("IMMEDIATE_DANGER", "YES"),
                Map.entry("LANGUAGE", "fr"), Map.entry("CALLER_TYPE", "PROFESSIONAL"));
    }

    @Test
    void dangerAnsweredYesOrNotAnsweredAtAllMakesTheCallUrgent() {
        assertThat(new Timeline().ivr(2, IvrQuestion.IMMEDIATE_DANGER, "YES").call().urgent()).isTrue();
        assertThat(new Timeline().ivr(2, IvrQuestion.IMMEDIATE_DANGER, "NO_INPUT").call().urgent()).isTrue();
        assertThat(new Timeline().ivr(2, IvrQuestion.IMMEDIATE_DANGER, "NO").call().urgent()).isFalse();
    }

    @Test
    void ivrAnswersAreCheckedAgainstTheQuestion() {
        assertThat(IvrQuestion.IMMEDIATE_DANGER.problemWith("NO_INPUT")).isNull();
        assertThat(IvrQuestion.IMMEDIATE_DANGER.problemWith("MAYBE")).isNotNull();
        assertThat(IvrQuestion.CALLER_TYPE.problemWith("PROFESSIONAL")).isNull();
        assertThat(IvrQuestion.CALLER_TYPE.problemWith("")).isNotNull();
        assertThat(IvrQuestion.LANGUAGE.problemWith("es")).isNull();
        assertThat(IvrQuestion.LANGUAGE.problemWith("Spanish")).isNotNull();
    }

    @Test
    void eventsThatDoNotFitTheCallsLifeAreRefused() {
        Call inIvr = new Timeline().call();
        assertThat(inIvr.accepts(CallEventType.ARRIVED, null)).as("a second arrival").isFalse();
        assertThat(inIvr.accepts(CallEventType.OFFERED, OPERATOR)).as("offer before queueing").isFalse();
        assertThat(inIvr.accepts(CallEventType.ANSWERED, OPERATOR)).as("answer before any offer").isFalse();
        assertThat(inIvr.accepts(CallEventType.IVR_ANSWER, null)).isTrue();
        assertThat(inIvr.accepts(CallEventType.QUEUED, null)).isTrue();
        assertThat(inIvr.accepts(CallEventType.ABANDONED, null)).isTrue();

        Call queued = new Timeline().queued(10).call();
        assertThat(queued.accepts(CallEventType.QUEUED, null)).as("queued twice").isFalse();
        assertThat(queued.accepts(CallEventType.IVR_ANSWER, null)).as("IVR answer after the IVR").isFalse();
        assertThat(queued.accepts(CallEventType.RINGING, OPERATOR)).as("ringing without an offer").isFalse();

        Call ringing = new Timeline().queued(10).offered(20, OPERATOR).call();
        assertThat(ringing.accepts(CallEventType.RINGING, OPERATOR)).isTrue();
        assertThat(ringing.accepts(CallEventType.RINGING, OTHER_OPERATOR)).as("ringing elsewhere").isFalse();
        assertThat(ringing.accepts(CallEventType.ANSWERED, OTHER_OPERATOR)).as("answered elsewhere").isFalse();
        assertThat(ringing.accepts(CallEventType.ANSWERED, null)).isFalse();
        assertThat(ringing.accepts(CallEventType.NO_ANSWER, OTHER_OPERATOR)).isFalse();
        assertThat(ringing.accepts(CallEventType.OFFERED, OTHER_OPERATOR)).as("offered twice").isFalse();

        Call ringConfirmed = new Timeline().queued(10).offered(20, OPERATOR)
                .add(21, CallEventType.RINGING, OPERATOR, Map.of()).call();
        assertThat(ringConfirmed.accepts(CallEventType.RINGING, OPERATOR)).as("duplicate ringing").isFalse();
        assertThat(ringConfirmed.accepts(CallEventType.ANSWERED, OPERATOR)).isTrue();

        Call talking = talking().call();
        assertThat(talking.accepts(CallEventType.ANSWERED, OPERATOR)).as("answered twice").isFalse();
        assertThat(talking.accepts(CallEventType.ABANDONED, null)).as("abandoned after answer").isFalse();
        assertThat(talking.accepts(CallEventType.ENDED, null)).isTrue();
        assertThat(talking.accepts(CallEventType.TRANSFERRED, null)).isTrue();

        Call ended = talking().add(100, CallEventType.ENDED).call();
        for (CallEventType type : CallEventType.values()) {
            // What became of an escalation is still written into the call's record after the call ended.
            boolean expected = type == CallEventType.ESCALATION_STEP;
            assertThat(ended.accepts(type, OPERATOR)).as("%s after the end", type).isEqualTo(expected);
        }
    }

    @Test
    void supervisorsAreOnATalkedOnCallUntilTheyLeaveOrItEnds() {
        OperatorId supervisor = new OperatorId(9);
        assertThat(new Timeline().queued(10).call().accepts(CallEventType.SUPERVISED, supervisor))
                .as("nobody talks yet").isFalse();
        Timeline talking = talking();
        assertThat(talking.call().accepts(CallEventType.SUPERVISED, OPERATOR)).as("not on one's own call").isFalse();
        assertThat(talking.call().accepts(CallEventType.SUPERVISION_ENDED, supervisor)).as("not on it").isFalse();
        talking.add(40, CallEventType.SUPERVISED, supervisor, Map.of("mode", "LISTEN"));
        assertThat(talking.call().supervisors()).containsExactly(Map.entry(supervisor, "LISTEN"));
        talking.add(41, CallEventType.SUPERVISION_ENDED, supervisor, Map.of("mode", "LISTEN"))
                .add(42, CallEventType.SUPERVISED, supervisor, Map.of("mode", "JOIN"));
        assertThat(talking.call().supervisors()).containsExactly(Map.entry(supervisor, "JOIN"));
        assertThat(talking.call().state()).as("supervision changes nothing of the call's state")
                .isEqualTo(CallState.TALKING);
        assertThat(talking.call().operator()).isEqualTo(OPERATOR);
        Call ended = talking.add(100, CallEventType.ENDED).call();
        assertThat(ended.supervisors()).as("their legs end with the call").isEmpty();
        assertThat(ended.accepts(CallEventType.SUPERVISION_ENDED, supervisor)).isFalse();
    }

    @Test
    void withAppendsWithoutChangingTheOriginal() {
        Call queued = new Timeline().queued(10).call();
        Call offered = queued.with(new CallEvent(3, CallEventType.OFFERED, T0.plusSeconds(20), OPERATOR, Map.of()));
        assertThat(queued.state()).isEqualTo(CallState.QUEUED);
        assertThat(offered.state()).isEqualTo(CallState.RINGING);
        assertThat(offered.lastSeq()).isEqualTo(3);
    }
}
