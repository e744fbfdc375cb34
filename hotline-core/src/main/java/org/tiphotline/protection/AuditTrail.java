package org.tiphotline.protection;

import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record3;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who read, created, changed or exported which record's personal data. Callers must already be in the
 * transaction that performs the access, so that the access and its audit row commit or fail together.
 *
 * <p>Each row carries a random nonce and an HMAC of its whole content, id and time included, under the audit key
 * ({@link AuditMacs#row}), which the database does not hold: a row changed or written later by someone with the
 * database's rights alone no longer fits its MAC. The id and the time are drawn from PostgreSQL first (one more round
 * trip, no lock: each writer draws its own id from the sequence), so that the MAC covers them; the changes are
 * MACed as PostgreSQL's {@code jsonb} prints them, which is how they are read back. Linking the rows into a chain is
 * the {@link AuditSealer}'s, after they commit.
 */
@Component
public class AuditTrail {

    public enum Action { READ, CREATE, CHANGE, EXPORT }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom NONCES = new SecureRandom();
    /** The audit_log identity's sequence (PostgreSQL's name for it), in the audit table's schema. */
    private static final String SEQUENCE = AUDIT_LOG.getSchema().getName() + ".audit_log_id_seq";

    private final DSLContext db;
    private final AuditMacs macs;

    public AuditTrail(DSLContext db, AuditMacs macs) {
        this.db = db;
        this.macs = macs;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String actor, Action action, String entity, Object entityId, Collection<String> fields) {
        insert(actor, action, entity, entityId, fields, null);
    }

    /**
     * As {@link #record(String, Action, String, Object, Collection)}, with what each field was before and is after
     * ({@code {"role": {"before": ..., "after": ...}}}). For records that hold no personal data (accounts): the
     * values are written as given, so a caller must never pass a password or its hash.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String actor, Action action, String entity, Object entityId, Collection<String> fields,
            Map<String, ?> changes) {
        insert(actor, action, entity, entityId, fields, JSON.writeValueAsString(changes));
    }

    private void insert(String actor, Action action, String entity, Object entityId, Collection<String> fields,
            String changes) {
        Record3<Long, OffsetDateTime, String> drawn = db.select(
                DSL.field("nextval({0})", Long.class, DSL.inline(SEQUENCE)),
                DSL.field("clock_timestamp()", OffsetDateTime.class),
                changes == null ? DSL.inline((String) null) : DSL.field("{0}::jsonb::text", String.class, changes))
                .fetchSingle();
        long id = drawn.value1();
        OffsetDateTime at = drawn.value2();
        String printed = drawn.value3();
        String entityIdText = String.valueOf(entityId);
        String[] fieldNames = fields.toArray(String[]::new);
        byte[] nonce = new byte[16];
        NONCES.nextBytes(nonce);
        db.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.ID, id)
                .set(AUDIT_LOG.AT, at)
                .set(AUDIT_LOG.ACTOR, actor)
                .set(AUDIT_LOG.ACTION, action.name())
                .set(AUDIT_LOG.ENTITY, entity)
                .set(AUDIT_LOG.ENTITY_ID, entityIdText)
                .set(AUDIT_LOG.FIELDS, fieldNames)
                .set(AUDIT_LOG.CHANGES, printed == null ? null : JSONB.valueOf(printed))
                .set(AUDIT_LOG.NONCE, nonce)
                .set(AUDIT_LOG.MAC, macs.row(id, at, actor, action.name(), entity, entityIdText, fieldNames, printed,
                        nonce))
                .execute();
    }
}
