package org.tiphotline.floor;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.StateLog;

/**
 * Floor reports ({@link FloorReport}) read from the database: the span's calls and escalations through the same
 * statement as the wallboard's ({@link FloorFacts#span}, an index range on the queueing and arrival times) and the
 * operators' states from the state log, in one read-only snapshot. A period is a month at most, so one request
 * reads a bounded stretch of the call table.
 */
@Service
public class FloorReports {

    private final FloorFacts facts;
    private final StateLog states;
    private final Operators operators;
    private final FloorSettings settings;
    private final ZoneId zone;
    private final Clock clock;

    public FloorReports(FloorFacts facts, StateLog states, Operators operators, FloorSettings settings,
            JurisdictionSettings jurisdiction, Clock clock) {
        this.facts = facts;
        this.states = states;
        this.operators = operators;
        this.settings = settings;
        this.zone = ZoneId.of(jurisdiction.timeZone());
        this.clock = clock;
    }

    /** The jurisdiction's zone, in which periods start and end. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * The report of the period of {@code length} holding {@code day} (the jurisdiction's date). A period that has not
     * begun is refused: there is nothing to report, and a typo in a date should say so rather than show zeros.
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public FloorReport report(ReportPeriod.Length length, LocalDate day) {
        ReportPeriod period = ReportPeriod.holding(length, day, zone);
        Instant now = clock.instant();
        if (!period.from().isBefore(now)) {
            throw new IllegalArgumentException("the " + length.name().toLowerCase(java.util.Locale.ROOT) + " of "
                    + day + " has not begun yet");
        }
        FloorFacts.Span span = facts.span(period.from(), period.to());
        List<StateLog.OperatorShift> shifts = states.between(period.from(), period.to());
        Set<Long> answering = FloorReport.answeringOperators(span);
        shifts.forEach(s -> answering.remove(s.operator().value()));
        Map<Long, String> names = new HashMap<>();
        for (Long id : answering) {
            operators.byId(new OperatorId(id)).ifPresent(o -> names.put(id, o.displayName()));
        }
        return FloorReport.derive(period, span, shifts, names, settings, now);
    }
}
