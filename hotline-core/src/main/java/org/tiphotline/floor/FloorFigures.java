package org.tiphotline.floor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;

/**
 * The figures of one interval, computed from the calls' timelines and the escalations alone: nothing is counted
 * as it happens, so a restarted node, or the other node, computes the same figures from the same rows.
 *
 * <p>The conventions, chosen so that each call is counted once and the figures add up:
 * <ul>
 * <li>A call belongs to the interval in which it <b>first reached the queue</b> (its first QUEUED event),
 *     wherever its answer or end falls: a call queued at 09:14:55 and answered at 09:15:10 is a 09:00–09:15 call.
 *     A call that never reached the queue (abandoned in the IVR) belongs to the interval in which it arrived.
 * <li><b>offered</b> = calls that reached the queue = answered + abandoned in queue + abandoned while ringing
 *     + short abandons + handed over + lost + waiting. A call that rang out at one operator (NO_ANSWER) and was
 *     answered by the next is one offered, one answered call; its speed of answer runs from its first queueing.
 * <li><b>Short abandons</b>: the caller hung up (in the queue or while it rang) less than {@code shortAbandon}
 *     after reaching the queue. They are counted apart (not in the two abandon counts) and left out of the service
 *     level's denominator: nobody could have answered them within any sensible standard, and a burst of misdials would
 *     otherwise lower the level the operators are judged by. Contact-centre reports commonly treat short abandons
 *     this way; the count stays visible, so a rise (callers giving up at once) is not hidden.
 * <li><b>Handed over</b>: transferred before anyone answered (the fallback line when nobody could take the call).
 *     They stay in the service level's denominator and never in its numerator: the hotline did not answer them.
 *     A call transferred <em>after</em> an operator answered (an escalation, or a warm transfer to a colleague: a
 *     {@code TRANSFERRED} event naming them) is an answered call; its handling time runs until it ended on our line.
 * <li><b>Lost</b>: ended without an answer for any other reason (the provider lost it, reconciliation closed it).
 * <li><b>Service level</b> at a threshold = answered within the threshold (inclusive) / (offered − short abandons −
 *     calls still waiting that have not yet waited the threshold). A call still waiting past the threshold has
 *     already missed it and counts against the level at once; one still under it is undecided. Null when nothing
 *     is counted.
 * <li><b>Speed of answer</b>: first queueing to the answer; its 90th percentile is the nearest rank (the smallest
 *     value that at least 90 % of answered calls do not exceed).
 * <li><b>Handling time</b>: answer to the call's end, over answered calls that have ended.
 * <li><b>Escalations</b> belong to the interval in which they were raised; one is acknowledged in time when it was
 *     acknowledged no later than its first deadline.
 * </ul>
 */
public final class FloorFigures {

    private FloorFigures() {
    }

    /** One call's timeline, its events in order. */
    public record Timeline(List<CallEvent> events) {

        public Timeline {
            events = List.copyOf(events);
        }
    }

    /** One escalation: when raised, when acknowledged (null: not yet), and its first acknowledgement deadline. */
    public record EscalationFact(Instant raisedAt, Instant acknowledgedAt, Instant deadline) {}

    /** A service level: answered within {@code threshold} out of {@code counted}; {@code percent} null if none. */
    public record ServiceLevel(long thresholdSeconds, double target, int within, int counted, Double percent) {

        @com.fasterxml.jackson.annotation.JsonProperty
        public boolean meetsTarget() {
            return percent == null || percent >= target;
        }
    }

    /** The figures of one interval; durations in whole milliseconds, null when there is nothing to average. */
    public record Figures(int offered, int answered, int abandonedInIvr, int abandonedInQueue, int abandonedRinging,
            int shortAbandons, long shortAbandonSeconds, int handedOver, int lost, int waiting, ServiceLevel serviceLevelFirst,
            ServiceLevel serviceLevelSecond, Long averageSpeedOfAnswerMs, Long speedOfAnswerP90Ms,
            Long averageHandlingMs, int escalationsRaised, int escalationsAcknowledgedInTime) {}

    /** How one call ended up, for the interval's counts. */
    private enum Fate { ANSWERED, ABANDONED_IN_QUEUE, ABANDONED_RINGING, SHORT_ABANDON, HANDED_OVER, LOST, WAITING }

