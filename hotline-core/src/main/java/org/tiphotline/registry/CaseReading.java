package org.tiphotline.registry;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CASE_CONSENT_ANSWER;
import static org.tiphotline.db.Tables.CASE_EVENT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.intake.FormField;
import org.tiphotline.operators.Actor;
import org.tiphotline.protection.AuditTrail;

/**
 * Reading the registry: the list of cases and a case found by a reference (what names no one), one case with its
 * personal fields for those who may work on it (that read audited), and its history in the words of its events.
 */
@Component
class CaseReading {

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final CaseRecords records;
    private final CaseReceiving receiving;
    private final AuditTrail audit;
    private final CaseForm form;

    CaseReading(DSLContext db, TransactionTemplate tx, CaseRecords records, CaseReceiving receiving,
            AuditTrail audit, CaseForm form) {
        this.form = form;
        this.db = db;
        this.tx = tx;
        this.records = records;
        this.receiving = receiving;
        this.audit = audit;
    }

    Optional<Registry.Summary> find(Actor actor, String reference) {
        Registry.requireRegistryUser(actor);
        return CaseReceiving.canonicalReference(reference).flatMap(receiving::liveCaseOf).flatMap(c -> summaries(
                REGISTRY_CASE.ID.eq(c.id().value()), 1).stream().findFirst());
    }

    List<Registry.Summary> list(Actor actor, CaseStatus status, int limit) {
        Registry.requireRegistryUser(actor);
        var where = REGISTRY_CASE.MERGED_INTO.isNull();
        if (status != null) {
            where = where.and(REGISTRY_CASE.STATUS.eq(status.name()));
        }
        return summaries(where, limit);
    }

    private List<Registry.Summary> summaries(org.jooq.Condition where, int limit) {
        return db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE, REGISTRY_CASE.STATUS, APP_USER.DISPLAY_NAME,
                        REGISTRY_CASE.SEX, REGISTRY_CASE.AGE, REGISTRY_CASE.PLACE, REGISTRY_CASE.EXPLOITATION_TYPES,
                        REGISTRY_CASE.CREATED_AT)
                .from(REGISTRY_CASE).leftJoin(APP_USER).on(APP_USER.ID.eq(REGISTRY_CASE.ASSIGNED_TO))
                .where(where).orderBy(REGISTRY_CASE.CREATED_AT.desc(), REGISTRY_CASE.ID.desc())
                .limit(Math.max(1, Math.min(limit, 500)))
                .fetch(r -> new Registry.Summary(new CaseId(r.value1()), r.value2(), CaseStatus.valueOf(r.value3()),
                        r.value4(), r.value5(), r.value6() == null ? null : r.value6().intValue(), r.value7(),
                        List.of(r.value8()), r.value9().toInstant()));
    }

    Registry.RegistryCase view(CaseId id, Actor actor) {
        Registry.requireRegistryUser(actor);
        return tx.execute(status -> {
            RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value()))
                    .fetchOptional().orElseThrow(CaseNotFound::new);
            boolean mayWork = CaseRecords.mayWork(r, actor);
            Map<String, String> personal = mayWork ? records.personal(r) : Map.of();
            List<Registry.Consent> consent = records.consent(id, mayWork);
            Map<String, Registry.Refused> refused = r.getRefusedEnc() == null ? Map.of() : seenBy(records.refused(r),
                    mayWork);
            List<String> read = new ArrayList<>(personal.keySet());
            refused.keySet().stream().filter(f -> personal(f) && !read.contains(f)).forEach(read::add);
            if (consent.stream().anyMatch(c -> c.askedBy() != null)) {
                read.add(Registry.CONSENT_ASKED_BY);
            }
            if (!read.isEmpty()) {
                audit.record(actor.username(), AuditTrail.Action.READ, "registry_case", id, read);
            }
            return records.toView(r, personal, refused, r.getPersonalEnc() != null && !mayWork, consent);
        });
    }

    /** Refused text of a personal field goes only to whom that field's value would go (need to know). */
    private Map<String, Registry.Refused> seenBy(Map<String, Registry.Refused> refused, boolean mayWork) {
        refused.keySet().removeIf(f -> personal(f) && !mayWork);
        return refused;
    }

    /** A field no longer in the format is treated as personal: shown to no one who may not see the case's. */
    private boolean personal(String field) {
        return form.fields().stream().filter(f -> f.name().equals(field)).findFirst().map(FormField::personal)
                .orElse(true);
    }

    /**
     * The case's history, oldest first. Each consent answer carries who asked it for those who may read the
     * case's personal fields (that read audited); others see that it was answered, and when. Who a case was
     * assigned to and the case it was related to are given by name and reference as well as by id, so that a
     * screen never has to show an id.
     */
    List<Registry.Event> history(CaseId id, Actor actor) {
        Registry.requireRegistryUser(actor);
        return tx.execute(status -> {
            RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value()))
                    .fetchOptional().orElseThrow(CaseNotFound::new);
            List<Registry.Event> events = db.select(CASE_EVENT.SEQ, CASE_EVENT.TYPE, CASE_EVENT.AT,
                            APP_USER.DISPLAY_NAME, CASE_EVENT.DETAIL)
                    .from(CASE_EVENT).leftJoin(APP_USER).on(APP_USER.ID.eq(CASE_EVENT.ACTOR))
                    .where(CASE_EVENT.CASE_ID.eq(id.value())).orderBy(CASE_EVENT.SEQ)
                    .fetch(e -> new Registry.Event(e.value1(), e.value2(), e.value3().toInstant(), e.value4(),
                            records.json.readValue(e.value5().data(), CaseRecords.DETAILS)));
            named(events);
            if (!CaseRecords.mayWork(r, actor) || events.stream().noneMatch(e -> e.detail().containsKey("answerId"))) {
                return events;
            }
            Map<String, String> askers = new HashMap<>();
            db.select(CASE_CONSENT_ANSWER.ID, CASE_CONSENT_ANSWER.ASKED_BY_ENC).from(CASE_CONSENT_ANSWER)
                    .where(CASE_CONSENT_ANSWER.CASE_ID.eq(id.value()))
                    .forEach(a -> askers.put(a.value1().toString(), records.askedBy(a.value1(), a.value2())));
            boolean shown = false;
            for (Registry.Event e : events) {
                String asker = e.detail().get("answerId") instanceof String answer ? askers.get(answer) : null;
                if (asker != null) {
                    e.detail().put("askedBy", asker);
                    shown = true;
                }
            }
            if (shown) {
                audit.record(actor.username(), AuditTrail.Action.READ, "registry_case", id,
                        List.of(Registry.CONSENT_ASKED_BY));
            }
            return events;
        });
    }

    /** The assignee's display name ({@code toName}) and a related case's reference ({@code relatedToReference}). */
    private void named(List<Registry.Event> events) {
        for (Registry.Event e : events) {
            if ("ASSIGNED".equals(e.type()) && e.detail().get("to") instanceof Number to) {
                db.select(APP_USER.DISPLAY_NAME).from(APP_USER).where(APP_USER.ID.eq(to.longValue()))
                        .fetchOptional(APP_USER.DISPLAY_NAME).ifPresent(name -> e.detail().put("toName", name));
            }
            if (e.detail().get("relatedTo") instanceof String other) {
                db.select(REGISTRY_CASE.REFERENCE).from(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(uuid(other)))
                        .fetchOptional(REGISTRY_CASE.REFERENCE)
                        .ifPresent(reference -> e.detail().put("relatedToReference", reference));
            }
        }
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return new UUID(0, 0);
        }
    }
}
