package org.tiphotline.exports;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CASE_CONSENT;
import static org.tiphotline.db.Tables.EXPORT_REQUEST;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.db.tables.AppUser;
import org.tiphotline.db.tables.records.ExportRequestRecord;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.registry.Registry;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Identifying exports, never by one person alone. A data manager asks for named cases, saying why and for whom; a
 * data management leader who did not ask approves or rejects; only the person who asked downloads the approved
 * file, until the approval expires and at most a set number of times. Each download writes one EXPORT audit row per
 * case, listing the fields that left, in the download's own transaction.
 *
 * <p>Names and other identifying fields go only for cases whose consent question 1.1 (sharing the individual's case
 * data for assistance) is answered yes at the moment of download; the other cases' rows carry neither those fields
 * nor anything that describes the person (gender, age, citizenship, country of birth, place, dates), and say so.
 * Narratives (how the person entered, justifications, remarks) never leave in any export.
 */
@Service
public class ExportRequests {

    public enum Status { PENDING, APPROVED, REJECTED }

    /** An export request as its requester and the leaders see it. */
    public record Request(ExportRequestId id, String requestedBy, String requestedByName, Instant requestedAt,
            String purpose, String recipient, List<String> cases, Status status, String decidedBy, Instant decidedAt,
            String decisionNote, Instant expiresAt, int maxDownloads, int downloads, String decidedByName) {}

    static final String REFERENCE = "cas_Reference";
    static final String IDENTIFYING = "ext_IdentifyingFields";
    static final String AGE = "ext_Age";

    /** Personal fields of the standard format that an identifying export carries, and their columns. */
    static final Map<String, String> PERSONAL_COLUMNS;

    static {
        Map<String, String> personal = new LinkedHashMap<>();
        personal.put("firstNames", HtcdsLists.FIRST_NAME);
        personal.put("familyNames", HtcdsLists.SECOND_NAME);
        personal.put("dateOfBirth", HtcdsLists.BIRTHDATE);
        personal.put("placeOfBirth", "ext_PlaceOfBirth");
        personal.put("lastResidence", "ext_LastResidence");
        personal.put("identityDocument", "ext_IdentityDocument");
        personal.put("ethnicity", "ext_Ethnicity");
        personal.put("languages", "ext_Languages");
        personal.put("guardians", "ext_Guardians");
        PERSONAL_COLUMNS = Map.copyOf(personal);
    }

    private static final List<String> PERSONAL_ORDER = List.of("firstNames", "familyNames", "dateOfBirth",
            "placeOfBirth", "lastResidence", "identityDocument", "ethnicity", "languages", "guardians");
    private static final List<String> DESCRIBING = List.of(HtcdsLists.GENDER, HtcdsExport.AGE_BAND,
            HtcdsLists.CITIZENSHIP, HtcdsExport.COUNTRY_OF_BIRTH, HtcdsLists.EVENT_STATE, HtcdsExport.YEAR);
    private static final TypeReference<TreeMap<String, String>> PERSONAL = new TypeReference<>() {};

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final HtcdsExport export;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final ExportSettings settings;
    private final JsonMapper json = JsonMapper.builder().build();

