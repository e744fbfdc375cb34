package org.tiphotline.calls;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALL_EVENT;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.springframework.stereotype.Repository;
import org.tiphotline.db.tables.records.CallEventRecord;
import org.tiphotline.operators.OperatorId;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored calls. Appending an event also rewrites the call row's projection (state, times, outcome) in the
 * same statement, so queries over many calls never fold timelines and never disagree with them.
 */
@Repository
public class Calls {

    private static final TypeReference<Map<String, String>> DETAIL = new TypeReference<>() {};

    private static final int KNOWN_MAX = 10_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext db;
    private final ConcurrentHashMap<CallRef, CallId> known = new ConcurrentHashMap<>();
    /** Provider deliveries stored by this process, per call; see {@link #deliveredHere}. */
    private final ConcurrentHashMap<CallRef, Set<String>> deliveries = new ConcurrentHashMap<>();

    public Calls(DSLContext db) {
        this.db = db;
    }

    /** Creates the call with its ARRIVED event; the caller number is already encrypted by the caller. */
    Call insert(CallId id, CallRef ref, byte[] callerNumberEnc, byte[] callerHash, String callerMask, String dialled,
            Instant at) {
        return insert(id, ref, callerNumberEnc, callerHash, callerMask, dialled, at, CallDirection.INBOUND, Map.of());
    }

    /**
     * Creates a call of any direction; {@code detail} goes into its ARRIVED event (never personal data), with the
     * direction added for any but an incoming call.
     */
    Call insert(CallId id, CallRef ref, byte[] callerNumberEnc, byte[] callerHash, String callerMask, String dialled,
            Instant at, CallDirection direction, Map<String, String> detail) {
        Map<String, String> arrivedDetail = new java.util.LinkedHashMap<>(detail);
        if (direction != CallDirection.INBOUND) {
            arrivedDetail.put("direction", direction.name());
        }
        CallEvent arrived = new CallEvent(1, CallEventType.ARRIVED, at, null, arrivedDetail);
        Call call = new Call(id, ref, callerMask, dialled, List.of(arrived));
        // One statement for both rows (the event's insert is the main statement, the call's a data-modifying
        // WITH): one round trip, every arrival waits for it before its first prompt, and bind values, so a
        // failure's message never carries a value.
        insertEvent(db.with("stored_call").as(db.insertInto(CALL)
                .set(CALL.ID, id.value())
                .set(CALL.PROVIDER, ref.provider())
                .set(CALL.PROVIDER_CALL_ID, ref.providerCallId())
                .set(CALL.CALLER_NUMBER_ENC, callerNumberEnc)
                .set(CALL.CALLER_HASH, callerHash)
                .set(CALL.CALLER_MASK, callerMask)
                .set(CALL.DIALLED_NUMBER, dialled)
                .set(CALL.ARRIVED_AT, at.atOffset(ZoneOffset.UTC))
                .set(CALL.DIRECTION, direction.name())
                .set(CALL.STATE, CallState.IVR.name())
                .set(CALL.LAST_SEQ, 1).returningResult(CALL.ID)).insertInto(CALL_EVENT), id, arrived, null).execute();
        return call;
    }

    /** A call read under its row lock, with the provider deliveries already stored for it. */
    record Locked(Call call, Set<String> deliveries) {

        boolean delivered(String delivery) {
            return delivery != null && deliveries.contains(delivery);
        }
    }

    /**
     * Locks the call row for the rest of the transaction, so concurrent events append in a single order. The
     * row, its events and their delivery keys come in one round trip, every provider report's first.
     */
    Optional<Locked> lock(CallRef ref) {
        return read(CALL.PROVIDER.eq(ref.provider()).and(CALL.PROVIDER_CALL_ID.eq(ref.providerCallId())), true);
    }

    /**
     * The call under its row lock for the rest of the transaction: services that record a step of a call outside the
     * providers' reports (supervision, consults) append under it, so their steps and the provider's never cross.
     */
    public Optional<Call> lock(CallId id) {
        return read(CALL.ID.eq(id.value()), true).map(Locked::call);
    }

