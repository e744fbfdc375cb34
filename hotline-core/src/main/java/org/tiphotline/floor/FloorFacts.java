package org.tiphotline.floor;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.springframework.stereotype.Repository;
import org.tiphotline.calls.CallEvent;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.floor.FloorFigures.EscalationFact;
import org.tiphotline.floor.FloorFigures.Timeline;
import org.tiphotline.operators.OperatorId;

/**
 * What the floor's figures are computed from, read from PostgreSQL in two statements: the events of the calls that
 * touch a span with the escalations raised in it, and the floor now. Both are index ranges (call_by_queued,
 * call_by_arrival, escalation_by_raised, call_live; the routing tables are one row per waiting call and per seat),
 * never a scan of the call table: FloorFactsTest shows the plan.
 */
@Repository
public class FloorFacts {

    /**
     * The timeline events the figures use; the others (IVR answers, rings, escalation steps) are not read. Each call's
     * events are fetched by its primary key (the lateral subquery, kept apart by {@code offset 0}): over a month the
     * planner would otherwise hash-join a sequential scan of every event ever recorded, a cost that grows with the
     * hotline's whole history rather than with the span (docs/reliability.md, FloorReportsTest prints the plan).
     */
    static final String SPAN = span("", "");

    /**
     * As {@link #SPAN}, only the calls still in progress or ended at or after a time, and how many of the span's
     * calls ended before it (a row {@code 'C'}): what {@link Floor} checks the timelines it kept against.
     */
    static final String SPAN_UNSETTLED = span(" and (c.ended_at is null or c.ended_at >= cast(? as timestamptz))", """
            union all
            select 'C', null, null, null, null, null, null, null, null, count(*)
              from hotline.call c
             where c.direction = 'INBOUND'
               and ((c.queued_at >= cast(? as timestamptz) and c.queued_at < cast(? as timestamptz))
                    or (c.queued_at is null
                        and c.arrived_at >= cast(? as timestamptz) and c.arrived_at < cast(? as timestamptz)))
               and c.ended_at < cast(? as timestamptz)
            """);

    private static String span(String ended, String settled) {
        return """
            select 'E' as what, c.id::text as call, e.seq, e.type, %s as at, e.detail ->> 'stage' as stage,
                   null::bigint as acknowledged, null::bigint as deadline, e.operator_id as operator,
                   %s as ended
              from hotline.call c
             cross join lateral (select seq, type, at, detail, operator_id from hotline.call_event
                                  where call_id = c.id
                                    and type in ('ARRIVED', 'QUEUED', 'ANSWERED', 'TRANSFERRED', 'ENDED', 'ABANDONED')
                                 offset 0) e
             where c.direction = 'INBOUND'
               and ((c.queued_at >= cast(? as timestamptz) and c.queued_at < cast(? as timestamptz))
                    or (c.queued_at is null
                        and c.arrived_at >= cast(? as timestamptz) and c.arrived_at < cast(? as timestamptz)))%s
            union all
            select 'X', null, null, null, %s, null, %s,
                   %s, null, null
              from hotline.escalation where raised_at >= cast(? as timestamptz) and raised_at < cast(? as timestamptz)
            %s
            order by 1, 2, 3
            """.formatted(micros("e.at"), micros("c.ended_at"), ended, micros("raised_at"), micros("acknowledged_at"),
                // Raised by an older node (no deadline stored): in time if acknowledged before a second alert round.
                micros("coalesce(acknowledge_deadline,"
                        + " case when alert_round <= 1 then acknowledged_at else raised_at end)"), settled);
    }

    static final String NOW = """
            select 'O' as what, o.operator_id, u.display_name, o.presence, %s as since,
                   null::bigint as waiting, null::bigint as urgent, null::bigint as ivr,
                   case when o.presence = 'AWAY' then o.away_reason end as reason
              from hotline.routing_operator o join hotline.app_user u on u.id = o.operator_id
             where o.seated
            union all
            select 'S', null, null, null,
                   (select %s from hotline.routing_call where kind in ('WAITING', 'RINGING')),
                   (select count(*) from hotline.routing_call where kind in ('WAITING', 'RINGING')),
                   (select count(*) from hotline.routing_call where kind in ('WAITING', 'RINGING') and urgent),
                   (select count(*) from hotline.call where state = 'IVR' and direction = 'INBOUND'),
                   null
            """.formatted(micros("o.since"), micros("min(queued_at)"));

    private final DSLContext db;

    public FloorFacts(DSLContext db) {
        this.db = db;
    }

    /** The calls and escalations of {@code [from, to)}: see {@link FloorFigures} for what counts where. */
    public record Span(List<Timeline> calls, List<EscalationFact> escalations) {}

