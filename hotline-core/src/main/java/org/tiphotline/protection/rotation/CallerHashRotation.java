package org.tiphotline.protection.rotation;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLBACK_REFUSAL;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLER_FLAG;
import static org.tiphotline.db.Tables.HASH_KEY_ROTATION;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.HashKeyRotationRecord;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.CallerNumbers;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.protection.NameKeys;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Moves the caller-number hashes (and the registry's name keys, made with the same key) to the active hash key.
 * Repeat-caller matching compares stored hashes with each other (earlier contacts, flags, callback tasks,
 * refusals), so all rows of one caller must always carry one hash: each step moves every row holding a caller's old
 * hash at once, in one transaction, and a new call from a caller not yet moved moves that caller first
 * ({@link #adopt}). Lookups by a typed number try every hash key held ({@link CallerNumbers#hashes}).
 *
 * <p>A stored hash does not say which key made it, so the walk over the calls keeps its place in
 * {@code hash_key_rotation} (committed with each batch: a restart resumes there). For each call it decrypts the
 * number, rehashes it under every key held and, where the stored hash is an older key's, moves that caller.
 */
@Component
public class CallerHashRotation {

    /** Where a rotation of the hash key stands; {@code from} the keys it replaces. */
    public record Progress(String to, List<String> from, long callsDone, long callsTotal, long casesDone,
            long casesTotal, boolean finished) {}

    private static final Logger log = LoggerFactory.getLogger(CallerHashRotation.class);
    private static final TypeReference<TreeMap<String, String>> PERSONAL = new TypeReference<>() {};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext db;
    private final FieldCipher cipher;
    private final CallerNumbers numbers;
    private final NameKeys nameKeys;
    private final KeyRing keys;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final int batchSize;

    public CallerHashRotation(DSLContext db, FieldCipher cipher, CallerNumbers numbers, NameKeys nameKeys,
            KeyRing keys, AuditTrail audit, TransactionTemplate tx, Clock clock,
            @Value("${hotline.protection.rotation.batch:500}") int batchSize) {
        this.db = db;
        this.cipher = cipher;
        this.numbers = numbers;
        this.nameKeys = nameKeys;
        this.keys = keys;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    /**
     * Moves this caller's rows from an older hash key's hash to the active one's: called in the transaction that
     * stores a new call from the number, so the new call and the caller's earlier ones match at once. Nothing to do
     * (and no query) unless the ring holds more than one hash key.
     */
    public void adopt(String number) {
        List<byte[]> hashes = numbers.hashes(number);
        if (hashes.size() > 1) {
            move(hashes.subList(1, hashes.size()), hashes.getFirst());
        }
    }

    /** Every row holding one of {@code old} now holds {@code now}; returns how many rows changed. */
    private int move(List<byte[]> old, byte[] now) {
        int n = db.update(CALL).set(CALL.CALLER_HASH, now).where(CALL.CALLER_HASH.in(old)).execute();
        n += db.update(CALLER_FLAG).set(CALLER_FLAG.CALLER_HASH, now).where(CALLER_FLAG.CALLER_HASH.in(old)).execute();
        // One open task per number: an open task under the new hash already (made between two steps) keeps the old
        // one where it is rather than failing the whole step (a supervisor sees two tasks for the caller).
        var open = CALLBACK_TASK.as("open");
        n += db.update(CALLBACK_TASK).set(CALLBACK_TASK.CALLER_HASH, now).where(CALLBACK_TASK.CALLER_HASH.in(old))
                .and(CALLBACK_TASK.DONE_AT.isNotNull().or(DSL.notExists(DSL.selectOne().from(open)
                        .where(open.CALLER_HASH.eq(now)).and(open.DONE_AT.isNull()))))
                .execute();
        // A refusal is keyed by the hash: one already under the new hash makes the old one redundant.
        if (db.fetchExists(CALLBACK_REFUSAL, CALLBACK_REFUSAL.CALLER_HASH.eq(now))) {
            n += db.deleteFrom(CALLBACK_REFUSAL).where(CALLBACK_REFUSAL.CALLER_HASH.in(old)).execute();
        } else {
            n += db.update(CALLBACK_REFUSAL).set(CALLBACK_REFUSAL.CALLER_HASH, now)
                    .where(CALLBACK_REFUSAL.CALLER_HASH.in(old)).execute();
        }
        return n;
    }

    /**
     * Walks what is left of the rotation to the active hash key (starting it when the ring holds another hash
     * key and none is recorded), until done or until {@code keepGoing} says stop. Returns the calls looked at.
     */
    public long run(BooleanSupplier keepGoing) {
        if (keys.hashKeyIds().size() < 2 && current().filter(r -> r.getFinishedAt() == null).isEmpty()) {
            return 0;
        }
        start();
        long seen = 0;
        while (keepGoing.getAsBoolean()) {
            int n = tx.execute(status -> step());
            if (n == 0) {
                break;
            }
            seen += n;
        }
        return seen;
    }

    /** Records the rotation to the active hash key, if it is not recorded yet. */
    void start() {
        List<String> from = keys.hashKeyIds().subList(1, keys.hashKeyIds().size());
        db.insertInto(HASH_KEY_ROTATION).set(HASH_KEY_ROTATION.TO_KEY, keys.activeHashKeyId())
                .set(HASH_KEY_ROTATION.FROM_KEYS, from.toArray(String[]::new))
                .set(HASH_KEY_ROTATION.STARTED_AT, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .onConflictDoNothing().execute();
    }

    /** One batch of calls, or of registry cases once the calls are done; 0 when the rotation is finished. */
    int step() {
        HashKeyRotationRecord r = db.selectFrom(HASH_KEY_ROTATION)
                .where(HASH_KEY_ROTATION.TO_KEY.eq(keys.activeHashKeyId())).forUpdate().fetchOne();
        if (r == null || r.getFinishedAt() != null) {
            return 0;
        }
        var calls = db.select(CALL.ID, CALL.CALLER_NUMBER_ENC, CALL.CALLER_HASH).from(CALL)
                .where(CALL.CALLER_HASH.isNotNull()).and(CALL.CALLER_NUMBER_ENC.isNotNull())
                .and(r.getCallCursor() == null ? DSL.noCondition() : CALL.ID.gt(r.getCallCursor()))
                .orderBy(CALL.ID).limit(batchSize).fetch();
        if (!calls.isEmpty()) {
            int moved = 0;
            for (var call : calls) {
                moved += rehash(call.get(CALL.ID), call.get(CALL.CALLER_NUMBER_ENC), call.get(CALL.CALLER_HASH));
            }
            r.setCallCursor(calls.getLast().get(CALL.ID));
            r.setCallsDone(r.getCallsDone() + calls.size());
            r.update();
            audit.record(Reencryption.ACTOR, AuditTrail.Action.CHANGE, "call", "hash key rotation batch",
                    List.of("caller_hash"), Map.of("rows", calls.size(), "callersMoved", moved,
                            "key", Map.of("before", String.join(",", r.getFromKeys()), "after", r.getToKey())));
            return calls.size();
        }
        var cases = db.select(REGISTRY_CASE.ID, REGISTRY_CASE.PERSONAL_ENC).from(REGISTRY_CASE)
                .where(r.getCaseCursor() == null ? DSL.noCondition() : REGISTRY_CASE.ID.gt(r.getCaseCursor()))
                .orderBy(REGISTRY_CASE.ID).limit(batchSize).fetch();
        if (!cases.isEmpty()) {
            int changed = 0;
            for (var c : cases) {
                changed += renameKeys(c.get(REGISTRY_CASE.ID), c.get(REGISTRY_CASE.PERSONAL_ENC));
            }
            r.setCaseCursor(cases.getLast().get(REGISTRY_CASE.ID));
            r.setCasesDone(r.getCasesDone() + cases.size());
            r.update();
            audit.record(Reencryption.ACTOR, AuditTrail.Action.CHANGE, "registry_case", "hash key rotation batch",
                    List.of("name_keys"), Map.of("rows", changed,
                            "key", Map.of("before", String.join(",", r.getFromKeys()), "after", r.getToKey())));
            return cases.size();
        }
        r.setFinishedAt(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        r.update();
        log.info("key rotation: every caller-number hash and name key is made with hash key {} now; hash key(s) {} "
                + "can be retired", r.getToKey(), String.join(", ", r.getFromKeys()));
        return 0;
    }

    /**
     * Moves this call's caller if their stored hash is an older key's; returns 1 if it moved them. Calls that carry
     * a hash but no number (a callback copies the earlier call's hash) move with the caller's other calls.
     */
    private int rehash(UUID id, byte[] numberEnc, byte[] stored) {
        String number;
        try {
            number = cipher.decrypt(numberEnc, "call.caller_number:" + id);
        } catch (IllegalStateException e) {
            log.warn("key rotation: the number of call {} cannot be decrypted, its hash stays: {}", id,
                    e.getMessage());
            return 0;
        }
        List<byte[]> hashes = numbers.hashes(number);
        if (hashes.isEmpty() || Arrays.equals(hashes.getFirst(), stored)) {
            return 0;
        }
        for (byte[] older : hashes.subList(1, hashes.size())) {
            if (Arrays.equals(older, stored)) {
                move(List.of(older), hashes.getFirst());
                return 1;
            }
        }
        log.warn("key rotation: the hash of call {} was made with no hash key held", id);
        return 0;
    }

    /** Recomputes a case's name keys under the keys held; returns 1 if they changed. */
    private int renameKeys(UUID id, byte[] personalEnc) {
        if (personalEnc == null) {
            return 0;
        }
        Map<String, String> personal;
        try {
            personal = JSON.readValue(cipher.decrypt(personalEnc, "registry_case.personal:" + id), PERSONAL);
        } catch (RuntimeException e) {
            log.warn("key rotation: the names of case {} cannot be read, its name keys stay: {}", id,
                    e.getClass().getSimpleName());
            return 0;
        }
        byte[][] fresh = nameKeys.of(personal.get("firstNames"), personal.get("familyNames")).toArray(byte[][]::new);
        // Only if the names are still what was read: a save in between wrote its own keys.
        return db.update(REGISTRY_CASE).set(REGISTRY_CASE.NAME_KEYS, fresh).where(REGISTRY_CASE.ID.eq(id))
                .and(REGISTRY_CASE.PERSONAL_ENC.eq(personalEnc)).execute();
    }

    /** The rotation to the active hash key as recorded, if any. */
    Optional<HashKeyRotationRecord> current() {
        return db.selectFrom(HASH_KEY_ROTATION).where(HASH_KEY_ROTATION.TO_KEY.eq(keys.activeHashKeyId()))
                .fetchOptional();
    }

    /** Where the rotation to the active hash key stands, or empty when none was ever needed. */
    public Optional<Progress> progress() {
        return current().map(r -> new Progress(r.getToKey(), List.of(r.getFromKeys()), r.getCallsDone(),
                r.getCallsDone() + db.fetchCount(CALL, CALL.CALLER_HASH.isNotNull()
                        .and(CALL.CALLER_NUMBER_ENC.isNotNull()).and(r.getCallCursor() == null ? DSL.noCondition() : CALL.ID.gt(r.getCallCursor()))),
                r.getCasesDone(), r.getCasesDone() + db.fetchCount(REGISTRY_CASE,
                        r.getCaseCursor() == null ? DSL.noCondition() : REGISTRY_CASE.ID.gt(r.getCaseCursor())),
                r.getFinishedAt() != null));
    }

    /**
     * Rotations of the hash key that are not finished and need a key this ring does not hold: starting without it
     * would leave those callers unmatched. Empty when nothing is missing.
     */
    public List<String> missingKeys() {
        return db.selectFrom(HASH_KEY_ROTATION).where(HASH_KEY_ROTATION.FINISHED_AT.isNull()).fetch().stream()
                .flatMap(r -> {
                    List<String> needed = new java.util.ArrayList<>(List.of(r.getFromKeys()));
                    needed.add(r.getToKey());
                    return needed.stream().filter(k -> !keys.hashKeyIds().contains(k))
                            .map(k -> "hash key " + k + " (caller-number hashes are being moved from "
                                    + String.join(", ", r.getFromKeys()) + " to " + r.getToKey() + ": "
                                    + r.getCallsDone() + " calls done)");
                }).toList();
    }
}