    /**
     * Whether the call is still in progress, holding its row FOR SHARE until the caller's transaction ends: a report
     * that ends the call (it takes the row FOR UPDATE) either committed before and is seen here, or waits for that
     * transaction. Only meaningful inside a transaction.
     */
    public boolean holdWhileInProgress(CallId id) {
        String state = db.select(CALL.STATE).from(CALL).where(CALL.ID.eq(id.value())).forShare()
                .fetchOne(CALL.STATE);
        return state != null && !CallState.ENDED.name().equals(state);
    }

    public Optional<Call> load(CallId id) {
        return read(CALL.ID.eq(id.value()), false).map(Locked::call);
    }

    /**
     * The call and its timeline in one statement. Locking, PostgreSQL waits for a concurrent appender's commit
     * and then returns the call row as that commit left it, but the joined events as the statement first saw
     * them: the row's {@code last_seq} tells, and the events are then read again (only under contention).
     */
    private Optional<Locked> read(org.jooq.Condition which, boolean lock) {
        var query = db.select(CALL.ID, CALL.PROVIDER, CALL.PROVIDER_CALL_ID, CALL.CALLER_MASK, CALL.DIALLED_NUMBER,
                        CALL.LAST_SEQ, CALL_EVENT.SEQ, CALL_EVENT.TYPE, CALL_EVENT.AT, CALL_EVENT.OPERATOR_ID,
                        CALL_EVENT.DETAIL, CALL_EVENT.DELIVERY)
                .from(CALL).join(CALL_EVENT).on(CALL_EVENT.CALL_ID.eq(CALL.ID)).where(which).orderBy(CALL_EVENT.SEQ);
        org.jooq.Result<? extends Record> rows = lock ? query.forUpdate().of(CALL).fetch() : query.fetch();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Record row = rows.getFirst();
        CallId id = new CallId(row.get(CALL.ID));
        List<CallEvent> events = new ArrayList<>(rows.size());
        Set<String> deliveries = new HashSet<>();
        collect(rows, events, deliveries);
        if (events.getLast().seq() != row.get(CALL.LAST_SEQ)) {
            events.clear();
            deliveries.clear();
            collect(db.select(CALL_EVENT.SEQ, CALL_EVENT.TYPE, CALL_EVENT.AT, CALL_EVENT.OPERATOR_ID,
                    CALL_EVENT.DETAIL, CALL_EVENT.DELIVERY).from(CALL_EVENT).where(CALL_EVENT.CALL_ID.eq(id.value()))
                    .orderBy(CALL_EVENT.SEQ).fetch(), events, deliveries);
        }
        return Optional.of(new Locked(new Call(id, new CallRef(row.get(CALL.PROVIDER), row.get(CALL.PROVIDER_CALL_ID)),
                row.get(CALL.CALLER_MASK), row.get(CALL.DIALLED_NUMBER), events), deliveries));
    }

    private static void collect(Iterable<? extends Record> rows, List<CallEvent> events, Set<String> deliveries) {
        for (Record e : rows) {
            events.add(new CallEvent(e.get(CALL_EVENT.SEQ), CallEventType.read(e.get(CALL_EVENT.TYPE)),
                    e.get(CALL_EVENT.AT).toInstant(),
                    e.get(CALL_EVENT.OPERATOR_ID) == null ? null : new OperatorId(e.get(CALL_EVENT.OPERATOR_ID)),
                    JSON.readValue(e.get(CALL_EVENT.DETAIL).data(), DETAIL)));
            if (e.get(CALL_EVENT.DELIVERY) != null) {
                deliveries.add(e.get(CALL_EVENT.DELIVERY));
            }
        }
    }

    /** The call's id if this process knows it already (no database read): see {@link #idOf}. */
    Optional<CallId> knownId(CallRef ref) {
        return Optional.ofNullable(known.get(ref));
    }

