package org.tiphotline.registry;

import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CASE_CONSENT;
import static org.tiphotline.db.Tables.CASE_CONSENT_ANSWER;
import static org.tiphotline.db.Tables.CASE_DOCUMENT;
import static org.tiphotline.db.Tables.CASE_RELATION;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.records.CaseConsentRecord;
import org.tiphotline.db.tables.records.CaseDocumentRecord;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.protection.AuditTrail;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The same situation reported twice (the same caller on two calls, a public agent and the hotline, an online report
 * about a case already known) must end as one case, or it is duplicated and out of date in two places. This finds
 * the cases a case may be the same as, with the reasons, without reading anyone's name; a data manager decides:
 * merge (two records of the same case: one carries on, the other is closed and points at it, both histories stay)
 * or relate (different cases about the same situation, each pointing at the other).
 */
@Service
public class Duplicates {

    /** Why a case may be the same as another: any of them, in this order. */
    public enum Reason { SAME_CALLER, SIMILAR_NAME, SAME_PLACE_AND_PERIOD }

    public record Candidate(CaseId id, String reference, CaseStatus status, List<Reason> reasons) {}

    /** How far apart two periods may start and still be the same situation. */
    private static final int PERIOD_SLACK_DAYS = 31;

    private static final TypeReference<TreeMap<String, Object>> DETAILS = new TypeReference<>() {};

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Registry registry;
    private final AuditTrail audit;
    private final JsonMapper json = JsonMapper.builder().build();

    public Duplicates(DSLContext db, TransactionTemplate tx, Clock clock, Registry registry, AuditTrail audit) {
        this.audit = audit;
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.registry = registry;
    }

