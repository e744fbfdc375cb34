package org.tiphotline.registry;

import static org.tiphotline.db.Tables.CASE_CONSENT;

import java.util.List;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.AuditTrail;

/**
 * Consent answers recorded before V19 kept who asked in clear in {@code case_consent.asked_by}. The migration
 * cannot encrypt them (the database never holds a key), so the application does it once it starts: each becomes an
 * encrypted answer row, the current answer points at it and the clear column is emptied, in one transaction per
 * answer with its audit row. Safe to run again; a later start finishes what a failed one left.
 */
@Component
class ConsentSealing {

    /** Who the audit trail names for sealing: no person does it. */
    static final String ACTOR = "consent-sealing";

    private static final Logger log = LoggerFactory.getLogger(ConsentSealing.class);

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Registry registry;
    private final AuditTrail audit;

    ConsentSealing(DSLContext db, TransactionTemplate tx, Registry registry, AuditTrail audit) {
        this.db = db;
        this.tx = tx;
        this.registry = registry;
        this.audit = audit;
    }

    @EventListener(ContextRefreshedEvent.class)
    void onStart() {
        try {
            int sealed = seal();
            if (sealed > 0) {
                log.info("sealed {} consent answers recorded before their askers were encrypted", sealed);
            }
        } catch (RuntimeException e) {
            // Starting matters more: the rows stay readable as they were, and the next start tries again.
            log.warn("consent answers not sealed yet: {}", e.getClass().getSimpleName());
        }
    }

    /** Seals every answer still holding who asked in clear; returns how many. */
    int seal() {
        int sealed = 0;
        List<org.jooq.Record2<java.util.UUID, String>> legacy;
        do {
            legacy = db.select(CASE_CONSENT.CASE_ID, CASE_CONSENT.QUESTION).from(CASE_CONSENT)
                    .where(CASE_CONSENT.ASKED_BY.isNotNull()).limit(200).fetch();
            for (var key : legacy) {
                Boolean done = tx.execute(status -> {
                    var row = db.selectFrom(CASE_CONSENT).where(CASE_CONSENT.CASE_ID.eq(key.value1()))
                            .and(CASE_CONSENT.QUESTION.eq(key.value2())).and(CASE_CONSENT.ASKED_BY.isNotNull())
                            .forUpdate().fetchOptional().orElse(null);
                    if (row == null) {
                        return false;
                    }
                    CaseId id = new CaseId(row.getCaseId());
                    var answer = registry.records.insertAnswer(id, row.getQuestion(), row.getAnswer(), row.getAskedBy(),
                            row.getAskedOn(), new OperatorId(row.getRecordedBy()), row.getRecordedAt().toInstant(),
                            null);
                    registry.records.makeCurrent(id, row.getQuestion(), answer);
                    audit.record(ACTOR, AuditTrail.Action.CHANGE, "registry_case", id,
                            List.of("consent." + row.getQuestion()));
                    return true;
                });
                if (Boolean.TRUE.equals(done)) {
                    sealed++;
                }
            }
        } while (legacy.size() == 200);
        return sealed;
    }
}