    /**
     * The call a provider's reference names. Known ones are remembered: a call row is never deleted nor its
     * reference changed, and every webhook of a Twilio call asks this first.
     */
    public Optional<CallId> idOf(CallRef ref) {
        CallId cached = known.get(ref);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<CallId> found = db.select(CALL.ID).from(CALL)
                .where(CALL.PROVIDER.eq(ref.provider())).and(CALL.PROVIDER_CALL_ID.eq(ref.providerCallId()))
                .fetchOptional(CALL.ID).map(CallId::new);
        found.ifPresent(id -> remember(ref, id));
        return found;
    }

    /** After the call's row is committed: its later reports find it without a query. */
    void remember(CallRef ref, CallId id) {
        if (known.size() >= KNOWN_MAX) {
            // Crude but bounded: a busy day's calls are a few hundred; forgetting only costs a query each.
            known.clear();
        }
        known.put(ref, id);
    }

    /** Appends to a call already locked in this transaction ({@link #lock(CallId)}) and rewrites its projection. */
    public Call append(Call call, CallEventType type, Instant at, OperatorId operator, Map<String, String> detail) {
        return append(call, type, at, operator, detail, null);
    }

    /** Appends an event stored from a provider's delivery {@code delivery} (null: not a provider delivery). */
    Call append(Call call, CallEventType type, Instant at, OperatorId operator, Map<String, String> detail,
            String delivery) {
        CallEvent event = new CallEvent(call.lastSeq() + 1, type, at, operator, detail);
        Call next = call.with(event);
        // The event and the projection in one statement (the event's insert a data-modifying WITH): one round trip
        // where two were, with bind values as always.
        db.with("stored_event").as(insertEvent(db.insertInto(CALL_EVENT), call.id(), event, delivery)
                .returningResult(CALL_EVENT.SEQ)).update(CALL)
                .set(CALL.STATE, next.state().name())
                .set(CALL.LANGUAGE, next.language())
                .set(CALL.URGENT, next.urgent())
                .set(CALL.CALLER_TYPE, next.callerType())
                .set(CALL.CALLBACK_SAFE, next.safeToCallBack())
                .set(CALL.QUIET_MODE, next.quietMode())
                .set(CALL.QUEUED_AT, utc(next.queuedAt()))
                .set(CALL.ANSWERED_AT, utc(next.answeredAt()))
                .set(CALL.ENDED_AT, utc(next.endedAt()))
                .set(CALL.OPERATOR_ID, next.operator() == null ? null : next.operator().value())
                .set(CALL.OUTCOME, next.outcome() == null ? null : next.outcome().name())
                .set(CALL.LAST_SEQ, event.seq())
                .where(CALL.ID.eq(call.id().value())).execute();
        return next;
    }

    /** Calls of a provider that have not ended, for reconciliation with what the provider still carries. */
    public List<CallRef> unfinished(String provider) {
        return db.select(CALL.PROVIDER_CALL_ID).from(CALL)
                .where(CALL.STATE.ne(CallState.ENDED.name())).and(CALL.PROVIDER.eq(provider))
                .fetch(r -> new CallRef(provider, r.value1()));
    }

    /** Calls waiting (queued or ringing) since before {@code before}, by id only, oldest first. */
    public List<CallId> waitingSince(Instant before) {
        return db.select(CALL.ID).from(CALL).where(CALL.STATE.in("QUEUED", "RINGING"))
                .and(CALL.QUEUED_AT.lt(utc(before))).orderBy(CALL.QUEUED_AT).fetch(r -> new CallId(r.value1()));
    }

