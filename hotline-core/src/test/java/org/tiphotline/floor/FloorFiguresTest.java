package org.tiphotline.floor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.floor.FloorFigures.EscalationFact;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorFigures.Timeline;
import org.tiphotline.operators.OperatorId;

/**
 * The figures of one quarter (09:00–09:15 in Kingston) from a constructed event log, against figures worked out by
 * hand in the comments: every call is written out with the counts it adds to.
 */
class FloorFiguresTest {

    private static final ZoneId KINGSTON = ZoneId.of("America/Jamaica");
    private static final OperatorId ANN = new OperatorId(1);
    private static final OperatorId BEN = new OperatorId(2);
    private static final FloorInterval QUARTER = FloorInterval.containing(FloorInterval.Kind.QUARTER, at("09:07:00"),
            KINGSTON, List.of(LocalTime.of(7, 0)));

    private static Instant at(String clock) {
        return LocalDateTime.parse("2026-12-07T" + clock).atZone(KINGSTON).toInstant();
    }

    /** A timeline written as type, local clock time, and for some types the operator or the detail. */
    private static final class Log {
        private final List<CallEvent> events = new ArrayList<>();

        Log(String arrived) {
            add(CallEventType.ARRIVED, arrived, null, Map.of());
        }

        Log add(CallEventType type, String clock, OperatorId operator, Map<String, String> detail) {
            events.add(new CallEvent(events.size() + 1, type, at(clock), operator, detail));
            return this;
        }

        Log queued(String clock) {
            return add(CallEventType.QUEUED, clock, null, Map.of());
        }

        Log offered(String clock, OperatorId to) {
            return add(CallEventType.OFFERED, clock, to, Map.of());
        }

        Log answered(String clock, OperatorId by) {
            return add(CallEventType.ANSWERED, clock, by, Map.of());
        }

        Log ended(String clock) {
            return add(CallEventType.ENDED, clock, null, Map.of("by", "caller"));
        }

        Log abandoned(String clock, String stage) {
            return add(CallEventType.ABANDONED, clock, null, Map.of("stage", stage));
        }

        Log transferred(String clock) {
            return add(CallEventType.TRANSFERRED, clock, null, Map.of("to", "fallback line"));
        }

        Timeline timeline() {
            return new Timeline(events);
        }
    }

    private static List<Timeline> quarterCalls() {
        return List.of(
                // A: speed 10 s, handled 300 s.
                new Log("09:00:00").queued("09:00:20").offered("09:00:21", ANN).answered("09:00:30", ANN)
                        .ended("09:05:30").timeline(),
                // B: speed exactly 15 s (within both thresholds), handled 120 s.
                new Log("09:00:50").queued("09:01:00").offered("09:01:01", BEN).answered("09:01:15", BEN)
                        .ended("09:03:15").timeline(),
                // C: rang out at Ann, answered by Ben: one offered and answered call, speed 40 s from its first
                // queueing, handled 480 s.
                new Log("09:01:50").queued("09:02:00").offered("09:02:01", ANN)
                        .add(CallEventType.NO_ANSWER, "09:02:20", ANN, Map.of("reason", "no-answer"))
                        .offered("09:02:21", BEN).answered("09:02:40", BEN).ended("09:10:40").timeline(),
                // D: hung up 4 s after queueing: a short abandon.
                new Log("09:02:50").queued("09:03:00").abandoned("09:03:04", "QUEUED").timeline(),
                // E: hung up exactly 5 s after queueing: not under the limit, abandoned in the queue.
                new Log("09:03:50").queued("09:04:00").abandoned("09:04:05", "QUEUED").timeline(),
                // F: hung up while ringing, 25 s after queueing.
                new Log("09:04:50").queued("09:05:00").offered("09:05:01", ANN).abandoned("09:05:25", "RINGING")
                        .timeline(),
                // G: hung up in the IVR: not offered, one IVR abandon.
                new Log("09:06:00").abandoned("09:06:30", "IVR").timeline(),
                // H: nobody could take it, handed to the fallback line: offered, handed over.
                new Log("09:06:50").queued("09:07:00").transferred("09:08:00").ended("09:08:00").timeline(),
                // I: answered in 18 s, then transferred to an agency by the operator: answered, handled 120 s
                // (answer to the end on our line).
                new Log("09:07:50").queued("09:08:00").offered("09:08:01", ANN).answered("09:08:18", ANN)
                        .transferred("09:09:00").ended("09:10:18").timeline(),
                // Lost: the provider lost it before anyone answered.
                new Log("09:08:50").queued("09:09:00")
                        .add(CallEventType.ENDED, "09:09:30", null, Map.of("by", "reconciliation")).timeline(),
                // M: still waiting at 09:20 since 09:13: already past both thresholds.
                new Log("09:12:50").queued("09:13:00").timeline(),
                // J: queued in this quarter, answered in the next (15 s): counted here.
                new Log("09:14:40").queued("09:14:55").offered("09:14:56", BEN).answered("09:15:10", BEN)
                        .ended("09:16:10").timeline(),
                // K: arrived in this quarter, queued in the next: not counted here.
                new Log("09:14:50").queued("09:15:05").offered("09:15:06", ANN).answered("09:15:07", ANN)
                        .timeline(),
                // L: queued a second before the quarter, answered in it: the previous quarter's.
                new Log("08:59:40").queued("08:59:59").offered("09:00:00", BEN).answered("09:00:05", BEN)
                        .ended("09:01:00").timeline(),
                // An IVR abandon that arrived in the previous quarter: not counted here.
                new Log("08:59:50").abandoned("09:00:10", "IVR").timeline());
    }

