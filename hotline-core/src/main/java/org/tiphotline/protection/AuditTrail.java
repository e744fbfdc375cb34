package org.tiphotline.protection;

import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.util.Collection;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who read, created, changed or exported which record's personal data. Callers must already be in the
 * transaction that performs the access, so that the access and its audit row commit or fail together.
 */
@Component
public class AuditTrail {

    public enum Action { READ, CREATE, CHANGE, EXPORT }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext db;

    public AuditTrail(DSLContext db) {
        this.db = db;
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
        insert(actor, action, entity, entityId, fields, JSONB.valueOf(JSON.writeValueAsString(changes)));
    }

    private void insert(String actor, Action action, String entity, Object entityId, Collection<String> fields,
            JSONB changes) {
        db.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.ACTOR, actor)
                .set(AUDIT_LOG.ACTION, action.name())
                .set(AUDIT_LOG.ENTITY, entity)
                .set(AUDIT_LOG.ENTITY_ID, String.valueOf(entityId))
                .set(AUDIT_LOG.FIELDS, fields.toArray(String[]::new))
                .set(AUDIT_LOG.CHANGES, changes)
                .execute();
    }
}
