package org.tiphotline.protection.rotation;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.protection.rotation.EncryptedColumns.Column;

/**
 * Moves every encrypted value still under an older AES key to the active one, a batch of rows per transaction.
 * Nothing waits for it: a row is written back only if it still holds the ciphertext that was read (a save that
 * came in between wins, and is under the active key already), readers decrypt with whichever key a row names, and
 * calls keep being taken. What is left to do is read from the data (every ciphertext names its key), so a restart
 * or a crash resumes where the last committed batch left off. Each batch leaves one audit row: which table and
 * column, how many rows, from which key to which; never anything of the contents.
 */
@Component
public class Reencryption {

    /** The audit trail's actor for the rotation's batches. */
    public static final String ACTOR = "system:key-rotation";

    private static final Logger log = LoggerFactory.getLogger(Reencryption.class);

    /** One batch's outcome; {@code last} is the id to continue after, null when the column is done. */
    record Batch(int rewritten, int unreadable, String last) {}

    private final DSLContext db;
    private final FieldCipher cipher;
    private final KeyRing keys;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final int batchSize;
    /** Rows that no key held can decrypt, by column, as of the last walk: the status page names their number. */
    private final Map<String, Integer> unreadable = new ConcurrentHashMap<>();

    public Reencryption(DSLContext db, FieldCipher cipher, KeyRing keys, AuditTrail audit, TransactionTemplate tx,
            @Value("${hotline.protection.rotation.batch:500}") int batchSize) {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("hotline.protection.rotation.batch must be between 1 and 10000");
        }
        this.db = db;
        this.cipher = cipher;
        this.keys = keys;
        this.audit = audit;
        this.tx = tx;
        this.batchSize = batchSize;
    }

    /**
     * Walks every encrypted column once, re-encrypting what is under another key, until done or until
     * {@code keepGoing} says stop (this node no longer leads, the application stops). Returns the rows rewritten.
     */
    public long run(BooleanSupplier keepGoing) {
        long rewritten = 0;
        for (Column column : EncryptedColumns.ALL) {
            int unreadableHere = 0;
            String after = null;
            do {
                if (!keepGoing.getAsBoolean()) {
                    return rewritten;
                }
                Batch batch = batch(column, after);
                rewritten += batch.rewritten();
                unreadableHere += batch.unreadable();
                after = batch.last();
            } while (after != null);
            if (unreadableHere > 0) {
                unreadable.put(column.name(), unreadableHere);
            } else {
                unreadable.remove(column.name());
            }
        }
        return rewritten;
    }

    /** Rows that no key held could decrypt at the last walk, by column ("hotline_report.personal_enc"). */
    public Map<String, Integer> unreadable() {
        return Map.copyOf(unreadable);
    }

    /** Up to one batch of {@code column}'s rows under another key, after id {@code after} (null: from the start). */
    Batch batch(Column column, String after) {
        byte[] header = FieldCipher.headerOf(keys.activeKeyId());
        String c = column.column();
        String sql = "select " + column.idColumn() + "::text as id, " + c + " as enc from " + column.qualifiedTable()
                + " where " + c + " is not null and substring(" + c + " from 1 for " + header.length + ") <> ?"
                + (after == null ? "" : " and " + column.idColumn() + " > cast(? as " + column.idType() + ")")
                + " order by " + column.idColumn() + " limit " + batchSize;
        return tx.execute(status -> {
            List<Record> rows = after == null ? db.fetch(sql, header) : db.fetch(sql, header, after);
            if (rows.isEmpty()) {
                return new Batch(0, 0, null);
            }
            List<Object[]> updates = new ArrayList<>(rows.size());
            Set<String> from = new TreeSet<>();
            int bad = 0;
            for (Record row : rows) {
                String id = row.get("id", String.class);
                byte[] old = row.get("enc", byte[].class);
                try {
                    updates.add(new Object[] {cipher.reencrypt(old, column.boundPrefix() + id), id, old});
                    from.add(String.valueOf(FieldCipher.keyIdOf(old)));
                } catch (IllegalStateException e) {
                    // Names the row, never its contents: ids are not personal data.
                    log.warn("key rotation: {} of row {} cannot be decrypted with any key held: {}", column.name(),
                            id, e.getMessage());
                    bad++;
                }
            }
            int rewritten = write(column, updates);
            if (rewritten > 0) {
                audit.record(ACTOR, AuditTrail.Action.CHANGE, column.table(), "key rotation batch",
                        List.of(c), Map.of("rows", rewritten,
                                "key", Map.of("before", String.join(",", from), "after", keys.activeKeyId())));
            }
            String last = rows.size() < batchSize ? null : rows.getLast().get("id", String.class);
            return new Batch(rewritten, bad, last);
        });
    }

    /** Writes each row back only if it still holds what was read: a save in between keeps its own value. */
    private int write(Column column, List<Object[]> updates) {
        if (updates.isEmpty()) {
            return 0;
        }
        String sql = "update " + column.qualifiedTable() + " set " + column.column() + " = ? where "
                + column.idColumn() + " = cast(? as " + column.idType() + ") and " + column.column() + " = ?";
        return db.connectionResult(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                for (Object[] u : updates) {
                    update.setBytes(1, (byte[]) u[0]);
                    update.setString(2, (String) u[1]);
                    update.setBytes(3, (byte[]) u[2]);
                    update.addBatch();
                }
                int n = 0;
                for (int count : update.executeBatch()) {
                    n += Math.max(count, 0);
                }
                return n;
            }
        });
    }
}
