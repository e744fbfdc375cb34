package org.tiphotline.protection;

import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.AUDIT_SEAL;
import static org.tiphotline.db.Tables.AUDIT_UNSEALED;

import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * Walks the audit trail's chain and says, in words, whether it fits, and if not which row or entry is the first
 * that does not: a row changed (its content no longer fits its MAC or its seal), deleted (sealed, and gone),
 * inserted (no MAC of the audit key, or not in the chain), reordered (an entry that does not follow the one before
 * it, or a row whose id or time moved), entries removed from the chain or its end, a chain rebuilt without the key
 * (its hashes do not verify) or with it (it disagrees with a head published before). Reads one consistent snapshot
 * and changes nothing; the caller audits the look if it is a person's.
 *
 * <p>No personal data in what it says: row ids, entry numbers and times only.
 */
@Component
public class AuditChainCheck {

    /** What does not fit. */
    public enum Problem {
        ROW_CHANGED, ROW_WITHOUT_MAC, ROW_DELETED, ROW_DELETED_BEFORE_SEALING, ROW_OUTSIDE_CHAIN, ENTRY_ALTERED,
        ENTRIES_MISSING, ENTRY_OUT_OF_PLACE, START_MISSING, HEAD_DIFFERS, HEAD_BEYOND_END, HEAD_NOT_SIGNED
    }

    /** One thing that does not fit: the row and chain entry it concerns (either may be null), in words. */
    public record Finding(Problem problem, Long auditId, Long entry, String words) {}

    /**
     * The verification's outcome.
     *
     * @param intact whether everything fits
     * @param summary the outcome in one paragraph of words
     * @param findings the problems in the chain's order, the first one first (at most {@link #LISTED})
     * @param problems how many problems in all
     * @param rowsChecked audit rows checked against their MACs
     * @param lastEntry the chain's last entry (-1: no chain yet)
     * @param legacyRows rows from before the chain, sealed as they were when it began
     * @param waiting rows committed but not sealed yet (checked against their MACs)
     * @param headsCompared published heads the chain was compared with
     * @param checkedAt when the snapshot was read (the database's time)
     */
    public record Result(boolean intact, String summary, List<Finding> findings, int problems, long rowsChecked,
            long lastEntry, long legacyRows, long waiting, int headsCompared, Instant checkedAt) {

        public Optional<Finding> first() {
            return findings.stream().findFirst();
        }
    }

    /** The most findings a result lists (it counts them all). */
    public static final int LISTED = 100;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss 'UTC'",
            Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final DSLContext db;
    private final AuditMacs macs;
    private final AuditHeads heads;

    public AuditChainCheck(DSLContext db, AuditMacs macs, AuditHeads heads) {
        this.db = db;
        this.macs = macs;
        this.heads = heads;
    }

    /**
     * Where sealing stands, cheaply (for the status page): the chain's last entry and when it was sealed (-1 and null
     * before the first), and how many committed rows wait to be sealed.
     */
    public record Progress(long lastEntry, Instant lastSealedAt, int waiting) {}

    public Progress progress() {
        var last = db.select(AUDIT_SEAL.SEQ, AUDIT_SEAL.SEALED_AT).from(AUDIT_SEAL).orderBy(AUDIT_SEAL.SEQ.desc())
                .limit(1).fetchOptional();
        return new Progress(last.map(r -> r.value1()).orElse(-1L),
                last.map(r -> r.value2().toInstant()).orElse(null), db.fetchCount(AUDIT_UNSEALED));
    }

