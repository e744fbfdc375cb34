package org.tiphotline.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.RoutingDecision.Offer;
import org.tiphotline.routing.RoutingState.Waiting;
import org.tiphotline.routing.RoutingDecision.Withdraw;

/** The routing rules, decision by decision, with plain values and a hand-moved time. */
class RoutingBrainTest {

    private static final Duration OFFER_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration LANGUAGE_WAIT = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2025-03-03T10:00:00Z");

    private static final OperatorId EN_1 = new OperatorId(1);
    private static final OperatorId EN_2 = new OperatorId(2);
    private static final OperatorId ES_1 = new OperatorId(3);

    private final RoutingBrain brain = new RoutingBrain(new RoutingSettings(OFFER_TIMEOUT, LANGUAGE_WAIT));

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static Waiting call(String language, boolean urgent, int queuedAtSecond) {
        return new Waiting(CallId.random(), urgent, language, at(queuedAtSecond));
    }

    private List<RoutingDecision> available(OperatorId operator, int second, String... languages) {
        return brain.setPresence(operator, List.of(languages), Presence.AVAILABLE, at(second));
    }

    private List<RoutingDecision> enqueue(Waiting call, int second) {
        return brain.enqueue(call, at(second));
    }

    private Presence presenceOf(OperatorId operator) {
        return brain.presence(operator).orElseThrow();
    }

    private List<CallId> queued() {
        return brain.queue().stream().map(Waiting::call).toList();
    }