    public ExportRequests(DSLContext db, TransactionTemplate tx, Clock clock, HtcdsExport export, FieldCipher cipher,
            AuditTrail audit, ExportSettings settings) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.export = export;
        this.cipher = cipher;
        this.audit = audit;
        this.settings = settings;
    }

    /**
     * A data manager (or the leader) asks to export named cases with their identifying fields. Only cases the
     * requester may work on (their own, or any for the leader) can be asked for.
     */
    public Request request(Actor actor, List<String> references, String purpose, String recipient) {
        HtcdsExport.requireDataManager(actor);
        String cleanPurpose = text(purpose, "purpose", 10, 1000);
        String cleanRecipient = text(recipient, "recipient", 2, 200);
        if (references == null || references.isEmpty() || references.size() > 500) {
            throw new IllegalArgumentException("name between 1 and 500 cases by reference (C-2026-000042)");
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String reference : references) {
            if (reference == null || !reference.strip().matches("C-[0-9]{4}-[0-9]{6,}")) {
                throw new IllegalArgumentException("cases are named by reference, like C-2026-000042");
            }
            wanted.add(reference.strip());
        }
        return tx.execute(status -> {
            Map<String, RegistryCaseRecord> found = new LinkedHashMap<>();
            db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.REFERENCE.in(wanted)).orderBy(REGISTRY_CASE.REFERENCE)
                    .forEach(r -> found.put(r.getReference(), r));
            List<String> missing = wanted.stream().filter(w -> !found.containsKey(w)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("not in the registry: " + String.join(", ", first(missing)));
            }
            List<String> merged = found.values().stream().filter(r -> r.getMergedInto() != null)
                    .map(RegistryCaseRecord::getReference).toList();
            if (!merged.isEmpty()) {
                throw new IllegalArgumentException("merged into other cases (ask for those instead): "
                        + String.join(", ", first(merged)));
            }
            if (!actor.is(Role.DATA_MANAGEMENT_LEADER)) {
                List<String> notYours = found.values().stream().filter(r -> r.getAssignedTo() == null
                        || r.getAssignedTo() != actor.id().value()).map(RegistryCaseRecord::getReference).toList();
                if (!notYours.isEmpty()) {
                    throw new SecurityException("you can ask for identifying exports of your own cases only; not "
                            + "assigned to you: " + String.join(", ", first(notYours)));
                }
            }
            ExportRequestId id = ExportRequestId.random();
            db.insertInto(EXPORT_REQUEST)
                    .set(EXPORT_REQUEST.ID, id.value())
                    .set(EXPORT_REQUEST.REQUESTED_BY, actor.id().value())
                    .set(EXPORT_REQUEST.REQUESTED_AT, utc(clock.instant()))
                    .set(EXPORT_REQUEST.PURPOSE, cleanPurpose)
                    .set(EXPORT_REQUEST.RECIPIENT, cleanRecipient)
                    .set(EXPORT_REQUEST.CASE_IDS, found.values().stream().map(RegistryCaseRecord::getId)
                            .toArray(UUID[]::new))
                    .set(EXPORT_REQUEST.STATUS, Status.PENDING.name())
                    .set(EXPORT_REQUEST.MAX_DOWNLOADS, (short) settings.maxDownloads())
                    .execute();
            return load(id);
        });
    }

    /** A data management leader who did not ask approves: the requester may download until it expires. */
    public Request approve(Actor actor, ExportRequestId id, String note) {
        return decide(actor, id, Status.APPROVED, note);
    }

    /** A data management leader who did not ask rejects, saying why. */
    public Request reject(Actor actor, ExportRequestId id, String note) {
        if (note == null || note.isBlank()) {
            throw new IllegalArgumentException("say why the export is rejected (note)");
        }
        return decide(actor, id, Status.REJECTED, note);
    }

    private Request decide(Actor actor, ExportRequestId id, Status decision, String note) {
        HtcdsExport.requireDataManager(actor);
        String cleanNote = note == null || note.isBlank() ? null : text(note, "note", 1, 1000);
        if (!actor.is(Role.DATA_MANAGEMENT_LEADER)) {
            throw new SecurityException("only a data management leader approves or rejects identifying exports");
        }
        return tx.execute(status -> {
            ExportRequestRecord r = lockVisible(actor, id);
            if (r.getRequestedBy() == actor.id().value()) {
                throw new SecurityException("nobody decides their own export request: another data management leader "
                        + "must");
            }
            if (!Status.PENDING.name().equals(r.getStatus())) {
                throw new IllegalStateException("this request was already " + r.getStatus().toLowerCase());
            }
            Instant now = clock.instant();
            r.setStatus(decision.name()).setDecidedBy(actor.id().value()).setDecidedAt(utc(now))
                    .setDecisionNote(cleanNote).setVersion(r.getVersion() + 1);
            if (decision == Status.APPROVED) {
                r.setExpiresAt(utc(now.plus(settings.approvalValidFor())));
            }
            r.store();
            return load(id);
        });
    }

    /** The leader sees every request; a data manager their own. Newest first. */
    public List<Request> list(Actor actor) {
        HtcdsExport.requireDataManager(actor);
        var where = actor.is(Role.DATA_MANAGEMENT_LEADER) ? DSL.noCondition()
                : EXPORT_REQUEST.REQUESTED_BY.eq(actor.id().value());
        return db.select(EXPORT_REQUEST.ID).from(EXPORT_REQUEST).where(where)
                .orderBy(EXPORT_REQUEST.REQUESTED_AT.desc(), EXPORT_REQUEST.ID).limit(200)
                .fetch(r -> load(new ExportRequestId(r.value1())));
    }

    public Request view(Actor actor, ExportRequestId id) {
        HtcdsExport.requireDataManager(actor);
        ExportRequestRecord r = db.selectFrom(EXPORT_REQUEST).where(EXPORT_REQUEST.ID.eq(id.value())).fetchOptional()
                .filter(found -> mayView(actor, found)).orElseThrow(ExportRequestNotFound::new);
        return load(new ExportRequestId(r.getId()));
    }

    /**
     * The approved export, for the person who asked, once more: counts the download and writes the audit rows in the
     * same transaction as the file is made, so a failure leaves neither.
     */
    public ExportFile download(Actor actor, ExportRequestId id, ExportFormat format) {
        HtcdsExport.requireDataManager(actor);
        return tx.execute(status -> {
            ExportRequestRecord r = lockVisible(actor, id);
            if (r.getRequestedBy() != actor.id().value()) {
                throw new SecurityException("only the person who asked for this export downloads it");
            }
            switch (Status.valueOf(r.getStatus())) {
                case PENDING -> throw new IllegalStateException("this export is not approved yet");
                case REJECTED -> throw new IllegalStateException("this export was rejected");
                case APPROVED -> { }
            }
            Instant now = clock.instant();
            if (!now.isBefore(r.getExpiresAt().toInstant())) {
                throw new IllegalStateException("the approval expired at " + r.getExpiresAt().toInstant()
                        + "; ask again");
            }
            if (r.getDownloads() >= r.getMaxDownloads()) {
                throw new IllegalStateException("already downloaded " + r.getDownloads()
                        + " times, the most this approval allows; ask again");
            }
            r.setDownloads((short) (r.getDownloads() + 1)).setVersion(r.getVersion() + 1).store();
            ExportTable table = identifyingTable(actor, r);
            return format.write(table, "htcds-identifying-" + id);
        });
    }

    private ExportTable identifyingTable(Actor actor, ExportRequestRecord request) {
        List<RegistryCaseRecord> cases = export.cases(Arrays.asList(request.getCaseIds()));
        Map<UUID, Boolean> consent = new LinkedHashMap<>();
        db.select(CASE_CONSENT.CASE_ID, CASE_CONSENT.ANSWER).from(CASE_CONSENT)
                .where(CASE_CONSENT.CASE_ID.in(Arrays.asList(request.getCaseIds())))
                .and(CASE_CONSENT.QUESTION.eq("1.1"))
                .forEach(c -> consent.put(c.value1(), c.value2()));
        List<String> columns = new ArrayList<>(List.of(REFERENCE, HtcdsLists.CONSENT, IDENTIFYING));
        columns.addAll(HtcdsExport.FACT_COLUMNS);
        columns.addAll(List.of(AGE, HtcdsLists.EVENT_DATE));
        PERSONAL_ORDER.forEach(f -> columns.add(PERSONAL_COLUMNS.get(f)));
        List<Map<String, Object>> rows = new ArrayList<>();
        int withheld = 0;
        for (RegistryCaseRecord r : cases) {
            Map<String, Object> row = new LinkedHashMap<>();
            columns.forEach(c -> row.put(c, null));
            row.putAll(export.facts(r));
            row.put(REFERENCE, r.getReference());
            Boolean answer = consent.get(r.getId());
            row.put(HtcdsLists.CONSENT, answer == null ? null : answer ? "TRUE" : "FALSE");
            if (Boolean.TRUE.equals(answer)) {
                row.put(IDENTIFYING, "INCLUDED");
                row.put(AGE, r.getAge() == null ? null : String.valueOf(r.getAge()));
                row.put(HtcdsLists.EVENT_DATE, r.getPeriodFrom() == null ? null : r.getPeriodFrom().toString());
                String plain = cipher.decrypt(r.getPersonalEnc(), Registry.personalBoundTo(r.getId()));
                Map<String, String> personal = plain == null ? Map.of() : json.readValue(plain, PERSONAL);
                PERSONAL_COLUMNS.forEach((field, column) -> row.put(column, personal.get(field)));
            } else {
                withheld++;
                row.put(IDENTIFYING, "WITHHELD: consent question 1.1 is not answered yes");
                DESCRIBING.forEach(c -> row.put(c, null));
            }
            List<String> sent = new ArrayList<>(row.entrySet().stream().filter(e -> e.getValue() != null)
                    .map(Map.Entry::getKey).toList());
            sent.add("export_request=" + request.getId());
            audit.record(actor.username(), AuditTrail.Action.EXPORT, "registry_case", r.getId(), sent);
            rows.add(row);
        }
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("identifying", true);
        notice.put("exportRequest", request.getId().toString());
        notice.put("purpose", request.getPurpose());
        notice.put("recipient", request.getRecipient());
        notice.put("casesWithIdentifyingFields", rows.size() - withheld);
        notice.put("casesWithoutIdentifyingFields", withheld);
        notice.put("rule", "identifying fields only for cases whose consent question 1.1 is answered yes; the other "
                + "rows carry no identifying or describing field and say so in " + IDENTIFYING + "; share strictly "
                + "for the purpose stated, by secure means");
        return new ExportTable("identifying", columns, rows, notice);
    }

    private ExportRequestRecord lockVisible(Actor actor, ExportRequestId id) {
        return db.selectFrom(EXPORT_REQUEST).where(EXPORT_REQUEST.ID.eq(id.value())).forUpdate().fetchOptional()
                .filter(r -> mayView(actor, r)).orElseThrow(ExportRequestNotFound::new);
    }

    private static boolean mayView(Actor actor, ExportRequestRecord r) {
        return actor.is(Role.DATA_MANAGEMENT_LEADER) || r.getRequestedBy() == actor.id().value();
    }

    private Request load(ExportRequestId id) {
        AppUser requester = APP_USER.as("requester");
        AppUser decider = APP_USER.as("decider");
        Record r = db.select(EXPORT_REQUEST.asterisk(), requester.USERNAME, requester.DISPLAY_NAME, decider.USERNAME,
                        decider.DISPLAY_NAME)
                .from(EXPORT_REQUEST)
                .join(requester).on(requester.ID.eq(EXPORT_REQUEST.REQUESTED_BY))
                .leftJoin(decider).on(decider.ID.eq(EXPORT_REQUEST.DECIDED_BY))
                .where(EXPORT_REQUEST.ID.eq(id.value())).fetchOptional().orElseThrow(ExportRequestNotFound::new);
        List<String> references = db.select(REGISTRY_CASE.REFERENCE).from(REGISTRY_CASE)
                .where(REGISTRY_CASE.ID.in(Arrays.asList(r.get(EXPORT_REQUEST.CASE_IDS))))
                .orderBy(REGISTRY_CASE.REFERENCE).fetch(REGISTRY_CASE.REFERENCE);
        return new Request(id, r.get(requester.USERNAME), r.get(requester.DISPLAY_NAME),
                r.get(EXPORT_REQUEST.REQUESTED_AT).toInstant(), r.get(EXPORT_REQUEST.PURPOSE),
                r.get(EXPORT_REQUEST.RECIPIENT), references, Status.valueOf(r.get(EXPORT_REQUEST.STATUS)),
                r.get(decider.USERNAME), instant(r.get(EXPORT_REQUEST.DECIDED_AT)), r.get(EXPORT_REQUEST.DECISION_NOTE),
                instant(r.get(EXPORT_REQUEST.EXPIRES_AT)), r.get(EXPORT_REQUEST.MAX_DOWNLOADS),
                r.get(EXPORT_REQUEST.DOWNLOADS), r.get(decider.DISPLAY_NAME));
    }

    private static String text(String value, String name, int min, int max) {
        String clean = value == null ? "" : value.strip();
        if (clean.length() < min || clean.length() > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + " characters");
        }
        if (clean.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t')) {
            throw new IllegalArgumentException(name + " contains control characters");
        }
        return clean;
    }

    private static List<String> first(List<String> references) {
        return references.size() <= 10 ? references : List.copyOf(references.subList(0, 10));
    }

    private static Instant instant(OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
