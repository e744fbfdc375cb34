package org.tiphotline.routing;

import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.OPERATOR_STATE_EVENT;
import static org.tiphotline.db.Tables.ROUTING_CALL;
import static org.tiphotline.db.Tables.ROUTING_OPERATOR;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.Record;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/**
 * The routing brain's state in PostgreSQL ({@code routing_call}, {@code routing_operator}), so that a decision
 * taken on one node continues from the one taken on the other. Decisions are serialised by a transaction-level
 * advisory lock; reads without the lock see the last committed decision.
 *
 * <p>One decision is four round trips: the lock (with the transaction's BEGIN and its {@code synchronous_commit}),
 * the state in one statement, what changed in one batch, the commit; three when nothing changed. The commit does
 * not wait for the disk ({@code synchronous_commit = off} for this transaction only): the lock is held until it
 * returns, and every webhook that reaches routing waits behind it (2.2 s at p99 when decisions waited for each
 * other's fsync). What a crash of PostgreSQL then costs is written in docs/reliability.md; call records stay
 * synchronous.
 */
@Repository
class RoutingStore {

    /** The advisory lock's key: "tiphotline routing", apart from the leader's. */
    static final long LOCK_KEY = 0x7469_7072_6f75_7465L;

    /**
     * Times as microseconds since the epoch and languages as one comma-separated text: every decision reads the
     * whole state, and parsing timestamptz text and array literals for every row was a third of what the server
     * allocated under load (a JFR profile of the end-to-end benchmark, docs/benchmarks.md).
     */
    private static final String LOAD = """
            select 'C', call_id, kind, urgent, language, %s, operator_id, %s, return_to,
                   null::bigint, null::text, null::boolean, null::boolean,
                   null::text, null::text, null::bigint, null::boolean
              from hotline.routing_call
            union all
            select 'O', call_id, null, null, null, null, operator_id, %s, presence,
                   %s, array_to_string(languages, ','), seated, phone_unreachable,
                   away_reason, state_cause, set_by_user, wrap_up_overdue
              from hotline.routing_operator
            """.formatted(micros("queued_at"), micros("since"), micros("since"), micros("idle_since"));

    private final DSLContext db;
    private final TransactionTemplate tx;

