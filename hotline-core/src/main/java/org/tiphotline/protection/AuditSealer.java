package org.tiphotline.protection;

import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.AUDIT_SEAL;
import static org.tiphotline.db.Tables.AUDIT_UNSEALED;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep7;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.db.tables.records.AuditSealRecord;

/**
 * Links committed audit rows into the chain ({@code audit_seal}), on the leading node, about once a second.
 *
 * <p>Rows commit out of id order (a request that drew id 99 may commit after the one that drew 100), so the chain
 * does not follow ids: it takes what a trigger queued in {@code audit_unsealed} and has committed since, in id order
 * within each batch, and appends one entry per row. A row still being written is not visible yet and is sealed in a
 * later batch. Writers never wait for the sealer: they only insert into the queue; the sealers (one, but two for a
 * moment while the lead passes) take a transaction-level advisory lock for the length of one append.
 *
 * <p>The first batch writes the start (entry 0), which names the last row without a MAC, so the rows written before
 * this version are sealed as they are then (LEGACY) and any later row without a MAC is named as not the
 * application's (UNKEYED). A queued row that is gone when its batch runs is sealed as GONE: a deletion in the second
 * before sealing shows too.
 */
@Component
public class AuditSealer {

    /** The chain's start, entry 0. */
    public static final String START = "START";
    static final String KEYED = "KEYED";
    static final String LEGACY = "LEGACY";
    static final String UNKEYED = "UNKEYED";
    static final String GONE = "GONE";

    /** The sealers' advisory lock: "tipaudit" in a number no other lock of the database uses. */
    static final long LOCK_KEY = 0x7469_7061_7564_6974L;

    static final int BATCHES_PER_TICK = 5;