    @Test
    void aConsoleBackSoonAfterItClosedTakesCallsAgainAndTheWaitingCallIsOfferedAtOnce() {
        available(EN_1, 0, "en");
        brain.setPresence(EN_1, List.of("en"), Presence.AWAY, RoutingState.Why.of(StateCause.CONSOLE_CLOSED), at(10));
        Waiting waiting = call("en", false, 12);
        assertThat(enqueue(waiting, 12)).isEmpty();

        assertThat(brain.consoleBack(EN_1, List.of("en"), at(40), Duration.ofMinutes(2)))
                .containsExactly(new Offer(waiting.call(), EN_1));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.RINGING);
    }

    @Test
    void aConsoleBackLateOrAfterAnotherReasonToBeAwayChangesNothing() {
        Duration window = Duration.ofMinutes(2);
        available(EN_1, 0, "en");
        brain.setPresence(EN_1, List.of("en"), Presence.AWAY, RoutingState.Why.of(StateCause.CONSOLE_CLOSED), at(10));
        assertThat(brain.consoleBack(EN_1, List.of("en"), at(10 + 121), window)).isEmpty();
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.AWAY);

        available(EN_2, 0, "en");
        brain.setPresence(EN_2, List.of("en"), Presence.AWAY, RoutingState.Why.of(StateCause.SIGNED_OUT), at(10));
        assertThat(brain.consoleBack(EN_2, List.of("en"), at(11), window)).isEmpty();
        assertThat(presenceOf(EN_2)).isEqualTo(Presence.AWAY);

        // Away by their own choice, then their console blinked: still away, as they chose.
        brain.setPresence(ES_1, List.of("es"), Presence.AWAY, at(0));
        assertThat(brain.consoleBack(ES_1, List.of("es"), at(1), window)).isEmpty();
        assertThat(presenceOf(ES_1)).isEqualTo(Presence.AWAY);
    }

    @Test
    void urgentCallsAreOfferedBeforeOlderNonUrgentOnes() {
        Waiting older = call("en", false, 0);
        Waiting urgent = call("en", true, 5);
        assertThat(enqueue(older, 0)).isEmpty();
        assertThat(enqueue(urgent, 5)).isEmpty();
        assertThat(queued()).containsExactly(urgent.call(), older.call());

        assertThat(available(EN_1, 10, "en")).containsExactly(new Offer(urgent.call(), EN_1));
        assertThat(queued()).containsExactly(older.call());
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.RINGING);
    }

    @Test
    void nonUrgentCallsAreOfferedOldestFirst() {
        Waiting first = call("en", false, 0);
        Waiting second = call("en", false, 3);
        enqueue(second, 3);
        brain.enqueue(first, at(4)); // reported late, but queued earlier: its queue time decides
        assertThat(available(EN_1, 10, "en")).containsExactly(new Offer(first.call(), EN_1));
    }

    @Test
    void aCallGoesToAnOperatorWhoSpeaksItsLanguageEvenIfAnotherHasBeenIdleLonger() {
        available(EN_1, 0, "en");
        available(ES_1, 5, "es");
        Waiting spanish = call("es", false, 10);

        assertThat(enqueue(spanish, 10)).containsExactly(new Offer(spanish.call(), ES_1));
        assertThat(presenceOf(ES_1)).isEqualTo(Presence.RINGING);
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.AVAILABLE);
    }

    @Test
    void amongOperatorsWhoSpeakTheLanguageTheLongestIdleGetsTheCall() {
        OperatorId en4 = new OperatorId(4);
        available(ES_1, 0, "es"); // idle longest, but does not speak English
        available(EN_2, 2, "en");
        available(EN_1, 4, "en", "es");
        available(en4, 3, "en"); // idle order 2, 4, 1: neither the order of ids nor its reverse

        Waiting first = call("en", false, 10);
        Waiting second = call("en", false, 11);
        Waiting third = call("en", false, 12);
        assertThat(enqueue(first, 10)).containsExactly(new Offer(first.call(), EN_2));
        assertThat(enqueue(second, 11)).containsExactly(new Offer(second.call(), en4));
        assertThat(enqueue(third, 12)).containsExactly(new Offer(third.call(), EN_1));
        assertThat(presenceOf(ES_1)).isEqualTo(Presence.AVAILABLE);
    }

    @Test
    void aNonUrgentCallWithNoSpeakerWaitsForTheLanguageWaitThenGoesToAnyone() {
        available(EN_1, 0, "en");
        Waiting french = call("fr", false, 10);

        assertThat(enqueue(french, 10)).isEmpty();
        assertThat(brain.tick(at(10 + 29))).isEmpty();
        assertThat(queued()).containsExactly(french.call());
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.AVAILABLE);

        assertThat(brain.tick(at(10 + 30))).containsExactly(new Offer(french.call(), EN_1));
        assertThat(queued()).isEmpty();
    }

    @Test
    void aSpeakerWhoBecomesAvailableDuringTheLanguageWaitTakesTheCall() {
        available(EN_1, 0, "en");
        Waiting french = call("fr", false, 10);
        enqueue(french, 10);

        assertThat(available(new OperatorId(9), 20, "fr")).containsExactly(new Offer(french.call(), new OperatorId(9)));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.AVAILABLE);
    }

    @Test
    void anUrgentCallNeverWaitsForALanguage() {
        available(EN_1, 0, "en");
        Waiting urgentFrench = call("fr", true, 10);

        assertThat(enqueue(urgentFrench, 10)).containsExactly(new Offer(urgentFrench.call(), EN_1));
    }

    @Test
    void aCallWithoutALanguageGoesToAnyAvailableOperator() {
        available(EN_1, 0, "en");
        Waiting noLanguage = call(null, false, 10);

        assertThat(enqueue(noLanguage, 10)).containsExactly(new Offer(noLanguage.call(), EN_1));
    }

    @Test
    void awayOperatorsGetNoCalls() {
        available(EN_1, 0, "en");
        brain.setPresence(EN_1, List.of("en"), Presence.AWAY, at(1));
        Waiting english = call("en", true, 10);

        assertThat(enqueue(english, 10)).isEmpty();
        assertThat(queued()).containsExactly(english.call());
    }

    @Nested
    class WhenNobodyAnswers {

        @Test
        void theOfferIsWithdrawnAfterTheTimeoutTheOperatorIsSetAwayAndTheNextOperatorIsOffered() {
            available(EN_1, 0, "en");
            available(EN_2, 1, "en");
            Waiting english = call("en", false, 10);
            assertThat(enqueue(english, 10)).containsExactly(new Offer(english.call(), EN_1));

            assertThat(brain.tick(at(10 + 19))).isEmpty();
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.RINGING);

            assertThat(brain.tick(at(10 + 20))).containsExactly(new Withdraw(english.call(), EN_1),
                    new Offer(english.call(), EN_2));
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.AWAY);
            assertThat(presenceOf(EN_2)).isEqualTo(Presence.RINGING);
        }

        @Test
        void theWithdrawnCallKeepsItsPlaceAheadOfLaterCalls() {
            available(EN_1, 0, "en");
            Waiting first = call("en", false, 10);
            Waiting later = call("en", false, 12);
            assertThat(enqueue(first, 10)).containsExactly(new Offer(first.call(), EN_1));
            assertThat(enqueue(later, 12)).isEmpty();

            assertThat(brain.tick(at(30))).containsExactly(new Withdraw(first.call(), EN_1));
            assertThat(queued()).containsExactly(first.call(), later.call());

            assertThat(available(EN_2, 31, "en")).containsExactly(new Offer(first.call(), EN_2));
            assertThat(queued()).containsExactly(later.call());
        }

        @Test
        void anUnansweredOfferReportedByTheProviderRequeuesTheCallAndSetsTheOperatorAway() {
            available(EN_1, 0, "en");
            available(EN_2, 1, "en");
            Waiting english = call("en", false, 10);
            enqueue(english, 10);

            assertThat(brain.unanswered(english.call(), EN_1, at(12)))
                    .containsExactly(new Offer(english.call(), EN_2));
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.AWAY);
        }

        @Test
        void aNoAnswerFromAnOperatorTheCallIsNotRingingAtChangesNothing() {
            available(EN_1, 0, "en");
            Waiting english = call("en", false, 10);
            enqueue(english, 10);

            assertThat(brain.unanswered(english.call(), EN_2, at(12))).isEmpty();
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.RINGING);
            assertThat(queued()).isEmpty();
        }
    }

    @Nested
    class WhenTheCallerHangsUp {

        @Test
        void whileQueuedTheCallLeavesTheQueueAndIsNeverOffered() {
            Waiting english = call("en", false, 10);
            enqueue(english, 10);

            assertThat(brain.ended(english.call(), at(15))).isEmpty();
            assertThat(queued()).isEmpty();
            assertThat(available(EN_1, 20, "en")).isEmpty();
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.AVAILABLE);
        }

        @Test
        void whileRingingTheOperatorIsAvailableAgainAndKeepsTheirPlaceInLine() {
            available(EN_1, 0, "en");
            available(EN_2, 5, "en");
            Waiting hangsUp = call("en", false, 10);
            assertThat(enqueue(hangsUp, 10)).containsExactly(new Offer(hangsUp.call(), EN_1));

            assertThat(brain.ended(hangsUp.call(), at(12))).isEmpty();
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.AVAILABLE);
            assertThat(brain.tick(at(40))).isEmpty(); // no offer left to time out

            Waiting next = call("en", false, 50);
            assertThat(enqueue(next, 50)).containsExactly(new Offer(next.call(), EN_1));
        }
    }

    @Test
    void anOperatorWhoBecomesAvailableGetsTheOldestCallTheyCanTake() {
        Waiting french = call("fr", false, 0);       // no French speaker; still within the language wait
        Waiting spanishOld = call("es", false, 5);
        Waiting spanishNew = call("es", false, 6);
        enqueue(french, 0);
        enqueue(spanishOld, 5);
        enqueue(spanishNew, 6);

        assertThat(available(EN_1, 10, "en")).isEmpty();
        assertThat(available(ES_1, 11, "es")).containsExactly(new Offer(spanishOld.call(), ES_1));
        assertThat(queued()).containsExactly(french.call(), spanishNew.call());
    }

    @Test
    void afterACallEndsTheOperatorWrapsUpAndTakesNoCallUntilWrapUpIsDone() {
        available(EN_1, 0, "en");
        Waiting first = call("en", false, 1);
        assertThat(enqueue(first, 1)).containsExactly(new Offer(first.call(), EN_1));
        brain.answered(first.call(), EN_1, at(3));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.ON_CALL);

        Waiting second = call("en", false, 5);
        assertThat(enqueue(second, 5)).isEmpty();
        assertThatThrownBy(() -> brain.setPresence(EN_1, List.of("en"), Presence.AWAY, at(6)))
                .isInstanceOf(IllegalStateException.class);

        assertThat(brain.ended(first.call(), at(60))).isEmpty();
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.WRAP_UP);
        assertThat(queued()).containsExactly(second.call());

        assertThat(brain.wrapUpDone(EN_1, at(90))).containsExactly(new Offer(second.call(), EN_1));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.RINGING);
    }

    @Test
    void aReportSubmittedBeforeTheCallEndedLeavesNoAfterCallWork() {
        available(EN_1, 0, "en");
        Waiting first = call("en", false, 1);
        enqueue(first, 1);
        brain.answered(first.call(), EN_1, at(2));
        Waiting second = call("en", false, 5);
        enqueue(second, 5);

        // Submitted while the caller is still on the line (or before routing decided the end it was told of).
        brain.reportsSubmitted(c -> c.equals(first.call()) ? java.util.Set.of(EN_1) : java.util.Set.of());
        assertThat(brain.wrapUpDone(EN_1, at(30))).isEmpty();
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.ON_CALL);

        assertThat(brain.ended(first.call(), at(40))).containsExactly(new Offer(second.call(), EN_1));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.RINGING);
    }

    @Test
    void aReportSubmittedBeforeRoutingSawTheAnswerStillLeavesNoAfterCallWork() {
        available(EN_1, 0, "en");
        Waiting first = call("en", false, 1);
        enqueue(first, 1);
        // Routing is behind: the submission is decided while the call still rings here, then the answer and end.
        assertThat(brain.wrapUpDone(EN_1, at(3))).isEmpty();
        brain.reportsSubmitted(c -> c.equals(first.call()) ? java.util.Set.of(EN_1) : java.util.Set.of());
        brain.answered(first.call(), EN_1, at(4));
        brain.ended(first.call(), at(5));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.AVAILABLE);
    }

    @Test
    void aReportOfAnotherCallSubmittedDuringACallLeavesThatCallsAfterCallWork() {
        available(EN_1, 0, "en");
        Waiting first = call("en", false, 1);
        enqueue(first, 1);
        brain.answered(first.call(), EN_1, at(2));

        // An older draft finished between two sentences: this call's report is still to be written.
        CallId older = CallId.random();
        brain.reportsSubmitted(c -> c.equals(older) ? java.util.Set.of(EN_1) : java.util.Set.of());
        brain.wrapUpDone(EN_1, at(30));
        brain.ended(first.call(), at(40));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.WRAP_UP);
    }

    @Test
    void afterWrapUpTheOperatorQueuesBehindOperatorsWhoWereIdleLonger() {
        available(EN_1, 0, "en");
        Waiting first = call("en", false, 1);
        enqueue(first, 1);
        brain.answered(first.call(), EN_1, at(2));
        available(EN_2, 10, "en");
        brain.ended(first.call(), at(20));
        brain.wrapUpDone(EN_1, at(30));

        Waiting next = call("en", false, 40);
        assertThat(enqueue(next, 40)).containsExactly(new Offer(next.call(), EN_2));
    }

    @Test
    void goingAwayWhileRingingWithdrawsTheOfferAndRequeuesTheCall() {
        available(EN_1, 0, "en");
        Waiting english = call("en", false, 1);
        enqueue(english, 1);

        assertThat(brain.setPresence(EN_1, List.of("en"), Presence.AWAY, at(2)))
                .as("not rung out: the operator is not told they missed it").containsExactly(
                        new Withdraw(english.call(), EN_1, false));
        assertThat(presenceOf(EN_1)).isEqualTo(Presence.AWAY);
        assertThat(queued()).containsExactly(english.call());

        assertThat(available(EN_2, 3, "en")).containsExactly(new Offer(english.call(), EN_2));
    }

    @Test
    void goingAwayWhileRingingOffersTheCallToAnotherAvailableOperatorAtOnce() {
        available(EN_1, 0, "en");
        Waiting english = call("en", false, 1);
        enqueue(english, 1);
        available(EN_2, 2, "en");

        assertThat(brain.setPresence(EN_1, List.of("en"), Presence.AWAY, at(3)))
                .containsExactly(new Withdraw(english.call(), EN_1, false), new Offer(english.call(), EN_2));
    }

    @Test
    void operatorsCanOnlyChooseAvailableOrAway() {
        assertThatThrownBy(() -> brain.setPresence(EN_1, List.of("en"), Presence.ON_CALL, at(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(brain.presence(EN_1)).isEmpty();
    }

    @Nested
    class PhoneNotConnected {

        @Test
        void anOfferRefusedForAnUnreachablePhoneGoesToTheNextOperatorAtOnceWithoutSettingTheOperatorAway() {
            available(EN_1, 0, "en");
            available(EN_2, 1, "en");
            Waiting english = call("en", false, 10);
            assertThat(enqueue(english, 10)).containsExactly(new Offer(english.call(), EN_1));

            // The provider learns the phone cannot be reached, then reports the offer failed, in the same second.
            assertThat(brain.phoneReachable(EN_1, false, at(10))).isEmpty();
            assertThat(brain.unanswered(english.call(), EN_1, at(10)))
                    .containsExactly(new Offer(english.call(), EN_2));
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.PHONE_NOT_CONNECTED);
        }

        @Test
        void anOperatorWithAnUnreachablePhoneIsSkippedUntilItIsBackThenTakesCallsAsTheyChose() {
            available(EN_1, 0, "en");
            assertThat(brain.phoneReachable(EN_1, false, at(1))).isEmpty();
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.PHONE_NOT_CONNECTED);
            Waiting english = call("en", true, 2);
            assertThat(enqueue(english, 2)).isEmpty();
            // Choosing available again does not make the phone ring.
            assertThat(available(EN_1, 3, "en")).isEmpty();
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.PHONE_NOT_CONNECTED);

            assertThat(brain.phoneReachable(EN_1, true, at(4))).containsExactly(new Offer(english.call(), EN_1));
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.RINGING);
        }

        @Test
        void anOperatorWhoGoesAwayStaysAwayWhenTheirPhoneComesBackAndAfterWrapUpWaitsForIt() {
            available(EN_1, 0, "en");
            brain.phoneReachable(EN_1, false, at(1));
            brain.setPresence(EN_1, List.of("en"), Presence.AWAY, at(2));
            brain.phoneReachable(EN_1, true, at(3));
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.AWAY);

            available(EN_1, 4, "en");
            Waiting english = call("en", false, 5);
            enqueue(english, 5);
            brain.answered(english.call(), EN_1, at(6));
            brain.phoneReachable(EN_1, false, at(7));
            assertThat(presenceOf(EN_1)).as("a call in progress is not cut short").isEqualTo(Presence.ON_CALL);
            brain.ended(english.call(), at(8));
            brain.wrapUpDone(EN_1, at(9));
            assertThat(presenceOf(EN_1)).isEqualTo(Presence.PHONE_NOT_CONNECTED);
        }
    }
}
