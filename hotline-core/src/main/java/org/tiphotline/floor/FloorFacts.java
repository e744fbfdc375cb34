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
    static final String SPAN = """
            select 'E' as what, c.id::text as call, e.seq, e.type, %s as at, e.detail ->> 'stage' as stage,
                   null::bigint as acknowledged, null::bigint as deadline, e.operator_id as operator
              from hotline.call c
             cross join lateral (select seq, type, at, detail, operator_id from hotline.call_event
                                  where call_id = c.id
                                    and type in ('ARRIVED', 'QUEUED', 'ANSWERED', 'TRANSFERRED', 'ENDED', 'ABANDONED')
                                 offset 0) e
             where c.direction = 'INBOUND'
               and ((c.queued_at >= cast(? as timestamptz) and c.queued_at < cast(? as timestamptz))
                    or (c.queued_at is null
                        and c.arrived_at >= cast(? as timestamptz) and c.arrived_at < cast(? as timestamptz)))
            union all
            select 'X', null, null, null, %s, null, %s,
                   %s, null
              from hotline.escalation where raised_at >= cast(? as timestamptz) and raised_at < cast(? as timestamptz)
            order by 1, 2, 3
            """.formatted(micros("e.at"), micros("raised_at"), micros("acknowledged_at"),
            // Raised by an older node (no deadline stored): in time if acknowledged before a second alert round.
            micros("coalesce(acknowledge_deadline,"
                    + " case when alert_round <= 1 then acknowledged_at else raised_at end)"));

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

    /** Incoming calls that reached the queue in the span, or arrived in it and never did, and its escalations. */
    public Span span(Instant from, Instant to) {
        Field<OffsetDateTime> f = at(from);
        Field<OffsetDateTime> t = at(to);
        Map<String, List<CallEvent>> calls = new LinkedHashMap<>();
        List<EscalationFact> escalations = new ArrayList<>();
        for (Record r : db.resultQuery(SPAN, f, t, f, t, f, t).fetch()) {
            if ("X".equals(r.get(0))) {
                escalations.add(new EscalationFact(time(r.get(4)), time(r.get(6)), time(r.get(7))));
            } else {
                String stage = (String) r.get(5);
                // Who answered: the floor reports credit each answered call to its operator (FloorReport).
                Number operator = (Number) r.get(8);
                calls.computeIfAbsent((String) r.get(1), k -> new ArrayList<>()).add(new CallEvent(
                        ((Number) r.get(2)).intValue(), CallEventType.read((String) r.get(3)), time(r.get(4)),
                        operator == null ? null : new OperatorId(operator.longValue()),
                        stage == null ? Map.of() : Map.of("stage", stage)));
            }
        }
        return new Span(calls.values().stream().map(Timeline::new).toList(), escalations);
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
