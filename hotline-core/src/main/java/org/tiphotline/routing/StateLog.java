package org.tiphotline.routing;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.OPERATOR_STATE_EVENT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.tiphotline.operators.OperatorId;

/**
 * Who was available when: operators' states over a window (a day, a shift), derived from the state log that every
 * routing decision appends to ({@link RoutingStore}), so any node gives the same answer, after any restart. The state
 * at the window's start is the last change before it; the window is cut at now when it has not ended.
 */
@Repository
public class StateLog {

    /** One change as logged. */
    public record Change(OperatorId operator, Presence state, AwayReason reason, StateCause.SetBy setBy,
            Instant at) {}

    /** A stretch of time in one state, cut to the window. */
    public record Span(Presence state, AwayReason reason, StateCause.SetBy setBy, Instant from, Instant to) {}

    /** Time in one state (for AWAY: one reason; {@code reason} null: away for no reason given). */
    public record Total(Presence state, AwayReason reason, long seconds) {}

    /** One operator over the window: their time in each state, and the stretches in order. */
    public record OperatorShift(OperatorId operator, String name, List<Total> totals, List<Span> spans) {}

    private final DSLContext db;
    private final Clock clock;

    public StateLog(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Every operator who had a state in [{@code from}, {@code to}), by name. */
    public List<OperatorShift> between(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("the window must end after it starts");
        }
        var e = OPERATOR_STATE_EVENT;
        List<Change> changes = new ArrayList<>();
        // The state each operator was in as the window opened: their last change before it, one backward step of the
        // (operator, at) index per user. (A DISTINCT ON over every earlier change read the whole history before the
        // window: a month's floor report on a long log spent most of its time there; FloorReportsTest has the plan.)
        var last = DSL.lateral(DSL.select(e.OPERATOR_ID, e.STATE, e.REASON, e.SET_BY, e.AT).from(e)
                .where(e.OPERATOR_ID.eq(APP_USER.ID)).and(e.AT.lt(from.atOffset(ZoneOffset.UTC)))
                .orderBy(e.AT.desc(), e.ID.desc()).limit(1)).as("last_change");
        db.select(last.field(e.OPERATOR_ID), last.field(e.STATE), last.field(e.REASON), last.field(e.SET_BY),
                        last.field(e.AT))
                .from(APP_USER).crossJoin(last)
                .forEach(r -> changes.add(change(r.value1(), r.value2(), r.value3(), r.value4(), r.value5())));
        db.select(e.OPERATOR_ID, e.STATE, e.REASON, e.SET_BY, e.AT).from(e)
                .where(e.AT.ge(from.atOffset(ZoneOffset.UTC))).and(e.AT.lt(to.atOffset(ZoneOffset.UTC)))
                .orderBy(e.AT, e.ID)
                .forEach(r -> changes.add(change(r.value1(), r.value2(), r.value3(), r.value4(), r.value5())));
        Map<Long, String> names = new java.util.HashMap<>();
        db.select(APP_USER.ID, APP_USER.DISPLAY_NAME).from(APP_USER)
                .where(APP_USER.ID.in(changes.stream().map(c -> c.operator().value()).distinct().toList()))
                .forEach(r -> names.put(r.value1(), r.value2()));
        Instant now = clock.instant();
        Instant end = to.isAfter(now) ? now : to;
        return shifts(changes, from, end.isBefore(from) ? from : end).stream()
                .map(s -> new OperatorShift(s.operator(), names.getOrDefault(s.operator().value(), "Former user"),
                        s.totals(), s.spans()))
                .sorted(Comparator.comparing(OperatorShift::name).thenComparing(s -> s.operator().value()))
                .toList();
    }

    /**
     * The stretches and totals of each operator in [{@code from}, {@code to}) from their changes in time order (a
     * change before {@code from} sets the state the window opens with). Pure, so it is tested with plain values.
     */
    static List<OperatorShift> shifts(List<Change> changes, Instant from, Instant to) {
        Map<OperatorId, List<Change>> byOperator = new LinkedHashMap<>();
        changes.stream().sorted(Comparator.comparing(Change::at))
                .forEach(c -> byOperator.computeIfAbsent(c.operator(), id -> new ArrayList<>()).add(c));
        List<OperatorShift> shifts = new ArrayList<>();
        byOperator.forEach((operator, list) -> {
            List<Span> spans = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Change c = list.get(i);
                Instant start = c.at().isBefore(from) ? from : c.at();
                Instant stop = i + 1 < list.size() ? list.get(i + 1).at() : to;
                if (stop.isAfter(to)) {
                    stop = to;
                }
                if (stop.isAfter(start)) {
                    spans.add(new Span(c.state(), c.reason(), c.setBy(), start, stop));
                }
            }
            Map<String, Total> totals = new TreeMap<>();
            for (Span s : spans) {
                String key = s.state() + "/" + s.reason();
                long seconds = Duration.between(s.from(), s.to()).toSeconds();
                Total was = totals.get(key);
                totals.put(key, new Total(s.state(), s.reason(), (was == null ? 0 : was.seconds()) + seconds));
            }
            if (!spans.isEmpty()) {
                shifts.add(new OperatorShift(operator, null, List.copyOf(totals.values()), spans));
            }
        });
        return shifts;
    }

    private static Change change(Long operator, String state, String reason, String setBy,
            java.time.OffsetDateTime at) {
        return new Change(new OperatorId(operator), Presence.valueOf(state),
                reason == null ? null : AwayReason.valueOf(reason), StateCause.SetBy.valueOf(setBy), at.toInstant());
    }
}
