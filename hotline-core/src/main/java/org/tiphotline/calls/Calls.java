package org.tiphotline.calls;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALL_EVENT;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.springframework.stereotype.Repository;
import org.tiphotline.operators.OperatorId;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored calls. Appending an event also rewrites the call row's projection (state, times, outcome) in the
 * same statement batch, so queries over many calls never fold timelines and never disagree with them.
 */
@Repository
public class Calls {

    private static final TypeReference<Map<String, String>> DETAIL = new TypeReference<>() {};

    private static final int KNOWN_MAX = 10_000;

    private final DSLContext db;
    private final JsonMapper json = JsonMapper.builder().build();
    private final java.util.concurrent.ConcurrentHashMap<CallRef, CallId> known =
            new java.util.concurrent.ConcurrentHashMap<>();

    public Calls(DSLContext db) {
        this.db = db;
    }

    /** Creates the call with its ARRIVED event; the caller number is already encrypted by the caller. */
    Call insert(CallId id, CallRef ref, byte[] callerNumberEnc, byte[] callerHash, String callerMask, String dialled,
            Instant at) {
        CallEvent arrived = new CallEvent(1, CallEventType.ARRIVED, at, null, Map.of());
        Call call = new Call(id, ref, callerMask, dialled, List.of(arrived));
        db.insertInto(CALL)
                .set(CALL.ID, id.value())
                .set(CALL.PROVIDER, ref.provider())
                .set(CALL.PROVIDER_CALL_ID, ref.providerCallId())
                .set(CALL.CALLER_NUMBER_ENC, callerNumberEnc)
                .set(CALL.CALLER_HASH, callerHash)
                .set(CALL.CALLER_MASK, callerMask)
                .set(CALL.DIALLED_NUMBER, dialled)
                .set(CALL.ARRIVED_AT, at.atOffset(ZoneOffset.UTC))
                .set(CALL.STATE, CallState.IVR.name())
                .set(CALL.LAST_SEQ, 1)
                .execute();
        insertEvent(id, arrived, null);
        return call;
    }

    /**
     * Locks the call row for the rest of the transaction, so concurrent events append in a single order. The
     * locking read is also the row's read: one round trip fewer on every provider report.
     */
    Optional<Call> lock(CallRef ref) {
        return Optional.ofNullable(db.select(CALL.ID, CALL.PROVIDER, CALL.PROVIDER_CALL_ID, CALL.CALLER_MASK,
                        CALL.DIALLED_NUMBER).from(CALL)
                .where(CALL.PROVIDER.eq(ref.provider())).and(CALL.PROVIDER_CALL_ID.eq(ref.providerCallId()))
                .forUpdate().fetchOne()).map(row -> withEvents(new CallId(row.get(CALL.ID)), row));
    }

    Optional<Call> lock(CallId id) {
        return Optional.ofNullable(db.select(CALL.PROVIDER, CALL.PROVIDER_CALL_ID, CALL.CALLER_MASK,
                        CALL.DIALLED_NUMBER).from(CALL).where(CALL.ID.eq(id.value())).forUpdate().fetchOne())
                .map(row -> withEvents(id, row));
    }

    public Optional<Call> load(CallId id) {
        Record row = db.select(CALL.PROVIDER, CALL.PROVIDER_CALL_ID, CALL.CALLER_MASK, CALL.DIALLED_NUMBER)
                .from(CALL).where(CALL.ID.eq(id.value())).fetchOne();
        return row == null ? Optional.empty() : Optional.of(withEvents(id, row));
    }