    /** Checks the whole trail, its chain and the published heads. */
    public Result check() {
        List<AuditHeads.Published> published = heads.read();
        return db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            // One snapshot for the chain, the rows and the queue: a row and its queue entry commit together.
            tx.execute("set transaction isolation level repeatable read, read only");
            Instant now = tx.select(DSL.currentOffsetDateTime()).fetchSingle().value1().toInstant();
            return new Walk(tx, published).run(now);
        });
    }

    /** One verification's state. */
    private final class Walk {

        private final DSLContext tx;
        private final List<AuditHeads.Published> published;
        private final Map<Long, AuditHeads.Published> headsBySeq = new HashMap<>();
        private final List<Finding> findings = new ArrayList<>();
        private int problems;
        private long rowsChecked;
        private long legacyRows;
        private long waiting;
        private int headsCompared;
        private long lastEntry = -1;
        private OffsetDateTime lastSealedAt;
        private long legacyThrough = -1;

        Walk(DSLContext tx, List<AuditHeads.Published> published) {
            this.tx = tx;
            this.published = published;
        }

        Result run(Instant now) {
            for (AuditHeads.Published head : published) {
                if (!head.signed()) {
                    found(Problem.HEAD_NOT_SIGNED, null, null, "A published head (" + head.file() + ", line "
                            + head.line() + ") does not verify with the audit key: it was altered, or written by "
                            + "someone without the key.");
                } else {
                    // The latest publication of an entry wins; all of them carry the same hash when nothing is wrong.
                    headsBySeq.merge(head.head().seq(), head, (a, b) -> b);
                }
            }
            walkChain();
            for (AuditHeads.Published head : headsBySeq.values().stream()
                    .sorted(Comparator.comparingLong(h -> h.head().seq())).toList()) {
                if (head.head().seq() > lastEntry) {
                    found(Problem.HEAD_BEYOND_END, null, head.head().seq(), (lastEntry < 0 ? "The chain is empty"
                            : "The chain ends at entry " + number(lastEntry)) + ", but entry "
                            + number(head.head().seq()) + " was published on " + when(head.head().at())
                            + ": entries were removed from its end, or the chain was rebuilt shorter.");
                }
            }
            rowsOutsideTheChain();
            queueEntriesWithoutRows();
            return result(now);
        }

        private void walkChain() {
            byte[] previousHash = null;
            long expected = 0;
            try (Cursor<Record> entries = tx.select(both(AUDIT_SEAL.fields(), AUDIT_LOG.fields())).from(AUDIT_SEAL)
                    .leftJoin(AUDIT_LOG).on(AUDIT_LOG.ID.eq(AUDIT_SEAL.AUDIT_ID))
                    .and(AUDIT_SEAL.KIND.ne(AuditSealer.START))
                    .orderBy(AUDIT_SEAL.SEQ).fetchSize(1000).fetchLazy()) {
                for (Record entry : entries) {
                    long seq = entry.get(AUDIT_SEAL.SEQ);
                    String kind = entry.get(AUDIT_SEAL.KIND);
                    long auditId = entry.get(AUDIT_SEAL.AUDIT_ID);
                    OffsetDateTime sealedAt = entry.get(AUDIT_SEAL.SEALED_AT);
                    byte[] hash = entry.get(AUDIT_SEAL.CHAIN_HASH);
                    boolean gap = seq != expected;
                    if (gap && expected == 0) {
                        found(Problem.START_MISSING, null, 0L, "The chain's start (entry 0) is missing: the chain "
                                + "was cut or rebuilt; it now begins at entry " + number(seq) + ".");
                    } else if (gap) {
                        found(Problem.ENTRIES_MISSING, null, expected, "The chain jumps from entry "
                                + number(expected - 1) + " to entry " + number(seq) + ": "
                                + (seq - expected == 1 ? "an entry was" : number(seq - expected) + " entries were")
                                + " deleted.");
                    }
                    byte[] own = macs.link(entry.get(AUDIT_SEAL.PREV_HASH), seq, kind, auditId,
                            entry.get(AUDIT_SEAL.ROW_MAC), sealedAt);
                    if (!MessageDigest.isEqual(own, hash)) {
                        found(Problem.ENTRY_ALTERED, auditId(kind, auditId), seq, "Entry " + number(seq)
                                + " of the chain (sealed " + when(sealedAt) + ") does not verify with the audit key: "
                                + "it was altered, or the chain was rebuilt by someone without the key.");
                    } else if (!gap && seq > 0 && !MessageDigest.isEqual(entry.get(AUDIT_SEAL.PREV_HASH), previousHash)) {
                        found(Problem.ENTRY_OUT_OF_PLACE, auditId(kind, auditId), seq, "Entry " + number(seq)
                                + " of the chain does not follow entry " + number(seq - 1) + ": entries were "
                                + "reordered, replaced or removed there.");
                    }
                    if (kind.equals(AuditSealer.START)) {
                        legacyThrough = auditId;
                    } else {
                        row(entry, seq, kind, auditId, sealedAt);
                    }
                    AuditHeads.Published head = headsBySeq.get(seq);
                    if (head != null) {
                        headsCompared++;
                        if (!MessageDigest.isEqual(head.head().hash(), hash)) {
                            found(Problem.HEAD_DIFFERS, auditId(kind, auditId), seq, "Entry " + number(seq)
                                    + " of the chain differs from the head published on " + when(head.head().at())
                                    + " (" + head.file() + ", line " + head.line() + "): the chain was rebuilt after "
                                    + "that time.");
                        }
                    }
                    previousHash = hash;
                    expected = seq + 1;
                    lastEntry = seq;
                    lastSealedAt = sealedAt;
                }
            }
        }

        private void row(Record entry, long seq, String kind, long auditId, OffsetDateTime sealedAt) {
            if (kind.equals(AuditSealer.GONE)) {
                found(Problem.ROW_DELETED_BEFORE_SEALING, auditId, seq, "Audit row " + auditId + " was deleted before "
                        + "it was sealed: it was gone when the chain reached it (entry " + number(seq) + ", "
                        + when(sealedAt) + ").");
                return;
            }
            if (entry.get(AUDIT_LOG.ID) == null) {
                found(Problem.ROW_DELETED, auditId, seq, "Audit row " + auditId + " was deleted: entry " + number(seq)
                        + " of the chain sealed it on " + when(sealedAt) + ", and it is gone.");
                return;
            }
            rowsChecked++;
            byte[] content = AuditSealer.rowMac(macs, entry);
            byte[] stored = entry.get(AUDIT_LOG.MAC);
            byte[] sealed = entry.get(AUDIT_SEAL.ROW_MAC);
            boolean fits = kind.equals(AuditSealer.KEYED)
                    ? stored != null && MessageDigest.isEqual(content, stored) && MessageDigest.isEqual(stored, sealed)
                    : stored == null && MessageDigest.isEqual(content, sealed);
            if (!fits) {
                found(Problem.ROW_CHANGED, auditId, seq, "Audit row " + auditId + " (written "
                        + when(entry.get(AUDIT_LOG.AT)) + ") was changed after it was "
                        + (kind.equals(AuditSealer.KEYED) ? "written" : "sealed") + ": it no longer fits its seal "
                        + "(entry " + number(seq) + ").");
            } else if (kind.equals(AuditSealer.UNKEYED)) {
                withoutMac(auditId, seq, entry.get(AUDIT_LOG.AT));
            } else if (kind.equals(AuditSealer.LEGACY)) {
                legacyRows++;
            }
        }

        private void withoutMac(long auditId, Long seq, OffsetDateTime at) {
            found(Problem.ROW_WITHOUT_MAC, auditId, seq, "Audit row " + auditId + " (written " + when(at)
                    + ") carries no MAC of the audit key: it was not written by this application (but behind its "
                    + "back, or by a node of an older version during an upgrade).");
        }

        /** Rows not in the chain: waiting to be sealed (their MACs checked) or put there behind its back. */
        private void rowsOutsideTheChain() {
            try (Cursor<Record> rows = tx.select(both(AUDIT_LOG.fields(), AUDIT_UNSEALED.AUDIT_ID)).from(AUDIT_LOG)
                    .leftJoin(AUDIT_UNSEALED).on(AUDIT_UNSEALED.AUDIT_ID.eq(AUDIT_LOG.ID))
                    .whereNotExists(DSL.selectOne().from(AUDIT_SEAL).where(AUDIT_SEAL.AUDIT_ID.eq(AUDIT_LOG.ID))
                            .and(AUDIT_SEAL.KIND.ne(AuditSealer.START)))
                    .orderBy(AUDIT_LOG.ID).fetchSize(1000).fetchLazy()) {
                for (Record row : rows) {
                    long id = row.get(AUDIT_LOG.ID);
                    OffsetDateTime at = row.get(AUDIT_LOG.AT);
                    if (row.get(AUDIT_UNSEALED.AUDIT_ID) == null) {
                        found(Problem.ROW_OUTSIDE_CHAIN, id, null, "Audit row " + id + " (written " + when(at)
                                + ") is neither in the chain nor waiting to be sealed: it was inserted, or taken out "
                                + "of the sealing queue, behind the application's back.");
                        continue;
                    }
                    waiting++;
                    rowsChecked++;
                    byte[] stored = row.get(AUDIT_LOG.MAC);
                    if (stored == null) {
                        // Before the chain's start, a row without a MAC is the older version's; after it, not ours.
                        if (legacyThrough >= 0 && id > legacyThrough) {
                            withoutMac(id, null, at);
                        }
                    } else if (!MessageDigest.isEqual(AuditSealer.rowMac(macs, row), stored)) {
                        found(Problem.ROW_CHANGED, id, null, "Audit row " + id + " (written " + when(at) + ") was "
                                + "changed after it was written: it no longer fits its MAC (it is waiting to be "
                                + "sealed).");
                    }
                }
            }
        }

        private void queueEntriesWithoutRows() {
            for (Long id : tx.select(AUDIT_UNSEALED.AUDIT_ID).from(AUDIT_UNSEALED)
                    .whereNotExists(DSL.selectOne().from(AUDIT_LOG).where(AUDIT_LOG.ID.eq(AUDIT_UNSEALED.AUDIT_ID)))
                    .orderBy(AUDIT_UNSEALED.AUDIT_ID).fetch(AUDIT_UNSEALED.AUDIT_ID)) {
                found(Problem.ROW_DELETED_BEFORE_SEALING, id, null, "Audit row " + id + " was deleted before it "
                        + "could be sealed (it was still waiting to be).");
            }
        }

        private void found(Problem problem, Long auditId, Long entry, String words) {
            problems++;
            if (findings.size() < LISTED) {
                findings.add(new Finding(problem, auditId, entry, words));
            }
        }

        private Result result(Instant now) {
            String summary;
            if (problems > 0) {
                summary = "The audit trail does not fit. " + findings.get(0).words()
                        + (problems == 1 ? " Nothing else was found."
                                : " " + number(problems - 1) + " more problem" + (problems == 2 ? "" : "s")
                                + " found after it.");
            } else if (lastEntry < 0 && waiting == 0) {
                summary = "The audit trail is empty: there is nothing to check yet.";
            } else {
                StringBuilder words = new StringBuilder("The audit trail is intact: ").append(number(rowsChecked))
                        .append(rowsChecked == 1 ? " row fits its MAC" : " rows fit their MACs").append(" and the chain");
                if (lastEntry >= 0) {
                    words.append(" (").append(number(lastEntry)).append(lastEntry == 1 ? " entry" : " entries")
                            .append(", the last sealed ").append(when(lastSealedAt)).append(')');
                }
                words.append('.');
                if (legacyRows > 0) {
                    words.append(' ').append(number(legacyRows)).append(legacyRows == 1 ? " row" : " rows")
                            .append(" from before the chain began ").append(legacyRows == 1 ? "was" : "were")
                            .append(" sealed as ").append(legacyRows == 1 ? "it was" : "they were")
                            .append(" then, and ").append(legacyRows == 1 ? "has" : "have").append(" not changed since.");
                }
                if (waiting > 0) {
                    words.append(' ').append(number(waiting)).append(waiting == 1 ? " row" : " rows")
                            .append(" written in the last moments ").append(waiting == 1 ? "is" : "are")
                            .append(" waiting to be sealed.");
                }
                Optional<AuditHeads.Published> latest = headsBySeq.values().stream()
                        .max(Comparator.comparing((AuditHeads.Published h) -> h.head().at()));
                words.append(latest.map(h -> " It agrees with the " + number(headsCompared) + " published "
                        + (headsCompared == 1 ? "head" : "heads") + ", the latest of " + when(h.head().at())
                        + " (entry " + number(h.head().seq()) + ").")
                        .orElse(" No head has been published yet to compare it with."));
                summary = words.toString();
            }
            return new Result(problems == 0, summary, List.copyOf(findings), problems, rowsChecked, lastEntry,
                    legacyRows, waiting, headsCompared, now);
        }
    }

    private static List<Field<?>> both(Field<?>[] first, Field<?>... more) {
        List<Field<?>> fields = new ArrayList<>(List.of(first));
        fields.addAll(List.of(more));
        return fields;
    }

    private static Long auditId(String kind, long auditId) {
        return kind.equals(AuditSealer.START) ? null : auditId;
    }

    private static String number(long n) {
        return String.format(Locale.ENGLISH, "%,d", n);
    }

    private static String when(OffsetDateTime at) {
        return at == null ? "an unknown time" : WHEN.format(at.toInstant());
    }

    private static String when(Instant at) {
        return WHEN.format(at);
    }
}
