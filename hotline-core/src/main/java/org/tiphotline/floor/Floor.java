package org.tiphotline.floor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorInterval.Kind;
import org.tiphotline.intake.JurisdictionSettings;

/**
 * The supervisors' floor: now, and the figures of the current quarter, hour, shift or day on the jurisdiction's
 * clock, computed from the database, so a restarted node and the other node answer the same. The live figures
 * ({@link #update}, about once a second under load) keep the timelines of calls over for more than {@link #SETTLED}
 * and read again only the others: a call's figures stop changing when it ends, and reading every call of the day
 * each second cost PostgreSQL more as the day went on (docs/benchmarks.md, the wallboard's cost).
 */
@Service
public class Floor {

    /** How long after its end a call's timeline is kept instead of read again: its end is surely committed. */
    static final Duration SETTLED = Duration.ofMinutes(1);

    private final FloorFacts facts;
    private final FloorSettings settings;
    private final ZoneId zone;
    private final Clock clock;
    private final Settled settled = new Settled();

    /**
     * The timelines of the widest span's calls that ended before {@code endedBefore}, all of them: the database's
     * count of those is checked at every read, so a call stored late, or removed, makes everything read again.
     * Guarded by itself; one update at a time reads and extends it.
     */
    private static final class Settled {
        Instant spanFrom;
        Instant endedBefore = Instant.EPOCH;
        final Map<String, FloorFigures.Timeline> calls = new LinkedHashMap<>();
    }

    public Floor(FloorFacts facts, FloorSettings settings, JurisdictionSettings jurisdiction, Clock clock) {
        this.facts = facts;
        this.settings = settings;
        this.zone = ZoneId.of(jurisdiction.timeZone());
        this.clock = clock;
    }

    /** The figures of one interval, with the interval itself. */
    public record IntervalFigures(Kind kind, Instant from, Instant to, String label, Figures figures) {}

    /** What {@code GET /api/floor} answers: the floor now and one interval's figures. */
    public record View(FloorNow now, IntervalFigures interval) {}

    /** What the live topic carries: the floor now and the figures of every kind of interval, in {@link Kind} order. */
    public record Update(FloorNow now, List<IntervalFigures> intervals) {}

    /** The floor now and the current interval of {@code kind}; one read-only snapshot for both statements. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public View view(Kind kind) {
        Instant now = clock.instant();
        FloorInterval interval = FloorInterval.containing(kind, now, zone, settings.shiftStarts());
        FloorFacts.Span span = facts.span(interval.from(), interval.to());
        return new View(facts.now(now), figures(interval, span, now));
    }

    /**
     * The floor now and every kind of interval, from one read of the widest span (a night shift starts the day
     * before): the narrower intervals' calls are a part of it, and {@link FloorFigures} keeps to each interval.
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Update update() {
        Instant now = clock.instant();
        List<FloorInterval> intervals = Arrays.stream(Kind.values())
                .map(k -> FloorInterval.containing(k, now, zone, settings.shiftStarts())).toList();
        Instant from = intervals.stream().map(FloorInterval::from).min(Instant::compareTo).orElseThrow();
        Instant to = intervals.stream().map(FloorInterval::to).max(Instant::compareTo).orElseThrow();
        FloorFacts.Span span = read(from, to, now);
        return new Update(facts.now(now), intervals.stream().map(i -> figures(i, span, now)).toList());
    }

    /** The span's calls: those kept, and the others read now; the ones that have now been over long enough kept. */
    private FloorFacts.Span read(Instant from, Instant to, Instant now) {
        synchronized (settled) {
            if (!from.equals(settled.spanFrom)) {
                forget(from);
            }
            FloorFacts.Unsettled fresh = facts.unsettled(from, to, settled.endedBefore);
            if (fresh.settled() != settled.calls.size()) {
                forget(from);
                fresh = facts.unsettled(from, to, settled.endedBefore);
            }
            Instant keepBefore = now.minus(SETTLED);
            List<FloorFigures.Timeline> calls = new ArrayList<>(settled.calls.values());
            for (FloorFacts.SpanCall call : fresh.calls()) {
                calls.add(call.timeline());
                if (call.endedAt() != null && call.endedAt().isBefore(keepBefore)) {
                    settled.calls.put(call.id(), call.timeline());
                }
            }
            // Every call ended before keepBefore is kept now: those before the last bound were, the rest were read.
            if (keepBefore.isAfter(settled.endedBefore)) {
                settled.endedBefore = keepBefore;
            }
            return new FloorFacts.Span(calls, fresh.escalations());
        }
    }

    /** The figures of any interval (a past quarter, for reports), as they stand now. */
    public IntervalFigures figures(FloorInterval interval) {
        FloorFacts.Span span = facts.span(interval.from(), interval.to());
        return figures(interval, span, clock.instant());
    }

    private IntervalFigures figures(FloorInterval interval, FloorFacts.Span span, Instant now) {
        return new IntervalFigures(interval.kind(), interval.from(), interval.to(), interval.label(),
                FloorFigures.compute(interval, span.calls(), span.escalations(), settings, now));
    }

    private void forget(Instant spanFrom) {
        settled.calls.clear();
        settled.spanFrom = spanFrom;
        settled.endedBefore = Instant.EPOCH;
    }
}