    private Call withEvents(CallId id, Record row) {
        List<CallEvent> events = db.selectFrom(CALL_EVENT).where(CALL_EVENT.CALL_ID.eq(id.value()))
                .orderBy(CALL_EVENT.SEQ).fetch(e -> new CallEvent(e.getSeq(), CallEventType.valueOf(e.getType()),
                        e.getAt().toInstant(), e.getOperatorId() == null ? null : new OperatorId(e.getOperatorId()),
                        json.readValue(e.getDetail().data(), DETAIL)));
        return new Call(id, new CallRef(row.get(CALL.PROVIDER), row.get(CALL.PROVIDER_CALL_ID)),
                row.get(CALL.CALLER_MASK), row.get(CALL.DIALLED_NUMBER), events);
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

    /** Appends to a call already locked in this transaction and rewrites its projection. */
    Call append(Call call, CallEventType type, Instant at, OperatorId operator, Map<String, String> detail) {
        return append(call, type, at, operator, detail, null);
    }

    /** Appends an event stored from a provider's delivery {@code delivery} (null: not a provider delivery). */
    Call append(Call call, CallEventType type, Instant at, OperatorId operator, Map<String, String> detail,
            String delivery) {
        CallEvent event = new CallEvent(call.lastSeq() + 1, type, at, operator, detail);
        insertEvent(call.id(), event, delivery);
        Call next = call.with(event);
        db.update(CALL)
                .set(CALL.STATE, next.state().name())
                .set(CALL.LANGUAGE, next.language())
                .set(CALL.URGENT, next.urgent())
                .set(CALL.CALLER_TYPE, next.callerType())
                .set(CALL.QUEUED_AT, utc(next.queuedAt()))
                .set(CALL.ANSWERED_AT, utc(next.answeredAt()))
                .set(CALL.ENDED_AT, utc(next.endedAt()))
                .set(CALL.OPERATOR_ID, next.operator() == null ? null : next.operator().value())
                .set(CALL.OUTCOME, next.outcome() == null ? null : next.outcome().name())
                .set(CALL.LAST_SEQ, event.seq())
                .where(CALL.ID.eq(call.id().value()))
                .execute();
        return next;
    }

    /** Calls of a provider that have not ended, for reconciliation with what the provider still carries. */
    public List<CallRef> unfinished(String provider) {
        return db.select(CALL.PROVIDER_CALL_ID).from(CALL)
                .where(CALL.STATE.ne(CallState.ENDED.name())).and(CALL.PROVIDER.eq(provider))
                .fetch(r -> new CallRef(provider, r.value1()));
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

    /** Whether an event from this provider delivery is already stored for the call; false for a null key. */
    boolean delivered(CallId id, String delivery) {
        return delivery != null && db.fetchExists(CALL_EVENT,
                CALL_EVENT.CALL_ID.eq(id.value()).and(CALL_EVENT.DELIVERY.eq(delivery)));
    }

    /**
     * The same question by the provider's reference, in one query and without locking: a repeated delivery is
     * then answered without a transaction that locks the call row, which is a commit written to disk.
     */
    boolean delivered(CallRef ref, String delivery) {
        return delivery != null && db.fetchExists(db.selectOne().from(CALL_EVENT).join(CALL)
                .on(CALL.ID.eq(CALL_EVENT.CALL_ID))
                .where(CALL.PROVIDER.eq(ref.provider())).and(CALL.PROVIDER_CALL_ID.eq(ref.providerCallId()))
                .and(CALL_EVENT.DELIVERY.eq(delivery)));
    }

    private void insertEvent(CallId id, CallEvent e, String delivery) {
        db.insertInto(CALL_EVENT)
                .set(CALL_EVENT.DELIVERY, delivery)
                .set(CALL_EVENT.CALL_ID, id.value())
                .set(CALL_EVENT.SEQ, e.seq())
                .set(CALL_EVENT.TYPE, e.type().name())
                .set(CALL_EVENT.AT, e.at().atOffset(ZoneOffset.UTC))
                .set(CALL_EVENT.OPERATOR_ID, e.operator() == null ? null : e.operator().value())
                .set(CALL_EVENT.DETAIL, JSONB.valueOf(json.writeValueAsString(e.detail())))
                .execute();
    }

    private static java.time.OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
