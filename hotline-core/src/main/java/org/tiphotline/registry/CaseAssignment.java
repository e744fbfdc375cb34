package org.tiphotline.registry;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.REGISTRY_CASE;
import static org.tiphotline.registry.CaseRecords.utc;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Role;

/**
 * Who works on a case and where it stands: the data managers a case can be given to, assigning it (the leader
 * anyone, a data manager an unassigned case to themself), and its status, each step in its history.
 */
@Component
class CaseAssignment {

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final CaseRecords records;

    CaseAssignment(DSLContext db, TransactionTemplate tx, CaseRecords records) {
        this.db = db;
        this.tx = tx;
        this.records = records;
    }

    /** The enabled data managers and leaders by name, for the registry's own users to choose from. */
    List<Registry.DataManager> dataManagers(Actor actor) {
        Registry.requireRegistryUser(actor);
        return db.select(APP_USER.USERNAME, APP_USER.DISPLAY_NAME, APP_USER.ROLE).from(APP_USER)
                .where(APP_USER.ENABLED.isTrue())
                .and(APP_USER.ROLE.in(Role.DATA_MANAGER.name(), Role.DATA_MANAGEMENT_LEADER.name()))
                .orderBy(APP_USER.DISPLAY_NAME, APP_USER.USERNAME)
                .fetch(r -> new Registry.DataManager(r.value1(), r.value2(), Role.valueOf(r.value3())));
    }

    void changeStatus(CaseId id, CaseStatus to, String note, Actor actor) {
        if (to == null) {
            throw new IllegalArgumentException("status must be one of " + Arrays.toString(CaseStatus.values()));
        }
        String cleanNote = note == null || note.isBlank() ? null : note.strip();
        if (cleanNote != null && cleanNote.length() > 1000) {
            throw new IllegalArgumentException("the note must be at most 1000 characters");
        }
        tx.executeWithoutResult(status -> {
            RegistryCaseRecord r = records.lockToWork(id, actor);
            CaseStatus from = CaseStatus.valueOf(r.getStatus());
            if (r.getMergedInto() != null) {
                throw new IllegalStateException("this case was merged into another; work on that one");
            }
            if (!from.next().contains(to)) {
                throw new IllegalStateException("a " + from + " case can move to " + from.next() + ", not " + to);
            }
            if (to == CaseStatus.CONFIRMED_VICTIM && !"YES".equals(r.getVotDecision())
                    || to == CaseStatus.NOT_A_VICTIM && !"NO".equals(r.getVotDecision())) {
                throw new IllegalStateException("record the decision (question 18) before the status that follows it");
            }
            if ((to == CaseStatus.CLOSED || from == CaseStatus.CLOSED) && cleanNote == null) {
                throw new IllegalArgumentException("say why in the note when closing or reopening a case");
            }
            r.setStatus(to.name()).setVersion(r.getVersion() + 1).setUpdatedAt(utc(records.clock.instant())).store();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("from", from.name());
            detail.put("to", to.name());
            if (cleanNote != null) {
                detail.put("note", cleanNote);
            }
            records.event(id, "STATUS", actor.id(), detail);
        });
    }

    void assign(CaseId id, OperatorId assignee, Actor actor) {
        Registry.requireRegistryUser(actor);
        tx.executeWithoutResult(status -> {
            RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).forUpdate()
                    .fetchOptional().orElseThrow(CaseNotFound::new);
            boolean leader = actor.is(Role.DATA_MANAGEMENT_LEADER);
            if (!leader && !(r.getAssignedTo() == null && assignee.equals(actor.id()))) {
                throw new SecurityException("only the data management leader assigns cases; a data manager may "
                        + "take an unassigned one");
            }
            String role = db.select(APP_USER.ROLE).from(APP_USER).where(APP_USER.ID.eq(assignee.value()))
                    .and(APP_USER.ENABLED.isTrue()).fetchOne(APP_USER.ROLE);
            if (!Role.DATA_MANAGER.name().equals(role) && !Role.DATA_MANAGEMENT_LEADER.name().equals(role)) {
                throw new IllegalArgumentException("cases are assigned to data managers only");
            }
            r.setAssignedTo(assignee.value()).setVersion(r.getVersion() + 1)
                    .setUpdatedAt(utc(records.clock.instant())).store();
            records.event(id, "ASSIGNED", actor.id(), Map.of("to", assignee.value()));
        });
    }
}