    private static List<EscalationFact> quarterEscalations() {
        return List.of(
                new EscalationFact(at("09:02:00"), at("09:05:00"), at("09:07:00")), // in time
                new EscalationFact(at("09:10:00"), at("09:16:00"), at("09:15:00")), // late
                new EscalationFact(at("09:11:00"), null, at("09:16:00")), // not acknowledged
                new EscalationFact(at("09:14:59"), at("09:19:59"), at("09:19:59")), // at its deadline: in time
                new EscalationFact(at("08:58:00"), at("08:59:00"), at("09:03:00"))); // previous quarter
    }

    @Test
    void everyFigureOfAQuarterMatchesTheHandCount() {
        Figures f = FloorFigures.compute(QUARTER, quarterCalls(), quarterEscalations(), FloorSettings.defaults(),
                at("09:20:00"));

        // A B C D E F H I Lost M J = 11 reached the queue in the quarter.
        assertThat(f.offered()).isEqualTo(11);
        assertThat(f.answered()).isEqualTo(5); // A B C I J
        assertThat(f.abandonedInIvr()).isEqualTo(1); // G
        assertThat(f.abandonedInQueue()).isEqualTo(1); // E
        assertThat(f.abandonedRinging()).isEqualTo(1); // F
        assertThat(f.shortAbandons()).isEqualTo(1); // D
        assertThat(f.handedOver()).isEqualTo(1); // H
        assertThat(f.lost()).isEqualTo(1);
        assertThat(f.waiting()).isEqualTo(1); // M
        // Speeds 10, 15, 40, 18, 15 s: mean 98 / 5 = 19.6 s; nearest-rank 90th: rank ceil(4.5) = 5 of 5 = 40 s.
        assertThat(f.averageSpeedOfAnswerMs()).isEqualTo(19_600L);
        assertThat(f.speedOfAnswerP90Ms()).isEqualTo(40_000L);
        // Handled 300 + 120 + 480 + 120 + 60 = 1080 s over 5 = 216 s.
        assertThat(f.averageHandlingMs()).isEqualTo(216_000L);
        // Denominator 11 offered - 1 short abandon = 10 (M has waited past both thresholds: counted, missed).
        // Within 15 s: A B J = 3 → 30 %; within 20 s: A B I J = 4 → 40 %.
        assertThat(f.serviceLevelFirst().within()).isEqualTo(3);
        assertThat(f.serviceLevelFirst().counted()).isEqualTo(10);
        assertThat(f.serviceLevelFirst().percent()).isEqualTo(30.0);
        assertThat(f.serviceLevelFirst().meetsTarget()).isFalse();
        assertThat(f.serviceLevelSecond().within()).isEqualTo(4);
        assertThat(f.serviceLevelSecond().percent()).isEqualTo(40.0);
        assertThat(f.serviceLevelSecond().thresholdSeconds()).isEqualTo(20);
        assertThat(f.serviceLevelSecond().target()).isEqualTo(95.0);
        // Raised 09:02, 09:10, 09:11, 09:14:59 = 4; in time: 09:02 and 09:14:59 (at its deadline) = 2.
        assertThat(f.escalationsRaised()).isEqualTo(4);
        assertThat(f.escalationsAcknowledgedInTime()).isEqualTo(2);
    }

    @Test
    void theNextQuarterCountsTheCallThatReachedTheQueueInIt() {
        FloorInterval next = FloorInterval.containing(FloorInterval.Kind.QUARTER, at("09:15:00"), KINGSTON,
                List.of(LocalTime.of(7, 0)));
        Figures f = FloorFigures.compute(next, quarterCalls(), List.of(), FloorSettings.defaults(), at("09:20:00"));

        // Only K: queued 09:15:05, answered 2 s later, still talking (no handling time yet).
        assertThat(f.offered()).isEqualTo(1);
        assertThat(f.answered()).isEqualTo(1);
        assertThat(f.averageSpeedOfAnswerMs()).isEqualTo(2_000L);
        assertThat(f.averageHandlingMs()).isNull();
        assertThat(f.serviceLevelFirst().percent()).isEqualTo(100.0);
        assertThat(f.abandonedInIvr()).isZero();
    }