    /** Those of {@code ids} whose call ended before {@code before}. */
    public java.util.Set<CallId> endedAmong(java.util.Collection<CallId> ids, Instant before) {
        if (ids.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(db.select(CALL.ID).from(CALL)
                .where(CALL.ID.in(ids.stream().map(CallId::value).toList()))
                .and(CALL.STATE.eq(CallState.ENDED.name())).and(CALL.ENDED_AT.lt(utc(before)))
                .fetch(r -> new CallId(r.value1())));
    }

    /**
     * The calls being talked on that {@code supervisor} is on now (listening, coaching or joined), for a supervisor's
     * page opened again while they are on one: the timeline says so, not the page that started it.
     */
    public List<Call> supervisedBy(OperatorId supervisor) {
        List<Call> on = new ArrayList<>();
        for (UUID id : db.selectDistinct(CALL.ID).from(CALL).join(CALL_EVENT).on(CALL_EVENT.CALL_ID.eq(CALL.ID))
                .where(CALL.STATE.eq(CallState.TALKING.name()))
                .and(CALL_EVENT.TYPE.eq(CallEventType.SUPERVISED.name()))
                .and(CALL_EVENT.OPERATOR_ID.eq(supervisor.value())).fetch(CALL.ID)) {
            load(new CallId(id)).filter(c -> c.supervisors().containsKey(supervisor)).ifPresent(on::add);
        }
        return on;
    }

    /** Calls waiting for an operator, oldest first, to rebuild the queue after a restart. */
    public List<Call> waiting() {
        List<Call> calls = new ArrayList<>();
        for (UUID id : db.select(CALL.ID).from(CALL).where(CALL.STATE.in("QUEUED", "RINGING"))
                .orderBy(CALL.QUEUED_AT).fetch(CALL.ID)) {
            load(new CallId(id)).ifPresent(calls::add);
        }
        return calls;
    }

    /** How many earlier calls came from the same number (by keyed hash; withheld numbers never match). */
    public int earlierContacts(CallId id) {
        var me = CALL.as("me");
        return db.fetchCount(db.select(CALL.ID).from(CALL).join(me).on(me.CALLER_HASH.eq(CALL.CALLER_HASH))
                .where(me.ID.eq(id.value())).and(CALL.ARRIVED_AT.lt(me.ARRIVED_AT)));
    }

    /**
     * Whether this process has stored this provider delivery for the call: a repeat (Twilio's retries, and the
     * ringing and answer its {@code dial-done} restates on every call) is then answered without a transaction,
     * whose row lock is a commit written to disk. Only a hint: a repeat not remembered here (after a restart, or
     * past the bound) is caught under the call's row lock.
     */
    boolean deliveredHere(CallRef ref, String delivery) {
        Set<String> stored = delivery == null ? null : deliveries.get(ref);
        return stored != null && stored.contains(delivery);
    }

    /** After the commit that stored {@code delivery}'s event; see {@link #deliveredHere}. */
    void rememberDelivery(CallRef ref, String delivery) {
        if (delivery == null) {
            return;
        }
        if (deliveries.size() >= KNOWN_MAX) {
            deliveries.clear();
        }
        deliveries.computeIfAbsent(ref, r -> ConcurrentHashMap.newKeySet()).add(delivery);
    }

    private static org.jooq.InsertSetMoreStep<CallEventRecord> insertEvent(
            org.jooq.InsertSetStep<CallEventRecord> into, CallId id, CallEvent e, String delivery) {
        return into.set(CALL_EVENT.DELIVERY, delivery)
                .set(CALL_EVENT.CALL_ID, id.value())
                .set(CALL_EVENT.SEQ, e.seq())
                .set(CALL_EVENT.TYPE, e.type().name())
                .set(CALL_EVENT.AT, e.at().atOffset(ZoneOffset.UTC))
                .set(CALL_EVENT.OPERATOR_ID, e.operator() == null ? null : e.operator().value())
                .set(CALL_EVENT.DETAIL, JSONB.valueOf(JSON.writeValueAsString(e.detail())));
    }

    private static java.time.OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    /** The keyed hash of the call's number (null when withheld), for a callback's call to carry on. */
    byte[] callerHash(CallId id) {
        return db.select(CALL.CALLER_HASH).from(CALL).where(CALL.ID.eq(id.value())).fetchOne(CALL.CALLER_HASH);
    }
}
