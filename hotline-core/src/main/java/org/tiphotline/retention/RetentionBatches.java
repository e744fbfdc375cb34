package org.tiphotline.retention;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.RETENTION_BATCH;
import static org.tiphotline.db.Tables.RETENTION_BATCH_ITEM;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.RetentionBatchRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;

/**
 * Retention batches, shaped as identifying exports are: the machine proposes (which records fall under a rule now,
 * frozen with the rule and its cut-off), a data management leader approves or rejects, and only an approved batch
 * erases, one record per transaction so that a crash (kill -9 included) leaves each record whole or erased and the
 * next run resumes with the records not done. Each proposal, decision and finished batch leaves one audit row that
 * says the kind, the rule and how many: never a record's id or content.
 */
@Service
public class RetentionBatches {

    /** The audit trail's actor for what the machine does on its own: proposing and finishing batches. */
    public static final String ACTOR = "system:retention";
    /** The audit trail's entity of a batch. */
    public static final String ENTITY = "retention_batch";

    public enum Status { PROPOSED, APPROVED, REJECTED, DONE }

    /** A batch as the leader's page shows it; {@code sentence} says it all in words. */
    public record Batch(UUID id, RetentionKind kind, String kindWords, String rule, String sentence, String erasure,
            int records, Status status, Instant proposedAt, String decidedByName, Instant decidedAt, String note,
            int erased, int skipped, int remaining, Instant finishedAt) {}

    private static final Logger log = LoggerFactory.getLogger(RetentionBatches.class);
    private static final int ITEMS_PER_READ = 100;

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AuditTrail audit;
    private final Erasures erasures;
    private final RetentionSettings settings;