    /** The cases this one may be the same as, with why, most reasons first; merged cases are not candidates. */
    public List<Candidate> candidates(CaseId id, Actor actor) {
        Registry.requireRegistryUser(actor);
        RegistryCaseRecord c = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).fetchOptional()
                .orElseThrow(CaseNotFound::new);
        Map<UUID, List<Reason>> found = new LinkedHashMap<>();
        // One indexed query per reason: an OR of the three would read the whole table at a million cases.
        List<byte[]> callers = db.selectDistinct(CALL.CALLER_HASH).from(CASE_SOURCE)
                .join(HOTLINE_REPORT).on(HOTLINE_REPORT.ID.eq(CASE_SOURCE.HOTLINE_REPORT_ID))
                .join(CALL).on(CALL.ID.eq(HOTLINE_REPORT.CALL_ID))
                .where(CASE_SOURCE.CASE_ID.eq(id.value())).and(CALL.CALLER_HASH.isNotNull())
                .fetch(CALL.CALLER_HASH);
        if (!callers.isEmpty()) {
            add(found, Reason.SAME_CALLER, db.selectDistinct(CASE_SOURCE.CASE_ID).from(CALL)
                    .join(HOTLINE_REPORT).on(HOTLINE_REPORT.CALL_ID.eq(CALL.ID))
                    .join(CASE_SOURCE).on(CASE_SOURCE.HOTLINE_REPORT_ID.eq(HOTLINE_REPORT.ID))
                    .where(CALL.CALLER_HASH.in(callers)).limit(50).fetch(CASE_SOURCE.CASE_ID));
        }
        if (c.getNameKeys() != null && c.getNameKeys().length > 0) {
            add(found, Reason.SIMILAR_NAME, db.select(REGISTRY_CASE.ID).from(REGISTRY_CASE)
                    .where(DSL.condition("{0} && {1}", REGISTRY_CASE.NAME_KEYS, DSL.val(c.getNameKeys(),
                            REGISTRY_CASE.NAME_KEYS)))
                    .and(REGISTRY_CASE.MERGED_INTO.isNull()).limit(50).fetch(REGISTRY_CASE.ID));
        }
        if (c.getPlace() != null && c.getPeriodFrom() != null) {
            var from = c.getPeriodFrom().minusDays(PERIOD_SLACK_DAYS);
            var to = (c.getPeriodTo() != null ? c.getPeriodTo() : c.getPeriodFrom()).plusDays(PERIOD_SLACK_DAYS);
            add(found, Reason.SAME_PLACE_AND_PERIOD, db.select(REGISTRY_CASE.ID).from(REGISTRY_CASE)
                    .where(REGISTRY_CASE.PLACE.eq(c.getPlace()))
                    .and(REGISTRY_CASE.PERIOD_FROM.le(to))
                    .and(DSL.coalesce(REGISTRY_CASE.PERIOD_TO, REGISTRY_CASE.PERIOD_FROM).ge(from))
                    .and(REGISTRY_CASE.MERGED_INTO.isNull()).limit(50).fetch(REGISTRY_CASE.ID));
        }
        found.remove(id.value());
        if (found.isEmpty()) {
            return List.of();
        }
        List<Candidate> candidates = new ArrayList<>();
        db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE, REGISTRY_CASE.STATUS).from(REGISTRY_CASE)
                .where(REGISTRY_CASE.ID.in(found.keySet())).and(REGISTRY_CASE.MERGED_INTO.isNull())
                .forEach(r -> candidates.add(new Candidate(new CaseId(r.value1()), r.value2(),
                        CaseStatus.valueOf(r.value3()), List.copyOf(found.get(r.value1())))));
        candidates.sort((a, b) -> b.reasons().size() - a.reasons().size());
        return candidates;
    }

    /**
     * Merges {@code from} into {@code into}: its reports and documents move to {@code into}, fields {@code into}
     * does not have yet are taken from it, its consent answers are carried over (see {@link #carryConsent}), and it
     * is closed pointing at {@code into}. Each keeps its own history, with the merge and everything it brought in
     * {@code into}'s. Whoever merges must be able to work on both cases.
     */
    public void merge(CaseId from, CaseId into, String note, Actor actor) {
        if (from.equals(into)) {
            throw new IllegalArgumentException("a case cannot be merged into itself");
        }
        String why = note == null || note.isBlank() ? null : note.strip();
        if (why == null || why.length() > 1000) {
            throw new IllegalArgumentException("say why the two are the same case (1-1000 characters)");
        }
        tx.executeWithoutResult(status -> {
            Both both = lockBoth(from, into, actor);
            RegistryCaseRecord source = both.from();
            RegistryCaseRecord target = both.to();
            fillMissing(target, source);
            Map<String, String> personal = registry.records.personal(target);
            List<String> changed = new ArrayList<>();
            registry.records.personal(source).forEach((field, value) -> {
                if (personal.putIfAbsent(field, value) == null) {
                    changed.add(field);
                }
            });
            registry.records.storePersonal(target, personal);
            var now = clock.instant().atOffset(ZoneOffset.UTC);
            target.setVersion(target.getVersion() + 1).setUpdatedAt(now).store();
            db.update(CASE_SOURCE).set(CASE_SOURCE.CASE_ID, into.value()).set(CASE_SOURCE.LINKED_AT, now)
                    .set(CASE_SOURCE.LINKED_BY, actor.id().value())
                    .where(CASE_SOURCE.CASE_ID.eq(from.value())).execute();
            String before = source.getStatus();
            source.setStatus(CaseStatus.CLOSED.name()).setMergedInto(into.value()).setVersion(source.getVersion() + 1)
                    .setUpdatedAt(now).store();
            List<CaseDocumentRecord> documents = db.selectFrom(CASE_DOCUMENT)
                    .where(CASE_DOCUMENT.CASE_ID.eq(from.value())).orderBy(CASE_DOCUMENT.UPLOADED_AT).fetch();
            // A document's content is bound to the document, not to its case: moving it needs no re-encryption.
            db.update(CASE_DOCUMENT).set(CASE_DOCUMENT.CASE_ID, into.value())
                    .where(CASE_DOCUMENT.CASE_ID.eq(from.value())).execute();
            Map<String, Object> intoDetail = new LinkedHashMap<>();
            intoDetail.put("from", from.value());
            intoDetail.put("reference", source.getReference());
            intoDetail.put("note", why);
            intoDetail.put("documentsMoved", documents.size());
            registry.records.event(into, "MERGED_FROM", actor.id(), intoDetail);
            for (CaseDocumentRecord d : documents) {
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("document", d.getId());
                detail.put("kind", d.getKind());
                detail.put("mediaType", d.getMediaType());
                detail.put("sizeBytes", d.getSizeBytes());
                detail.put("mergedFrom", from.value());
                detail.put("mergedFromReference", source.getReference());
                registry.records.event(into, "DOCUMENT", actor.id(), detail);
            }
            int carried = carryConsent(from, source.getReference(), into, actor);
            if (carried > 0) {
                changed.add(Registry.CONSENT_ASKED_BY);
            }
            if (!changed.isEmpty()) {
                audit.record(actor.username(), AuditTrail.Action.CHANGE, "registry_case", into, changed);
            }
            Map<String, Object> fromDetail = new LinkedHashMap<>();
            fromDetail.put("into", into.value());
            fromDetail.put("reference", target.getReference());
            fromDetail.put("statusBefore", before);
            fromDetail.put("note", why);
            fromDetail.put("documentsMoved", documents.size());
            fromDetail.put("consentAnswersCarried", carried);
            registry.records.event(from, "MERGED_INTO", actor.id(), fromDetail);
        });
    }

    /**
     * What a merge does with a consent answer of the closed case, once it is in the kept case's history. Both
     * answers always stay, each with who asked and when; this says which one the kept case now goes by.
     */
    public enum ConsentOutcome {
        /** The kept case had no answer to the question: the closed case's becomes its answer. */
        CARRIED_OVER,
        /** Both said the same: the kept case keeps its own answer (and asker, and date). */
        SAME_AS_KEPT,
        /** The kept case said no, the closed case yes: the no stands. */
        YES_NOT_TAKEN_NO_KEPT,
        /**
         * The kept case said yes, the closed case no: the no becomes the answer. The one exception to "the kept case
         * keeps its answer": a yes that is wrong sends a victim's identity out (identifying exports go by 1.1), which
         * cannot be undone, while a no that is wrong only waits until someone asks the person again and records it.
         */
        NO_REPLACES_YES
    }

    /**
     * Carries the closed case's consent answers over to the kept one: each becomes an answer of {@code into}
     * recorded on {@code from} (same answer, asker, date and recorder), with a CONSENT row in {@code into}'s history
     * saying what came of it ({@link ConsentOutcome}). Returns how many answers came over.
     */
    private int carryConsent(CaseId from, String fromReference, CaseId into, Actor actor) {
        Map<String, CaseConsentRecord> kept = new LinkedHashMap<>();
        db.selectFrom(CASE_CONSENT).where(CASE_CONSENT.CASE_ID.eq(into.value()))
                .forEach(c -> kept.put(c.getQuestion(), c));
        List<CaseConsentRecord> theirs = db.selectFrom(CASE_CONSENT).where(CASE_CONSENT.CASE_ID.eq(from.value()))
                .orderBy(CASE_CONSENT.QUESTION).fetch();
        for (CaseConsentRecord c : theirs) {
            String askedBy = c.getAnswerId() == null ? c.getAskedBy()
                    : registry.records.askedBy(c.getAnswerId(), db.select(CASE_CONSENT_ANSWER.ASKED_BY_ENC)
                            .from(CASE_CONSENT_ANSWER).where(CASE_CONSENT_ANSWER.ID.eq(c.getAnswerId()))
                            .fetchSingle(CASE_CONSENT_ANSWER.ASKED_BY_ENC));
            UUID copy = registry.records.insertAnswer(into, c.getQuestion(), c.getAnswer(), askedBy, c.getAskedOn(),
                    new org.tiphotline.operators.OperatorId(c.getRecordedBy()), c.getRecordedAt().toInstant(), from);
            CaseConsentRecord ours = kept.get(c.getQuestion());
            ConsentOutcome outcome = ours == null ? ConsentOutcome.CARRIED_OVER
                    : ours.getAnswer().equals(c.getAnswer()) ? ConsentOutcome.SAME_AS_KEPT
                    : c.getAnswer() ? ConsentOutcome.YES_NOT_TAKEN_NO_KEPT : ConsentOutcome.NO_REPLACES_YES;
            if (outcome == ConsentOutcome.CARRIED_OVER || outcome == ConsentOutcome.NO_REPLACES_YES) {
                registry.records.makeCurrent(into, c.getQuestion(), copy);
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("question", c.getQuestion());
            detail.put("answer", c.getAnswer());
            detail.put("askedOn", c.getAskedOn().toString());
            detail.put("answerId", copy);
            detail.put("mergedFrom", from.value());
            detail.put("mergedFromReference", fromReference);
            detail.put("outcome", outcome.name());
            detail.put("currentAnswer", outcome == ConsentOutcome.YES_NOT_TAKEN_NO_KEPT ? Boolean.FALSE
                    : outcome == ConsentOutcome.SAME_AS_KEPT ? ours.getAnswer() : c.getAnswer());
            registry.records.event(into, "CONSENT", actor.id(), detail);
        }
        return theirs.size();
    }

    private record Both(RegistryCaseRecord from, RegistryCaseRecord to) {}

    /**
     * Locks two cases to work on both, in one order (so two people merging or moving between the same pair the
     * other way round cannot deadlock), neither of them merged into a third.
     */
    private Both lockBoth(CaseId from, CaseId to, Actor actor) {
        boolean fromFirst = from.value().compareTo(to.value()) < 0;
        RegistryCaseRecord first = registry.records.lockToWork(fromFirst ? from : to, actor);
        RegistryCaseRecord second = registry.records.lockToWork(fromFirst ? to : from, actor);
        Both both = fromFirst ? new Both(first, second) : new Both(second, first);
        if (both.from().getMergedInto() != null || both.to().getMergedInto() != null) {
            throw new IllegalStateException("one of the two cases was merged into another; work on that one");
        }
        return both;
    }

    /**
     * Moves one report of a case to another case, when only that report was about the other situation (a caller who
     * called about two cases, a report linked to the wrong case). Both histories say so. A case's only report is
     * not moved: that is a merge. Whoever moves it must be able to work on both cases.
     */
    public void moveSource(CaseId from, UUID report, CaseId to, String note, Actor actor) {
        if (from.equals(to)) {
            throw new IllegalArgumentException("the report is already in this case");
        }
        String why = note == null || note.isBlank() ? null : note.strip();
        if (why == null || why.length() > 1000) {
            throw new IllegalArgumentException("say why the report belongs to the other case (1-1000 characters)");
        }
        tx.executeWithoutResult(status -> {
            Both both = lockBoth(from, to, actor);
            RegistryCaseRecord source = both.from();
            RegistryCaseRecord target = both.to();
            List<Registry.Source> sources = registry.records.sources(from);
            Registry.Source moving = sources.stream().filter(s -> s.report().equals(report)).findFirst()
                    .orElseThrow(() -> new CaseNotFound("this case has no such report"));
            if (sources.size() == 1) {
                throw new IllegalStateException("this is the case's only report: merge the two cases instead");
            }
            var now = clock.instant().atOffset(ZoneOffset.UTC);
            db.update(CASE_SOURCE).set(CASE_SOURCE.CASE_ID, to.value()).set(CASE_SOURCE.LINKED_AT, now)
                    .set(CASE_SOURCE.LINKED_BY, actor.id().value())
                    .where(switch (moving.channel()) {
                        case HOTLINE -> CASE_SOURCE.HOTLINE_REPORT_ID.eq(report);
                        case ONLINE -> CASE_SOURCE.ONLINE_REPORT_ID.eq(report);
                        case SCREENING -> CASE_SOURCE.SCREENING_REPORT_ID.eq(report);
                    }).and(CASE_SOURCE.CASE_ID.eq(from.value())).execute();
            source.setVersion(source.getVersion() + 1).setUpdatedAt(now).store();
            target.setVersion(target.getVersion() + 1).setUpdatedAt(now).store();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sourceMovedTo", to.value());
            out.put("reference", target.getReference());
            out.put("channel", moving.channel().name());
            out.put("report", report);
            out.put("note", why);
            registry.records.event(from, "CHANGED", actor.id(), out);
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("channel", moving.channel().name());
            in.put("report", report);
            in.put("movedFrom", from.value());
            in.put("movedFromReference", source.getReference());
            in.put("note", why);
            registry.records.event(to, "SOURCE_LINKED", actor.id(), in);
            if (moving.channel() == CaseSource.Channel.HOTLINE) {
                // The escalations of that call concern the case it now belongs to, as when a report first joins one.
                registry.records.escalationsSoFar(to, report);
            }
        });
    }

    /** Two different cases about the same situation point at each other. */
    public void relate(CaseId a, CaseId b, String reason, Actor actor) {
        if (a.equals(b)) {
            throw new IllegalArgumentException("a case cannot be related to itself");
        }
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw new IllegalArgumentException("say how the cases are related (1-500 characters)");
        }
        tx.executeWithoutResult(status -> {
            // b's history gets a row too: hold b as every other change of it does, so its rows stay in order;
            // both in one order, so relating a to b and b to a at once cannot deadlock.
            if (a.value().compareTo(b.value()) < 0) {
                registry.records.lockToWork(a, actor);
                hold(b);
            } else {
                hold(b);
                registry.records.lockToWork(a, actor);
            }
            // PostgreSQL orders uuids as unsigned bytes, Java's compareTo as signed longs: compare the text,
            // which orders like the bytes, so the pair passes the table's case_a < case_b check.
            UUID low = a.value().toString().compareTo(b.value().toString()) < 0 ? a.value() : b.value();
            UUID high = low.equals(a.value()) ? b.value() : a.value();
            int added = db.insertInto(CASE_RELATION).set(CASE_RELATION.CASE_A, low).set(CASE_RELATION.CASE_B, high)
                    .set(CASE_RELATION.REASON, reason.strip()).set(CASE_RELATION.RELATED_BY, actor.id().value())
                    .set(CASE_RELATION.RELATED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                    .onConflictDoNothing().execute();
            if (added == 1) {
                registry.records.event(a, "CHANGED", actor.id(), Map.of("relatedTo", b.value()));
                registry.records.event(b, "CHANGED", actor.id(), Map.of("relatedTo", a.value()));
            }
        });
    }

    private void hold(CaseId id) {
        if (db.selectOne().from(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).forUpdate().fetchOptional()
                .isEmpty()) {
            throw new CaseNotFound();
        }
    }

    /** The cases related to this one: id and reference. */
    public Map<CaseId, String> related(CaseId id) {
        Map<CaseId, String> related = new LinkedHashMap<>();
        db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE).from(CASE_RELATION)
                .join(REGISTRY_CASE).on(REGISTRY_CASE.ID.eq(DSL.when(CASE_RELATION.CASE_A.eq(id.value()),
                        CASE_RELATION.CASE_B).otherwise(CASE_RELATION.CASE_A)))
                .where(CASE_RELATION.CASE_A.eq(id.value()).or(CASE_RELATION.CASE_B.eq(id.value())))
                .forEach(r -> related.put(new CaseId(r.value1()), r.value2()));
        return related;
    }

    /** The typed fields and the section B-E answers {@code target} lacks, from {@code source}. */
    @SuppressWarnings("unchecked")
    private void fillMissing(RegistryCaseRecord target, RegistryCaseRecord source) {
        for (Field<?> f : List.of(REGISTRY_CASE.SEX, REGISTRY_CASE.AGE, REGISTRY_CASE.COUNTRY_OF_BIRTH,
                REGISTRY_CASE.CITIZENSHIP, REGISTRY_CASE.PLACE, REGISTRY_CASE.PERIOD_FROM, REGISTRY_CASE.PERIOD_TO,
                REGISTRY_CASE.MINOR_AT_ENTRY, REGISTRY_CASE.VOT_DECISION, REGISTRY_CASE.TRAFFICKING_SCOPE)) {
            Field<Object> field = (Field<Object>) f;
            if (target.get(field) == null && source.get(field) != null) {
                target.set(field, source.get(field));
            }
        }
        if (target.getPeriodFrom() != null && target.getPeriodTo() != null
                && target.getPeriodTo().isBefore(target.getPeriodFrom())) {
            // Halves of two different periods make no period: keep the one the case already had.
            target.setPeriodTo(null);
        }
        java.util.Set<String> types = new java.util.LinkedHashSet<>(List.of(target.getExploitationTypes()));
        types.addAll(List.of(source.getExploitationTypes()));
        target.setExploitationTypes(types.toArray(String[]::new));
        TreeMap<String, Object> details = json.readValue(target.getDetails().data(), DETAILS);
        json.readValue(source.getDetails().data(), DETAILS).forEach(details::putIfAbsent);
        target.setDetails(JSONB.valueOf(json.writeValueAsString(details)));
    }

    private static void add(Map<UUID, List<Reason>> found, Reason reason, List<UUID> cases) {
        for (UUID c : cases) {
            found.computeIfAbsent(c, k -> new ArrayList<>()).add(reason);
        }
    }
}