    /** A call of a span with when it ended (the call's {@code ended_at}; null while in progress). */
    public record SpanCall(String id, Instant endedAt, Timeline timeline) {}

    /**
     * The calls of a span still in progress or ended lately (see {@link #unsettled}), all its escalations, and how
     * many of its calls ended before the bound ({@code settled}; 0 when every call was read).
     */
    public record Unsettled(List<SpanCall> calls, List<EscalationFact> escalations, long settled) {}

    /** Incoming calls that reached the queue in the span, or arrived in it and never did, and its escalations. */
    public Span span(Instant from, Instant to) {
        Field<OffsetDateTime> f = at(from);
        Field<OffsetDateTime> t = at(to);
        Unsettled read = read(SPAN, new Object[] {f, t, f, t, f, t});
        return new Span(read.calls().stream().map(SpanCall::timeline).toList(), read.escalations());
    }

    /**
     * As {@link #span}, without the calls that ended before {@code endedBefore} (only counted): what {@link Floor}
     * reads again each second while it keeps the timelines of calls long over, which no longer change.
     */
    public Unsettled unsettled(Instant from, Instant to, Instant endedBefore) {
        Field<OffsetDateTime> f = at(from);
        Field<OffsetDateTime> t = at(to);
        Field<OffsetDateTime> e = at(endedBefore);
        return read(SPAN_UNSETTLED, new Object[] {f, t, f, t, e, f, t, f, t, f, t, e});
    }

    private Unsettled read(String statement, Object[] binds) {
        long settled = 0;
        Map<String, List<CallEvent>> calls = new LinkedHashMap<>();
        Map<String, Instant> ended = new java.util.HashMap<>();
        List<EscalationFact> escalations = new ArrayList<>();
        for (Record r : db.resultQuery(statement, binds).fetch()) {
            if ("X".equals(r.get(0))) {
                escalations.add(new EscalationFact(time(r.get(4)), time(r.get(6)), time(r.get(7))));
            } else if ("C".equals(r.get(0))) {
                settled = ((Number) r.get(9)).longValue();
            } else {
                String call = (String) r.get(1);
                String stage = (String) r.get(5);
                // Who answered: the floor reports credit each answered call to its operator (FloorReport).
                Number operator = (Number) r.get(8);
                calls.computeIfAbsent(call, k -> new ArrayList<>()).add(new CallEvent(
                        ((Number) r.get(2)).intValue(), CallEventType.read((String) r.get(3)), time(r.get(4)),
                        operator == null ? null : new OperatorId(operator.longValue()),
                        stage == null ? Map.of() : Map.of("stage", stage)));
                Instant endedAt = time(r.get(9));
                if (endedAt != null) {
                    ended.put(call, endedAt);
                }
            }
        }
        return new Unsettled(calls.entrySet().stream().map(e -> new SpanCall(e.getKey(), ended.get(e.getKey()),
                new Timeline(e.getValue()))).toList(), escalations, settled);
    }

    /** The floor as the last routing decision and the call table left it. */
    public FloorNow now(Instant at) {
        List<FloorNow.OperatorState> operators = new ArrayList<>();
        int waiting = 0;
        int urgent = 0;
        int ivr = 0;
        Instant longest = null;
        for (Record r : db.resultQuery(NOW).fetch()) {
            if ("O".equals(r.get(0))) {
                operators.add(new FloorNow.OperatorState(((Number) r.get(1)).longValue(), (String) r.get(2),
                        (String) r.get(3), time(r.get(4)), (String) r.get(8)));
            } else {
                longest = time(r.get(4));
                waiting = ((Number) r.get(5)).intValue();
                urgent = ((Number) r.get(6)).intValue();
                ivr = ((Number) r.get(7)).intValue();
            }
        }
        // Names in one order on every node and every publish, so two publishers send the same message.
        operators.sort(java.util.Comparator.comparing(FloorNow.OperatorState::name)
                .thenComparing(FloorNow.OperatorState::operator));
        return new FloorNow(at, waiting, urgent, longest, ivr, operators);
    }

    /** A timestamptz bind value: jOOQ sends it as text, so the statements cast it ({@code cast(? as timestamptz)}). */
    static Field<OffsetDateTime> at(Instant instant) {
        return DSL.val(instant == null ? null : instant.atOffset(ZoneOffset.UTC), SQLDataType.TIMESTAMPWITHTIMEZONE);
    }

    /** Exact: timestamptz keeps microseconds, and extract(epoch) is numeric. */
    private static String micros(String column) {
        return "(extract(epoch from " + column + ") * 1000000)::bigint";
    }

    private static Instant time(Object value) {
        if (value == null) {
            return null;
        }
        long micros = ((Number) value).longValue();
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