    private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);

    private final DSLContext db;
    private final AuditMacs macs;
    private final Leadership leadership;
    private final AuditChainSettings settings;
    private final AuditHeads heads;

    public AuditSealer(DSLContext db, AuditMacs macs, Leadership leadership, AuditChainSettings settings,
            AuditHeads heads) {
        this.db = db;
        this.macs = macs;
        this.leadership = leadership;
        this.settings = settings;
        this.heads = heads;
    }

    /** The leader publishes the chain's head ({@link AuditHeads}) when it moved, every {@code publish-every}. */
    @Scheduled(fixedDelayString = "${hotline.audit.publish-every:1m}",
            initialDelayString = "${hotline.audit.publish-every:1m}")
    void scheduledPublish() {
        if (leadership.leads()) {
            try {
                heads.publish();
            } catch (RuntimeException e) {
                log.warn("publishing the audit chain's head failed, tried again at the next tick: {}",
                        e.getClass().getName());
            }
        }
    }

    /**
     * At most {@link #BATCHES_PER_TICK} batches a tick: the scheduler's two threads also run the routing tick, and
     * a backlog (the rows of an older version, sealed at the first start of this one) waits a tick rather than them.
     */
    @Scheduled(fixedDelayString = "${hotline.audit.seal-every:1s}")
    void scheduledSeal() {
        if (leadership.leads()) {
            try {
                seal(BATCHES_PER_TICK);
            } catch (RuntimeException e) {
                // Nothing is lost: the queue keeps the rows for the next try.
                log.warn("sealing the audit trail failed, tried again at the next tick: {}", e.getClass().getName());
            }
        }
    }

    /** Seals every row committed so far, batch after batch; returns how many rows it sealed. */
    public int sealAll() {
        return seal(Integer.MAX_VALUE);
    }

    private int seal(int batches) {
        int total = 0;
        int sealed;
        int done = 0;
        do {
            sealed = sealBatch(settings.sealBatch());
            total += sealed;
            done++;
        } while (sealed == settings.sealBatch() && done < batches);
        return total;
    }

    private int sealBatch(int limit) {
        return db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            tx.resultQuery("select pg_advisory_xact_lock(?)", LOCK_KEY).fetch();
            OffsetDateTime now = tx.select(DSL.currentOffsetDateTime()).fetchSingle().value1();
            List<Long> ids = tx.deleteFrom(AUDIT_UNSEALED)
                    .where(AUDIT_UNSEALED.AUDIT_ID.in(DSL.select(AUDIT_UNSEALED.AUDIT_ID).from(AUDIT_UNSEALED)
                            .orderBy(AUDIT_UNSEALED.AUDIT_ID).limit(limit)))
                    .returning(AUDIT_UNSEALED.AUDIT_ID).fetch(AUDIT_UNSEALED.AUDIT_ID);
            if (ids.isEmpty()) {
                return 0;
            }
            ids = ids.stream().sorted().toList();
            AuditSealRecord head = tx.selectFrom(AUDIT_SEAL).orderBy(AUDIT_SEAL.SEQ.desc()).limit(1).fetchOne();
            long legacyThrough;
            long seq;
            byte[] previous;
            InsertValuesStep7<AuditSealRecord, Long, String, Long, byte[], byte[], byte[], OffsetDateTime> insert =
                    tx.insertInto(AUDIT_SEAL, AUDIT_SEAL.SEQ, AUDIT_SEAL.KIND, AUDIT_SEAL.AUDIT_ID, AUDIT_SEAL.ROW_MAC,
                            AUDIT_SEAL.PREV_HASH, AUDIT_SEAL.CHAIN_HASH, AUDIT_SEAL.SEALED_AT);
            if (head == null) {
                // The rows without a MAC that exist now were written before the chain (or by the previous build
                // while it still led): they are the legacy the start names.
                legacyThrough = tx.select(DSL.coalesce(DSL.max(AUDIT_LOG.ID), 0L)).from(AUDIT_LOG)
                        .where(AUDIT_LOG.MAC.isNull()).fetchSingle().value1();
                seq = 0;
                previous = macs.link(null, 0, START, legacyThrough, null, now);
                insert = insert.values(0L, START, legacyThrough, null, null, previous, now);
            } else {
                legacyThrough = tx.select(AUDIT_SEAL.AUDIT_ID).from(AUDIT_SEAL).where(AUDIT_SEAL.SEQ.eq(0L))
                        .fetchOptional(AUDIT_SEAL.AUDIT_ID).orElse(0L);
                seq = head.getSeq();
                previous = head.getChainHash();
            }
            var rows = tx.select(AUDIT_LOG.ID, AUDIT_LOG.AT, AUDIT_LOG.ACTOR, AUDIT_LOG.ACTION,
                    AUDIT_LOG.ENTITY, AUDIT_LOG.ENTITY_ID, AUDIT_LOG.FIELDS, AUDIT_LOG.CHANGES, AUDIT_LOG.NONCE,
                    AUDIT_LOG.MAC).from(AUDIT_LOG).where(AUDIT_LOG.ID.in(ids)).fetchMap(AUDIT_LOG.ID);
            for (long id : ids) {
                Record row = rows.get(id);
                String kind;
                byte[] rowMac;
                if (row == null) {
                    kind = GONE;
                    rowMac = null;
                    log.warn("audit row {} was queued for sealing but is gone: sealed as deleted", id);
                } else {
                    byte[] content = rowMac(macs, row);
                    if (row.get(AUDIT_LOG.MAC) != null) {
                        kind = KEYED;
                        // The row's own MAC, as written: if it no longer fits, the verification names the row.
                        rowMac = row.get(AUDIT_LOG.MAC);
                        if (!Arrays.equals(rowMac, content)) {
                            log.warn("audit row {} no longer fits its MAC when sealed", id);
                        }
                    } else {
                        kind = id <= legacyThrough ? LEGACY : UNKEYED;
                        rowMac = content;
                        if (kind.equals(UNKEYED)) {
                            log.warn("audit row {} has no MAC: not written by this version of the application", id);
                        }
                    }
                }
                seq++;
                byte[] hash = macs.link(previous, seq, kind, id, rowMac, now);
                insert = insert.values(seq, kind, id, rowMac, previous, hash, now);
                previous = hash;
            }
            insert.execute();
            return ids.size();
        });
    }

    /** The MAC of a row as it is now (its nonce as stored; none for rows from before the chain). */
    static byte[] rowMac(AuditMacs macs, Record row) {
        return macs.row(row.get(AUDIT_LOG.ID), row.get(AUDIT_LOG.AT), row.get(AUDIT_LOG.ACTOR),
                row.get(AUDIT_LOG.ACTION), row.get(AUDIT_LOG.ENTITY), row.get(AUDIT_LOG.ENTITY_ID),
                row.get(AUDIT_LOG.FIELDS), row.get(AUDIT_LOG.CHANGES) == null ? null : row.get(AUDIT_LOG.CHANGES).data(),
                row.get(AUDIT_LOG.NONCE));
    }
}