    RoutingStore(DSLContext db, PlatformTransactionManager transactions) {
        this.db = db;
        // Its own transaction always: a decision asked for inside another transaction (a callback's dial) must not
        // hold the routing lock until that one commits, nor turn off its synchronous commit.
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The outcome of one step under the lock: the state before and after it, and what the step returned. */
    record Step<T>(RoutingState before, RoutingState after, T result) {}

    /**
     * Runs {@code step} on the stored state under the routing lock and stores what it changed, with every change of
     * an operator's state appended to the state log in the same transaction: the log never says what routing did
     * not decide, nor misses what it did.
     */
    <T> Step<T> underLock(RoutingSettings settings, Function<RoutingBrain, T> step) {
        return tx.execute(status -> {
            db.resultQuery("select set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(?)",
                    LOCK_KEY).fetch();
            RoutingState before = read();
            RoutingBrain brain = RoutingBrain.of(settings, before);
            // Read under the lock, when a call ends for someone on it: a submission committed before this decision is
            // seen here, one committed after it is decided after it (Submitted is published once committed).
            brain.reportsSubmitted(call -> new HashSet<>(db.select(HOTLINE_REPORT.OPERATOR_ID).from(HOTLINE_REPORT)
                    .where(HOTLINE_REPORT.CALL_ID.eq(call.value()))
                    .and(HOTLINE_REPORT.STATUS.eq("SUBMITTED"))
                    .fetch(r -> new OperatorId(r.value1()))));
            T result = step.apply(brain);
            RoutingState after = brain.state();
            List<Query> changes = changes(before, after);
            for (RoutingBrain.StateChange c : brain.changes()) {
                changes.add(db.insertInto(OPERATOR_STATE_EVENT)
                        .set(OPERATOR_STATE_EVENT.OPERATOR_ID, c.operator().value())
                        .set(OPERATOR_STATE_EVENT.STATE, c.presence().name())
                        .set(OPERATOR_STATE_EVENT.REASON, c.reason() == null ? null : c.reason().name())
                        .set(OPERATOR_STATE_EVENT.SET_BY, c.cause().setBy().name())
                        .set(OPERATOR_STATE_EVENT.SET_BY_USER, c.byUser())
                        .set(OPERATOR_STATE_EVENT.CAUSE, c.cause().name())
                        .set(OPERATOR_STATE_EVENT.AT, utc(c.at())));
            }
            if (!changes.isEmpty()) {
                db.batch(changes).execute();
            }
            return new Step<>(before, after, result);
        });
    }

    /** The state the last decision committed, in one statement (one snapshot). */
    RoutingState read() {
        List<RoutingState.Waiting> queue = new ArrayList<>();
        List<RoutingState.Ring> ringing = new ArrayList<>();
        List<RoutingState.Seat> seats = new ArrayList<>();
        Map<CallId, Presence> dialled = new HashMap<>();
        Set<OperatorId> phoneless = new HashSet<>();
        List<Record> rows = new ArrayList<>(db.resultQuery(LOAD).fetch());
        // Arrival order, as the brain's queue keeps it; ties of the same instant by id, the same on every node.
        rows.sort(java.util.Comparator.comparing((Record r) -> time(r.get(5)), java.util.Comparator.nullsLast(
                java.util.Comparator.naturalOrder())).thenComparing(r -> String.valueOf(r.get(1))));
        for (Record r : rows) {
            if ("C".equals(r.get(0))) {
                CallId call = new CallId((UUID) r.get(1));
                String kind = (String) r.get(2);
                switch (kind) {
                    case "DIALLING" -> dialled.put(call, Presence.valueOf((String) r.get(8)));
                    case "WAITING" -> queue.add(waiting(call, r));
                    default -> ringing.add(new RoutingState.Ring(waiting(call, r),
                            new OperatorId(((Number) r.get(6)).longValue()), time(r.get(7))));
                }
            } else {
                OperatorId id = new OperatorId(((Number) r.get(6)).longValue());
                if (Boolean.TRUE.equals(r.get(12))) {
                    phoneless.add(id);
                }
                if (Boolean.TRUE.equals(r.get(11))) {
                    seats.add(new RoutingState.Seat(id, strings(r.get(10)),
                            Presence.valueOf((String) r.get(8)), time(r.get(7)), time(r.get(9)),
                            r.get(1) == null ? null : new CallId((UUID) r.get(1)), why(r),
                            Boolean.TRUE.equals(r.get(16))));
                }
            }
        }
        return new RoutingState(queue, ringing, seats, dialled, phoneless);
    }

    /** One operator's presence as the last decision left it; empty when they never had a seat. */
    java.util.Optional<Presence> presence(OperatorId operator) {
        return db.select(ROUTING_OPERATOR.PRESENCE).from(ROUTING_OPERATOR)
                .where(ROUTING_OPERATOR.OPERATOR_ID.eq(operator.value())).and(ROUTING_OPERATOR.SEATED)
                .fetchOptional(ROUTING_OPERATOR.PRESENCE).map(Presence::valueOf);
    }

    /** One operator's seat as the last decision left it, with why they are where they are. */
    java.util.Optional<RoutingView.SeatNow> seat(OperatorId operator) {
        return db.select(ROUTING_OPERATOR.PRESENCE, ROUTING_OPERATOR.SINCE, ROUTING_OPERATOR.AWAY_REASON,
                        ROUTING_OPERATOR.STATE_CAUSE, ROUTING_OPERATOR.SET_BY_USER)
                .from(ROUTING_OPERATOR).where(ROUTING_OPERATOR.OPERATOR_ID.eq(operator.value()))
                .and(ROUTING_OPERATOR.SEATED)
                .fetchOptional(r -> {
                    Presence presence = Presence.valueOf(r.value1());
                    return new RoutingView.SeatNow(presence, r.value2().toInstant(),
                            r.value3() == null || presence != Presence.AWAY ? null : AwayReason.valueOf(r.value3()),
                            StateCause.read(r.value4()), r.value5());
                });
    }

    /**
     * Whether any seated operator could take a call (available, ringing, talking or in after-call work): a webhook
     * asks this of every caller who starts waiting, so it is one row at most, not the whole state.
     */
    boolean someoneCanAnswer() {
        return db.fetchExists(db.selectOne().from(ROUTING_OPERATOR).where(ROUTING_OPERATOR.SEATED)
                .and(ROUTING_OPERATOR.PRESENCE.notIn(Presence.AWAY.name(), Presence.PHONE_NOT_CONNECTED.name())));
    }

    /** Urgent calls waiting in the queue (not ringing) since {@code cutoff} or earlier, oldest first. */
    List<RoutingState.Waiting> urgentWaitingSince(Instant cutoff) {
        return db.select(ROUTING_CALL.CALL_ID, ROUTING_CALL.LANGUAGE, ROUTING_CALL.QUEUED_AT).from(ROUTING_CALL)
                .where(ROUTING_CALL.KIND.eq("WAITING")).and(ROUTING_CALL.URGENT)
                .and(ROUTING_CALL.QUEUED_AT.le(utc(cutoff))).orderBy(ROUTING_CALL.QUEUED_AT)
                .fetch(r -> new RoutingState.Waiting(new CallId(r.value1()), true, r.value2(), time(r.value3())));
    }

    private static List<String> strings(Object joined) {
        return joined == null || ((String) joined).isEmpty() ? List.of() : List.of(((String) joined).split(","));
    }

    /** Null columns (an older node's writes, a seat from before issue 20) read as no reason and no cause. */
    private static RoutingState.Why why(Record r) {
        String reason = (String) r.get(13);
        String cause = (String) r.get(14);
        Presence presence = Presence.valueOf((String) r.get(8));
        return new RoutingState.Why(reason == null || presence != Presence.AWAY ? null : AwayReason.valueOf(reason),
                StateCause.read(cause),
                r.get(15) == null ? null : ((Number) r.get(15)).longValue());
    }

    private static RoutingState.Waiting waiting(CallId call, Record r) {
        return new RoutingState.Waiting(call, Boolean.TRUE.equals(r.get(3)), (String) r.get(4), time(r.get(5)));
    }

    /** The rows that differ between the two states, as statements with inlined values (nothing personal). */
    private List<Query> changes(RoutingState before, RoutingState after) {
        List<Query> queries = new ArrayList<>();
        Map<CallId, CallRow> was = callRows(before);
        Map<CallId, CallRow> is = callRows(after);
        was.keySet().stream().filter(id -> !is.containsKey(id))
                .forEach(id -> queries.add(db.deleteFrom(ROUTING_CALL).where(ROUTING_CALL.CALL_ID.eq(id.value()))));
        is.forEach((id, row) -> {
            if (!row.equals(was.get(id))) {
                queries.add(db.insertInto(ROUTING_CALL)
                        .set(ROUTING_CALL.CALL_ID, id.value()).set(ROUTING_CALL.KIND, row.kind())
                        .set(ROUTING_CALL.URGENT, row.urgent()).set(ROUTING_CALL.LANGUAGE, row.language())
                        .set(ROUTING_CALL.QUEUED_AT, utc(row.queuedAt()))
                        .set(ROUTING_CALL.OPERATOR_ID, row.operator() == null ? null : row.operator().value())
                        .set(ROUTING_CALL.SINCE, utc(row.since())).set(ROUTING_CALL.RETURN_TO, row.returnTo())
                        .onConflict(ROUTING_CALL.CALL_ID).doUpdate()
                        .set(ROUTING_CALL.KIND, row.kind())
                        .set(ROUTING_CALL.URGENT, row.urgent()).set(ROUTING_CALL.LANGUAGE, row.language())
                        .set(ROUTING_CALL.QUEUED_AT, utc(row.queuedAt()))
                        .set(ROUTING_CALL.OPERATOR_ID, row.operator() == null ? null : row.operator().value())
                        .set(ROUTING_CALL.SINCE, utc(row.since())).set(ROUTING_CALL.RETURN_TO, row.returnTo()));
            }
        });
        Map<OperatorId, OperatorRow> wasSeated = operatorRows(before);
        Map<OperatorId, OperatorRow> isSeated = operatorRows(after);
        wasSeated.keySet().stream().filter(id -> !isSeated.containsKey(id)).forEach(id -> queries.add(
                db.deleteFrom(ROUTING_OPERATOR).where(ROUTING_OPERATOR.OPERATOR_ID.eq(id.value()))));
        isSeated.forEach((id, row) -> {
            if (!row.equals(wasSeated.get(id))) {
                RoutingState.Seat s = row.seat();
                String[] languages = s == null ? new String[0] : s.languages().toArray(String[]::new);
                queries.add(db.insertInto(ROUTING_OPERATOR)
                        .set(ROUTING_OPERATOR.OPERATOR_ID, id.value()).set(ROUTING_OPERATOR.SEATED, s != null)
                        .set(ROUTING_OPERATOR.PRESENCE, s == null ? null : s.presence().name())
                        .set(ROUTING_OPERATOR.SINCE, s == null ? null : utc(s.since()))
                        .set(ROUTING_OPERATOR.IDLE_SINCE, s == null ? null : utc(s.idleSince()))
                        .set(ROUTING_OPERATOR.CALL_ID, s == null || s.call() == null ? null : s.call().value())
                        .set(ROUTING_OPERATOR.LANGUAGES, languages)
                        .set(ROUTING_OPERATOR.PHONE_UNREACHABLE, row.phoneless())
                        .set(ROUTING_OPERATOR.AWAY_REASON, reason(s))
                        .set(ROUTING_OPERATOR.STATE_CAUSE, cause(s))
                        .set(ROUTING_OPERATOR.SET_BY_USER, s == null ? null : s.why().byUser())
                        .set(ROUTING_OPERATOR.WRAP_UP_OVERDUE, s != null && s.overdue())
                        .onConflict(ROUTING_OPERATOR.OPERATOR_ID).doUpdate()
                        .set(ROUTING_OPERATOR.SEATED, s != null)
                        .set(ROUTING_OPERATOR.PRESENCE, s == null ? null : s.presence().name())
                        .set(ROUTING_OPERATOR.SINCE, s == null ? null : utc(s.since()))
                        .set(ROUTING_OPERATOR.IDLE_SINCE, s == null ? null : utc(s.idleSince()))
                        .set(ROUTING_OPERATOR.CALL_ID, s == null || s.call() == null ? null : s.call().value())
                        .set(ROUTING_OPERATOR.LANGUAGES, languages)
                        .set(ROUTING_OPERATOR.PHONE_UNREACHABLE, row.phoneless())
                        .set(ROUTING_OPERATOR.AWAY_REASON, reason(s))
                        .set(ROUTING_OPERATOR.STATE_CAUSE, cause(s))
                        .set(ROUTING_OPERATOR.SET_BY_USER, s == null ? null : s.why().byUser())
                        .set(ROUTING_OPERATOR.WRAP_UP_OVERDUE, s != null && s.overdue()));
            }
        });
        return queries;
    }

    private static String reason(RoutingState.Seat s) {
        return s == null || s.why().reason() == null ? null : s.why().reason().name();
    }

    private static String cause(RoutingState.Seat s) {
        return s == null || s.why().cause() == null ? null : s.why().cause().name();
    }

    private record CallRow(String kind, boolean urgent, String language, Instant queuedAt, OperatorId operator,
            Instant since, String returnTo) {}

    private record OperatorRow(RoutingState.Seat seat, boolean phoneless) {}

    private static Map<CallId, CallRow> callRows(RoutingState state) {
        Map<CallId, CallRow> rows = new LinkedHashMap<>();
        state.queue().forEach(w -> rows.put(w.call(),
                new CallRow("WAITING", w.urgent(), w.language(), w.queuedAt(), null, null, null)));
        state.ringing().forEach(r -> rows.put(r.call().call(), new CallRow("RINGING", r.call().urgent(),
                r.call().language(), r.call().queuedAt(), r.operator(), r.since(), null)));
        state.dialled().forEach((call, returnTo) -> rows.put(call,
                new CallRow("DIALLING", false, null, null, null, null, returnTo.name())));
        return rows;
    }

    private static Map<OperatorId, OperatorRow> operatorRows(RoutingState state) {
        Map<OperatorId, OperatorRow> rows = new LinkedHashMap<>();
        state.seats().forEach(s -> rows.put(s.id(), new OperatorRow(s, state.phoneless().contains(s.id()))));
        state.phoneless().stream().filter(id -> !rows.containsKey(id))
                .forEach(id -> rows.put(id, new OperatorRow(null, true)));
        return rows;
    }

    /** Exact: timestamptz keeps microseconds, and extract(epoch) is numeric. */
    private static String micros(String column) {
        return "(extract(epoch from " + column + ") * 1000000)::bigint";
    }

    private static Instant time(Object value) {
        return switch (value) {
            case null -> null;
            case Long micros -> Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1000L);
            case OffsetDateTime t -> t.toInstant();
            case java.sql.Timestamp t -> t.toInstant();
            case Instant t -> t;
            default -> throw new IllegalStateException("not a time: " + Objects.toString(value.getClass()));
        };
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
