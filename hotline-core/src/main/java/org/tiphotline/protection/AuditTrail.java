package org.tiphotline.protection;

import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.util.Collection;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who read, created, changed or exported which record's personal data. Callers must already be in the
 * transaction that performs the access, so that the access and its audit row commit or fail together.
 */
@Component
public class AuditTrail {

    public enum Action { READ, CREATE, CHANGE, EXPORT }

    private final DSLContext db;

    public AuditTrail(DSLContext db) {
        this.db = db;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String actor, Action action, String entity, Object entityId, Collection<String> fields) {
        db.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.ACTOR, actor)
                .set(AUDIT_LOG.ACTION, action.name())
                .set(AUDIT_LOG.ENTITY, entity)
                .set(AUDIT_LOG.ENTITY_ID, String.valueOf(entityId))
                .set(AUDIT_LOG.FIELDS, fields.toArray(String[]::new))
                .execute();
    }
}
