package org.tiphotline.floor;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.floor.FloorFigures.Figures;
import org.tiphotline.floor.FloorInterval.Kind;
import org.tiphotline.intake.JurisdictionSettings;

/**
 * The supervisors' floor: now, and the figures of the current quarter, hour, shift or day on the jurisdiction's
 * clock. Holds nothing between calls: every answer is computed afresh from the database, so a restarted node and
 * the other node answer the same.
 */
@Service
public class Floor {

    private final FloorFacts facts;
    private final FloorSettings settings;
    private final ZoneId zone;
    private final Clock clock;

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
        FloorFacts.Span span = facts.span(from, to);
        return new Update(facts.now(now), intervals.stream().map(i -> figures(i, span, now)).toList());
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
}