    /**
     * The figures of {@code interval} at {@code now}. Calls and escalations outside the interval may be passed
     * (the database hands over every call that touches it): they are left out here, by the rules above.
     */
    public static Figures compute(FloorInterval interval, Collection<Timeline> calls,
            Collection<EscalationFact> escalations, FloorSettings settings, Instant now) {
        int offered = 0;
        int abandonedInIvr = 0;
        int[] fates = new int[Fate.values().length];
        List<Duration> speeds = new ArrayList<>();
        List<Duration> handling = new ArrayList<>();
        List<Duration> stillWaiting = new ArrayList<>();
        for (Timeline call : calls) {
            List<CallEvent> events = call.events();
            if (events.isEmpty()) {
                continue;
            }
            Instant queued = firstAt(events, CallEventType.QUEUED);
            if (queued == null) {
                if (interval.contains(events.getFirst().at()) && firstAt(events, CallEventType.ABANDONED) != null) {
                    abandonedInIvr++;
                }
                continue;
            }
            if (!interval.contains(queued)) {
                continue;
            }
            offered++;
            Instant answered = firstAt(events, CallEventType.ANSWERED);
            Fate fate = fate(events, queued, answered, settings);
            fates[fate.ordinal()]++;
            if (answered != null) {
                speeds.add(Duration.between(queued, answered));
                Instant ended = endOf(events);
                if (ended != null) {
                    handling.add(Duration.between(answered, ended));
                }
            } else if (fate == Fate.WAITING) {
                stillWaiting.add(Duration.between(queued, now));
            }
        }
        int shortAbandons = fates[Fate.SHORT_ABANDON.ordinal()];
        int raised = 0;
        int inTime = 0;
        for (EscalationFact e : escalations) {
            if (interval.contains(e.raisedAt())) {
                raised++;
                if (e.acknowledgedAt() != null && !e.acknowledgedAt().isAfter(e.deadline())) {
                    inTime++;
                }
            }
        }
        return new Figures(offered, fates[Fate.ANSWERED.ordinal()], abandonedInIvr,
                fates[Fate.ABANDONED_IN_QUEUE.ordinal()], fates[Fate.ABANDONED_RINGING.ordinal()], shortAbandons,
                settings.shortAbandon().toSeconds(),
                fates[Fate.HANDED_OVER.ordinal()], fates[Fate.LOST.ordinal()], fates[Fate.WAITING.ordinal()],
                level(settings.serviceLevelFirst(), settings.serviceLevelFirstTarget(), speeds, stillWaiting,
                        offered - shortAbandons),
                level(settings.serviceLevelSecond(), settings.serviceLevelSecondTarget(), speeds, stillWaiting,
                        offered - shortAbandons),
                average(speeds), p90(speeds), average(handling), raised, inTime);
    }

    /**
     * The instant that decides which interval a call counts in, by the rule above: its first queueing, or, for a call
     * that never reached the queue, its arrival (the first event). Null for an empty timeline. Reports that group
     * calls otherwise than by one interval (by hour of the day over a month) group them by this.
     */
    public static Instant countedAt(Timeline call) {
        if (call.events().isEmpty()) {
            return null;
        }
        Instant queued = firstAt(call.events(), CallEventType.QUEUED);
        return queued != null ? queued : call.events().getFirst().at();
    }

    private static Fate fate(List<CallEvent> events, Instant queued, Instant answered, FloorSettings settings) {
        if (answered != null) {
            return Fate.ANSWERED;
        }
        boolean handedOver = false;
        for (CallEvent e : events) {
            switch (e.type()) {
                case TRANSFERRED -> handedOver = true;
                case ABANDONED -> {
                    if (Duration.between(queued, e.at()).compareTo(settings.shortAbandon()) < 0) {
                        return Fate.SHORT_ABANDON;
                    }
                    return "RINGING".equals(e.detail("stage")) ? Fate.ABANDONED_RINGING : Fate.ABANDONED_IN_QUEUE;
                }
                case ENDED -> {
                    return handedOver ? Fate.HANDED_OVER : Fate.LOST;
                }
                default -> { }
            }
        }
        return handedOver ? Fate.HANDED_OVER : Fate.WAITING;
    }

    private static ServiceLevel level(Duration threshold, double target, List<Duration> speeds,
            List<Duration> stillWaiting, int countable) {
        int within = (int) speeds.stream().filter(s -> s.compareTo(threshold) <= 0).count();
        int undecided = (int) stillWaiting.stream().filter(w -> w.compareTo(threshold) <= 0).count();
        int counted = countable - undecided;
        Double percent = counted <= 0 ? null : Math.round(1000.0 * within / counted) / 10.0;
        return new ServiceLevel(threshold.toSeconds(), target, within, Math.max(counted, 0), percent);
    }

    private static Instant firstAt(List<CallEvent> events, CallEventType type) {
        for (CallEvent e : events) {
            if (e.type() == type) {
                return e.at();
            }
        }
        return null;
    }

    private static Instant endOf(List<CallEvent> events) {
        for (CallEvent e : events) {
            if (e.type() == CallEventType.ENDED || e.type() == CallEventType.ABANDONED) {
                return e.at();
            }
        }
        return null;
    }

    private static Long average(List<Duration> durations) {
        if (durations.isEmpty()) {
            return null;
        }
        long total = 0;
        for (Duration d : durations) {
            total += d.toMillis();
        }
        return Math.round((double) total / durations.size());
    }

    private static Long p90(List<Duration> durations) {
        if (durations.isEmpty()) {
            return null;
        }
        List<Duration> sorted = durations.stream().sorted().toList();
        int rank = (int) Math.ceil(0.9 * sorted.size());
        return sorted.get(rank - 1).toMillis();
    }
}