    @Test
    void aCallStillUnderAThresholdIsUndecidedAndOnePastItCountsAsMissed() {
        List<Timeline> calls = List.of(
                new Log("09:13:40").queued("09:13:50").timeline(), // 20 s at 09:14:10
                new Log("09:13:50").queued("09:14:00").timeline(), // 10 s at 09:14:10
                new Log("09:10:50").queued("09:11:00").offered("09:11:01", ANN).answered("09:11:05", ANN)
                        .timeline());
        Figures f = FloorFigures.compute(QUARTER, calls, List.of(), FloorSettings.defaults(), at("09:14:10"));

        assertThat(f.waiting()).isEqualTo(2);
        // 15 s: the 20 s wait has missed it: 1 of 2 counted (the 10 s wait is undecided).
        assertThat(f.serviceLevelFirst().counted()).isEqualTo(2);
        assertThat(f.serviceLevelFirst().percent()).isEqualTo(50.0);
        // 20 s (inclusive): both waits are still undecided: 1 of 1.
        assertThat(f.serviceLevelSecond().counted()).isEqualTo(1);
        assertThat(f.serviceLevelSecond().percent()).isEqualTo(100.0);
    }

    @Test
    void theShortAbandonLimitIsConfigurableAndStrict() {
        FloorSettings tenSeconds = new FloorSettings(java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(15),
                90, java.time.Duration.ofSeconds(20), 95, List.of());
        Figures f = FloorFigures.compute(QUARTER, quarterCalls(), List.of(), tenSeconds, at("09:20:00"));

        // D (4 s) and E (5 s) are both short now; F (25 s) is not.
        assertThat(f.shortAbandons()).isEqualTo(2);
        assertThat(f.abandonedInQueue()).isZero();
        assertThat(f.abandonedRinging()).isEqualTo(1);
        assertThat(f.serviceLevelFirst().counted()).isEqualTo(9);
    }

    @Test
    void theFiguresDependOnTheEventsNotOnTheOrderTheCallsComeIn() {
        List<Timeline> shuffled = new ArrayList<>(quarterCalls());
        Collections.shuffle(shuffled, new Random(20));
        assertThat(FloorFigures.compute(QUARTER, shuffled, quarterEscalations(), FloorSettings.defaults(),
                at("09:20:00"))).isEqualTo(FloorFigures.compute(QUARTER, quarterCalls(), quarterEscalations(),
                FloorSettings.defaults(), at("09:20:00")));
    }

    /**
     * A warm transfer (issue 20 F): the colleague consulted takes the caller over (TRANSFERRED naming them). One
     * offered, one answered call, not handed over; its speed of answer is the first operator's and its handling time
     * runs from that answer to the end with the colleague: 09:05:00 → 09:05:10 is 10 s, 09:05:10 → 09:09:10 is 240 s.
     */
    @Test
    void aWarmTransferToAColleagueIsOneAnsweredCallHandledUntilItsEnd() {
        Timeline warm = new Log("09:04:50").queued("09:05:00").offered("09:05:01", ANN).answered("09:05:10", ANN)
                .add(CallEventType.CONSULTED, "09:06:00", BEN, Map.of("askedBy", "1"))
                .add(CallEventType.TRANSFERRED, "09:07:00", BEN, Map.of("to", "2", "from", "1"))
                .ended("09:09:10").timeline();
        Figures f = FloorFigures.compute(QUARTER, List.of(warm), List.of(), FloorSettings.defaults(), at("09:20:00"));

        assertThat(f.offered()).isEqualTo(1);
        assertThat(f.answered()).isEqualTo(1);
        assertThat(f.handedOver()).isZero();
        assertThat(f.averageSpeedOfAnswerMs()).isEqualTo(10_000L);
        assertThat(f.averageHandlingMs()).isEqualTo(240_000L);
        assertThat(f.serviceLevelFirst().percent()).isEqualTo(100.0);
    }

    @Test
    void anEmptyQuarterHasNoLevelAndNoAverages() {
        Figures f = FloorFigures.compute(QUARTER, List.of(), List.of(), FloorSettings.defaults(), at("09:20:00"));
        assertThat(f.offered()).isZero();
        assertThat(f.serviceLevelFirst().percent()).isNull();
        assertThat(f.serviceLevelFirst().meetsTarget()).isTrue();
        assertThat(f.averageSpeedOfAnswerMs()).isNull();
        assertThat(f.speedOfAnswerP90Ms()).isNull();
    }
}