    public RetentionBatches(DSLContext db, TransactionTemplate tx, Clock clock, AuditTrail audit, Erasures erasures,
            RetentionSettings settings) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
        this.erasures = erasures;
        this.settings = settings;
    }

    /** The rules as configured, in words, for the leader's page. */
    public List<String> rules() {
        List<String> words = new ArrayList<>();
        for (RetentionKind kind : RetentionKind.values()) {
            RetentionSettings.Rule rule = settings.rule(kind);
            words.add(kind.words + ", " + kind.rule(rule.after()) + ": " + (rule.enabled()
                    ? "proposed for erasure (" + kind.erasure + ")." : "kept (this rule is off)."));
        }
        return words;
    }

    /**
     * Proposes a batch for this kind's rule as it stands now, if the rule is on, no proposal of this kind awaits a
     * decision, and any record falls under it. Returns the batch proposed.
     */
    public Optional<Batch> propose(RetentionKind kind) {
        RetentionSettings.Rule rule = settings.rule(kind);
        if (!rule.enabled()) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime cutoff = now.minus(rule.after());
        UUID id = UUID.randomUUID();
        try {
            Boolean proposed = tx.execute(status -> {
                if (db.fetchExists(RETENTION_BATCH, RETENTION_BATCH.KIND.eq(kind.name())
                        .and(RETENTION_BATCH.STATUS.eq(Status.PROPOSED.name())))) {
                    return false;
                }
                List<UUID> due = erasures.due(kind, cutoff, settings.maxBatch());
                if (due.isEmpty()) {
                    return false;
                }
                db.insertInto(RETENTION_BATCH).set(RETENTION_BATCH.ID, id).set(RETENTION_BATCH.KIND, kind.name())
                        .set(RETENTION_BATCH.RULE_PERIOD, rule.after().toString())
                        .set(RETENTION_BATCH.CUTOFF, cutoff).set(RETENTION_BATCH.RECORD_COUNT, due.size())
                        .set(RETENTION_BATCH.STATUS, Status.PROPOSED.name()).set(RETENTION_BATCH.PROPOSED_AT, now)
                        .execute();
                var insert = db.insertInto(RETENTION_BATCH_ITEM, RETENTION_BATCH_ITEM.BATCH_ID,
                        RETENTION_BATCH_ITEM.RECORD_ID);
                for (UUID record : due) {
                    insert = insert.values(id, record);
                }
                insert.execute();
                audit.record(ACTOR, AuditTrail.Action.CREATE, ENTITY, id, Erasures.fields(kind),
                        facts(kind, rule.after(), due.size(), Status.PROPOSED));
                return true;
            });
            if (!Boolean.TRUE.equals(proposed)) {
                return Optional.empty();
            }
        } catch (DuplicateKeyException e) {
            // The other node proposed the same kind a moment before (while the lead passed): theirs stands.
            return Optional.empty();
        }
        log.info("retention: a batch of {} awaits a data management leader's decision", kind.name());
        return Optional.of(batch(id));
    }

    /** Proposes for every rule that is on and whose last proposal is older than {@code propose-every}. */
    public int proposeDue() {
        int n = 0;
        Instant since = clock.instant().minus(settings.proposeEvery());
        for (RetentionKind kind : RetentionKind.values()) {
            boolean recent = db.fetchExists(RETENTION_BATCH, RETENTION_BATCH.KIND.eq(kind.name())
                    .and(RETENTION_BATCH.PROPOSED_AT.gt(since.atOffset(ZoneOffset.UTC))));
            if (!recent && propose(kind).isPresent()) {
                n++;
            }
        }
        return n;
    }

    /** Every batch, newest first: for the data management leader alone. */
    public List<Batch> list(Actor actor) {
        requireLeader(actor);
        return db.select(RETENTION_BATCH.ID).from(RETENTION_BATCH).orderBy(RETENTION_BATCH.PROPOSED_AT.desc())
                .limit(200).fetch(RETENTION_BATCH.ID).stream().map(this::batch).toList();
    }

    public Batch approve(Actor actor, UUID id) {
        return decide(actor, id, Status.APPROVED, null);
    }

    public Batch reject(Actor actor, UUID id, String note) {
        String clean = note == null ? "" : note.strip();
        if (clean.length() < 3 || clean.length() > 1000) {
            throw new IllegalArgumentException("say why the batch is rejected (note, 3 to 1000 characters)");
        }
        if (clean.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            throw new IllegalArgumentException("note contains control characters");
        }
        return decide(actor, id, Status.REJECTED, clean);
    }

    private Batch decide(Actor actor, UUID id, Status decision, String note) {
        requireLeader(actor);
        tx.executeWithoutResult(status -> {
            RetentionBatchRecord r = db.selectFrom(RETENTION_BATCH).where(RETENTION_BATCH.ID.eq(id)).forUpdate()
                    .fetchOptional().orElseThrow(RetentionBatchNotFound::new);
            if (!Status.PROPOSED.name().equals(r.getStatus())) {
                throw new IllegalStateException("this batch was already " + r.getStatus().toLowerCase());
            }
            r.setStatus(decision.name());
            r.setDecidedBy(actor.id().value());
            r.setDecidedAt(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
            r.setDecisionNote(note);
            r.update();
            RetentionKind kind = RetentionKind.valueOf(r.getKind());
            // The reason stays on the batch, not in the trail: free text is not for the audit log.
            audit.record(actor.username(), AuditTrail.Action.CHANGE, ENTITY, id, Erasures.fields(kind),
                    facts(kind, Period.parse(r.getRulePeriod()), r.getRecordCount(), decision));
        });
        return batch(id);
    }

    /**
     * Erases the records of every approved batch not yet done, one per transaction, until done or until
     * {@code keepGoing} says stop; then marks each finished batch done. Returns the records looked at.
     */
    public long runApproved(BooleanSupplier keepGoing) {
        long seen = 0;
        for (UUID batch : db.select(RETENTION_BATCH.ID).from(RETENTION_BATCH)
                .where(RETENTION_BATCH.STATUS.eq(Status.APPROVED.name())).orderBy(RETENTION_BATCH.DECIDED_AT)
                .fetch(RETENTION_BATCH.ID)) {
            RetentionBatchRecord r = db.fetchSingle(RETENTION_BATCH, RETENTION_BATCH.ID.eq(batch));
            RetentionKind kind = RetentionKind.valueOf(r.getKind());
            List<UUID> open;
            do {
                if (!keepGoing.getAsBoolean()) {
                    return seen;
                }
                open = db.select(RETENTION_BATCH_ITEM.RECORD_ID).from(RETENTION_BATCH_ITEM)
                        .where(RETENTION_BATCH_ITEM.BATCH_ID.eq(batch)).and(RETENTION_BATCH_ITEM.OUTCOME.isNull())
                        .orderBy(RETENTION_BATCH_ITEM.RECORD_ID).limit(ITEMS_PER_READ)
                        .fetch(RETENTION_BATCH_ITEM.RECORD_ID);
                for (UUID record : open) {
                    if (!keepGoing.getAsBoolean()) {
                        return seen;
                    }
                    tx.executeWithoutResult(status -> eraseOne(batch, kind, record, r.getCutoff()));
                    seen++;
                }
            } while (!open.isEmpty());
            tx.executeWithoutResult(status -> finish(batch));
        }
        return seen;
    }

    /** One record, whole: erased (or skipped) and marked so in one transaction. */
    private void eraseOne(UUID batch, RetentionKind kind, UUID record, OffsetDateTime cutoff) {
        // Locked first: a second runner (the lead passing mid-batch) waits here and then finds it done.
        if (db.select(RETENTION_BATCH_ITEM.RECORD_ID).from(RETENTION_BATCH_ITEM)
                .where(RETENTION_BATCH_ITEM.BATCH_ID.eq(batch)).and(RETENTION_BATCH_ITEM.RECORD_ID.eq(record))
                .and(RETENTION_BATCH_ITEM.OUTCOME.isNull()).forUpdate().fetchOne() == null) {
            return;
        }
        boolean erased = erasures.eraseIfDue(kind, record, cutoff);
        db.update(RETENTION_BATCH_ITEM).set(RETENTION_BATCH_ITEM.OUTCOME, erased ? "ERASED" : "SKIPPED")
                .where(RETENTION_BATCH_ITEM.BATCH_ID.eq(batch)).and(RETENTION_BATCH_ITEM.RECORD_ID.eq(record))
                .execute();
    }

    private void finish(UUID batch) {
        RetentionBatchRecord r = db.selectFrom(RETENTION_BATCH).where(RETENTION_BATCH.ID.eq(batch)).forUpdate()
                .fetchSingle();
        if (!Status.APPROVED.name().equals(r.getStatus()) || db.fetchExists(RETENTION_BATCH_ITEM,
                RETENTION_BATCH_ITEM.BATCH_ID.eq(batch).and(RETENTION_BATCH_ITEM.OUTCOME.isNull()))) {
            return;
        }
        int erased = db.fetchCount(RETENTION_BATCH_ITEM, RETENTION_BATCH_ITEM.BATCH_ID.eq(batch)
                .and(RETENTION_BATCH_ITEM.OUTCOME.eq("ERASED")));
        int skipped = db.fetchCount(RETENTION_BATCH_ITEM, RETENTION_BATCH_ITEM.BATCH_ID.eq(batch)
                .and(RETENTION_BATCH_ITEM.OUTCOME.eq("SKIPPED")));
        r.setErased(erased);
        r.setSkipped(skipped);
        r.setStatus(Status.DONE.name());
        r.setFinishedAt(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
        r.update();
        RetentionKind kind = RetentionKind.valueOf(r.getKind());
        Map<String, Object> facts = facts(kind, Period.parse(r.getRulePeriod()), r.getRecordCount(), Status.DONE);
        facts.put("erased", erased);
        facts.put("skipped", skipped);
        audit.record(ACTOR, AuditTrail.Action.CHANGE, ENTITY, batch, Erasures.fields(kind), facts);
        log.info("retention: a batch of {} is done: {} erased, {} skipped (no longer under the rule)", kind.name(),
                erased, skipped);
    }

    /** What an audit row of a batch says: kind, rule, how many, status; nothing of any record. */
    private static Map<String, Object> facts(RetentionKind kind, Period rule, int records, Status status) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("kind", kind.name());
        facts.put("rule", rule.toString());
        facts.put("records", records);
        facts.put("status", status.name());
        return facts;
    }

    /** The trail's words for a batch's audit row, from what {@link #facts} wrote; null if it is not one. */
    public static String auditWords(Map<String, ?> facts) {
        try {
            RetentionKind kind = RetentionKind.valueOf(String.valueOf(facts.get("kind")));
            Period rule = Period.parse(String.valueOf(facts.get("rule")));
            long records = Long.parseLong(String.valueOf(facts.get("records")));
            String batch = "Retention: " + kind.words + ", " + kind.rule(rule) + " (" + kind.count(records) + ")";
            return switch (Status.valueOf(String.valueOf(facts.get("status")))) {
                case PROPOSED -> batch + ", proposed for erasure";
                case APPROVED -> batch + ", erasure approved";
                case REJECTED -> batch + ", erasure rejected";
                case DONE -> batch + ", done: " + facts.get("erased") + " erased, " + facts.get("skipped")
                        + " kept as no longer under the rule";
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Batch batch(UUID id) {
        var decider = APP_USER.as("decider");
        var row = db.select(RETENTION_BATCH.asterisk(), decider.DISPLAY_NAME).from(RETENTION_BATCH)
                .leftJoin(decider).on(decider.ID.eq(RETENTION_BATCH.DECIDED_BY)).where(RETENTION_BATCH.ID.eq(id))
                .fetchOptional().orElseThrow(RetentionBatchNotFound::new);
        RetentionBatchRecord r = row.into(RETENTION_BATCH);
        RetentionKind kind = RetentionKind.valueOf(r.getKind());
        Period rule = Period.parse(r.getRulePeriod());
        int remaining = db.fetchCount(RETENTION_BATCH_ITEM, RETENTION_BATCH_ITEM.BATCH_ID.eq(id)
                .and(RETENTION_BATCH_ITEM.OUTCOME.isNull()));
        return new Batch(id, kind, kind.words, kind.rule(rule), kind.sentence(rule, r.getRecordCount()), kind.erasure,
                r.getRecordCount(), Status.valueOf(r.getStatus()), r.getProposedAt().toInstant(),
                row.get(decider.DISPLAY_NAME), r.getDecidedAt() == null ? null : r.getDecidedAt().toInstant(),
                r.getDecisionNote(), r.getErased(), r.getSkipped(), remaining,
                r.getFinishedAt() == null ? null : r.getFinishedAt().toInstant());
    }

    private static void requireLeader(Actor actor) {
        if (!actor.is(Role.DATA_MANAGEMENT_LEADER)) {
            throw new SecurityException("only a data management leader sees and decides retention batches");
        }
    }
}
