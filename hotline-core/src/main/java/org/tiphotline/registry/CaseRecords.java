package org.tiphotline.registry;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CASE_CONSENT;
import static org.tiphotline.db.Tables.CASE_CONSENT_ANSWER;
import static org.tiphotline.db.Tables.CASE_EVENT;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.TableField;
import org.springframework.stereotype.Component;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.protection.NameKeys;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every job of the registry shares about one case's rows: who may work on it and its lock, its typed
 * columns, its encrypted personal fields, its consent answers, the reports it is made of, the versions of its
 * fields, and the history every change appends to. Joins the caller's transaction throughout.
 */
@Component
class CaseRecords {

    private static final TypeReference<TreeMap<String, String>> PERSONAL = new TypeReference<>() {};
    static final TypeReference<TreeMap<String, Object>> DETAILS = new TypeReference<>() {};
    private static final TypeReference<TreeMap<String, Integer>> VERSIONS = new TypeReference<>() {};
    private static final TypeReference<TreeMap<String, Registry.Refused>> REFUSED = new TypeReference<>() {};

    static final Map<String, TableField<RegistryCaseRecord, ?>> COLUMNS = Map.ofEntries(
            Map.entry("sex", REGISTRY_CASE.SEX),
            Map.entry("age", REGISTRY_CASE.AGE),
            Map.entry("countryOfBirth", REGISTRY_CASE.COUNTRY_OF_BIRTH),
            Map.entry("citizenship", REGISTRY_CASE.CITIZENSHIP),
            Map.entry("place", REGISTRY_CASE.PLACE),
            Map.entry("periodFrom", REGISTRY_CASE.PERIOD_FROM),
            Map.entry("periodTo", REGISTRY_CASE.PERIOD_TO),
            Map.entry("exploitationTypes", REGISTRY_CASE.EXPLOITATION_TYPES),
            Map.entry("minorAtEntry", REGISTRY_CASE.MINOR_AT_ENTRY),
            Map.entry("votDecision", REGISTRY_CASE.VOT_DECISION),
            Map.entry("traffickingScope", REGISTRY_CASE.TRAFFICKING_SCOPE));

    final DSLContext db;
    final Clock clock;
    private final FieldCipher cipher;
    private final NameKeys nameKeys;
    final JsonMapper json = JsonMapper.builder().build();

    CaseRecords(DSLContext db, Clock clock, FieldCipher cipher, NameKeys nameKeys) {
        this.db = db;
        this.clock = clock;
        this.cipher = cipher;
        this.nameKeys = nameKeys;
    }

    /** Appends to the case's history; joins the caller's transaction. */
    void event(CaseId id, String type, OperatorId by, Map<String, ?> detail) {
        Integer last = db.select(org.jooq.impl.DSL.max(CASE_EVENT.SEQ)).from(CASE_EVENT)
                .where(CASE_EVENT.CASE_ID.eq(id.value())).fetchOne(0, Integer.class);
        db.insertInto(CASE_EVENT)
                .set(CASE_EVENT.CASE_ID, id.value())
                .set(CASE_EVENT.SEQ, last == null ? 1 : last + 1)
                .set(CASE_EVENT.TYPE, type)
                .set(CASE_EVENT.AT, utc(clock.instant()))
                .set(CASE_EVENT.ACTOR, by == null ? null : by.value())
                .set(CASE_EVENT.DETAIL, JSONB.valueOf(json.writeValueAsString(detail)))
                .execute();
    }

    RegistryCaseRecord lockToWork(CaseId id, Actor actor) {
        Registry.requireRegistryUser(actor);
        RegistryCaseRecord r = db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).forUpdate()
                .fetchOptional().orElseThrow(CaseNotFound::new);
        if (!mayWork(r, actor)) {
            throw new SecurityException("only the case's data manager or the data management leader can change it");
        }
        return r;
    }

    static boolean mayWork(RegistryCaseRecord r, Actor actor) {
        return actor.is(Role.DATA_MANAGEMENT_LEADER)
                || actor.is(Role.DATA_MANAGER) && r.getAssignedTo() != null && r.getAssignedTo() == actor.id().value();
    }

    /** Whether this user may read and change the case's personal fields (its data manager, the leader). */
    boolean mayWork(CaseId id, Actor actor) {
        return db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.eq(id.value())).fetchOptional()
                .map(r -> mayWork(r, actor)).orElse(false);
    }

    @SuppressWarnings("unchecked")
    static boolean setTyped(RegistryCaseRecord r, String field, Object value) {
        Field<Object> column = (Field<Object>) (Field<?>) COLUMNS.get(field);
        Object stored = value;
        if (value instanceof List<?> list) {
            stored = list.toArray(String[]::new);
        } else if (value instanceof Integer i && (Class<?>) column.getType() == Short.class) {
            stored = i.shortValue();
        } else if (value == null && (Class<?>) column.getType() == String[].class) {
            stored = new String[0];
        }
        if (Objects.deepEquals(r.get(column), stored)) {
            return false;
        }
        r.set(column, stored);
        return true;
    }

    Map<String, String> personal(RegistryCaseRecord r) {
        String plain = cipher.decrypt(r.getPersonalEnc(), Registry.personalBoundTo(r.getId()));
        return plain == null ? new TreeMap<>() : json.readValue(plain, PERSONAL);
    }

    /** Encrypts the personal fields into the record, and keeps the name keys in step with the names. */
    void storePersonal(RegistryCaseRecord r, Map<String, String> personal) {
        r.setPersonalEnc(personal.isEmpty() ? null
                : cipher.encrypt(json.writeValueAsString(personal), Registry.personalBoundTo(r.getId())));
        r.setNameKeys(nameKeys.of(personal.get("firstNames"), personal.get("familyNames")).toArray(byte[][]::new));
    }

    /** How often each field was changed: a save that was typed over an older one is told, not applied. */
    Map<String, Integer> fieldVersions(RegistryCaseRecord r) {
        return r.getFieldVersions() == null ? new TreeMap<>() : json.readValue(r.getFieldVersions().data(), VERSIONS);
    }

    void storeFieldVersions(RegistryCaseRecord r, Map<String, Integer> versions) {
        r.setFieldVersions(JSONB.valueOf(json.writeValueAsString(versions)));
    }

    /** What the standard format refused and the case keeps (field -> the text and why), all of it, decrypted. */
    Map<String, Registry.Refused> refused(RegistryCaseRecord r) {
        String plain = cipher.decrypt(r.getRefusedEnc(), refusedBoundTo(r.getId()));
        return plain == null ? new TreeMap<>() : json.readValue(plain, REFUSED);
    }

    /** Encrypted like the personal fields: refused text is what someone typed, often about a person. */
    void storeRefused(RegistryCaseRecord r, Map<String, Registry.Refused> refused) {
        r.setRefusedEnc(refused.isEmpty() ? null
                : cipher.encrypt(json.writeValueAsString(new TreeMap<>(refused)), refusedBoundTo(r.getId())));
    }

    private static String refusedBoundTo(UUID caseId) {
        return "registry_case.refused:" + caseId;
    }

    /** The value a data manager sees in one field (typed, detail or personal), as the case view gives it. */
    Object value(RegistryCaseRecord r, String field, Map<String, String> personal) {
        return values(r, personal).get(field);
    }

    Map<String, Object> values(RegistryCaseRecord r, Map<String, String> personal) {
        Map<String, Object> values = new LinkedHashMap<>();
        COLUMNS.forEach((name, column) -> {
            Object v = r.get(column);
            if (v instanceof String[] array) {
                v = array.length == 0 ? null : Arrays.asList(array);
            } else if (v instanceof Short s) {
                v = s.intValue();
            }
            if (v != null) {
                values.put(name, v);
            }
        });
        values.putAll(json.readValue(r.getDetails().data(), DETAILS));
        values.putAll(personal);
        return values;
    }

    Registry.RegistryCase toView(RegistryCaseRecord r, Map<String, String> personal,
            Map<String, Registry.Refused> refused, boolean hidden, List<Registry.Consent> consent) {
        CaseId id = new CaseId(r.getId());
        String assignedName = r.getAssignedTo() == null ? null : db.select(APP_USER.DISPLAY_NAME).from(APP_USER)
                .where(APP_USER.ID.eq(r.getAssignedTo())).fetchOne(APP_USER.DISPLAY_NAME);
        return new Registry.RegistryCase(id, r.getReference(), CaseStatus.valueOf(r.getStatus()),
                r.getAssignedTo() == null ? null : new OperatorId(r.getAssignedTo()), assignedName,
                r.getFormVersion(), r.getVersion(), values(r, personal), fieldVersions(r), refused, hidden, consent,
                sources(id), r.getMergedInto() == null ? null : new CaseId(r.getMergedInto()),
                r.getCreatedAt().toInstant(), r.getUpdatedAt().toInstant());
    }

    /** The reports a case is made of, oldest link first; none of their content. */
    List<Registry.Source> sources(CaseId id) {
        return db.select(CASE_SOURCE.HOTLINE_REPORT_ID, CASE_SOURCE.ONLINE_REPORT_ID,
                        CASE_SOURCE.SCREENING_REPORT_ID, HOTLINE_REPORT.CALL_ID, CASE_SOURCE.LINKED_AT,
                        org.tiphotline.db.Tables.OFFLINE_CONTACT.CHANNEL)
                .from(CASE_SOURCE).leftJoin(HOTLINE_REPORT).on(HOTLINE_REPORT.ID.eq(CASE_SOURCE.HOTLINE_REPORT_ID))
                // A contact recorded by hand (issue 18) is named by its channel: "Hotline – walk-in".
                .leftJoin(org.tiphotline.db.Tables.OFFLINE_CONTACT)
                .on(org.tiphotline.db.Tables.OFFLINE_CONTACT.CALL_ID.eq(HOTLINE_REPORT.CALL_ID))
                .where(CASE_SOURCE.CASE_ID.eq(id.value())).orderBy(CASE_SOURCE.LINKED_AT)
                .fetch(s -> s.value1() != null
                        ? new Registry.Source(CaseSource.Channel.HOTLINE, s.value1(), s.value4(),
                                s.value5().toInstant(), s.value6())
                        : s.value2() != null
                                ? new Registry.Source(CaseSource.Channel.ONLINE, s.value2(), null,
                                        s.value5().toInstant(), null)
                                : new Registry.Source(CaseSource.Channel.SCREENING, s.value3(), null,
                                        s.value5().toInstant(), null));
    }

    /** Stores one consent answer (its asker encrypted, bound to the answer's row); joins the caller's transaction. */
    UUID insertAnswer(CaseId id, String question, boolean answer, String askedBy, LocalDate askedOn,
            OperatorId recordedBy, Instant recordedAt, CaseId mergedFrom) {
        UUID answerId = UUID.randomUUID();
        db.insertInto(CASE_CONSENT_ANSWER)
                .set(CASE_CONSENT_ANSWER.ID, answerId)
                .set(CASE_CONSENT_ANSWER.CASE_ID, id.value())
                .set(CASE_CONSENT_ANSWER.QUESTION, question)
                .set(CASE_CONSENT_ANSWER.ANSWER, answer)
                .set(CASE_CONSENT_ANSWER.ASKED_BY_ENC, cipher.encrypt(askedBy, askedByBoundTo(answerId)))
                .set(CASE_CONSENT_ANSWER.ASKED_ON, askedOn)
                .set(CASE_CONSENT_ANSWER.RECORDED_BY, recordedBy.value())
                .set(CASE_CONSENT_ANSWER.RECORDED_AT, utc(recordedAt))
                .set(CASE_CONSENT_ANSWER.MERGED_FROM, mergedFrom == null ? null : mergedFrom.value())
                .execute();
        return answerId;
    }

    /** Makes a stored answer its question's current one on its case. */
    void makeCurrent(CaseId id, String question, UUID answerId) {
        var a = db.selectFrom(CASE_CONSENT_ANSWER).where(CASE_CONSENT_ANSWER.ID.eq(answerId)).fetchSingle();
        db.insertInto(CASE_CONSENT)
                .set(CASE_CONSENT.CASE_ID, id.value()).set(CASE_CONSENT.QUESTION, question)
                .set(CASE_CONSENT.ANSWER, a.getAnswer()).set(CASE_CONSENT.ASKED_BY, (String) null)
                .set(CASE_CONSENT.ASKED_ON, a.getAskedOn()).set(CASE_CONSENT.RECORDED_BY, a.getRecordedBy())
                .set(CASE_CONSENT.RECORDED_AT, a.getRecordedAt()).set(CASE_CONSENT.ANSWER_ID, answerId)
                .onConflict(CASE_CONSENT.CASE_ID, CASE_CONSENT.QUESTION).doUpdate()
                .set(CASE_CONSENT.ANSWER, a.getAnswer()).set(CASE_CONSENT.ASKED_BY, (String) null)
                .set(CASE_CONSENT.ASKED_ON, a.getAskedOn()).set(CASE_CONSENT.RECORDED_BY, a.getRecordedBy())
                .set(CASE_CONSENT.RECORDED_AT, a.getRecordedAt()).set(CASE_CONSENT.ANSWER_ID, answerId)
                .execute();
    }

    /** Who asked, in clear: for code that has already decided the reader may see it. */
    String askedBy(UUID answerId, byte[] askedByEnc) {
        return cipher.decrypt(askedByEnc, askedByBoundTo(answerId));
    }

    static String askedByBoundTo(UUID answerId) {
        return "case_consent_answer.asked_by:" + answerId;
    }

    /** The current answers, question by question; who asked only when {@code withAskedBy}. */
    List<Registry.Consent> consent(CaseId id, boolean withAskedBy) {
        return db.select(CASE_CONSENT.QUESTION, CASE_CONSENT.ANSWER, CASE_CONSENT.ASKED_BY, CASE_CONSENT.ASKED_ON,
                        CASE_CONSENT.RECORDED_AT, CASE_CONSENT.ANSWER_ID, CASE_CONSENT_ANSWER.ASKED_BY_ENC,
                        CASE_CONSENT_ANSWER.MERGED_FROM)
                .from(CASE_CONSENT).leftJoin(CASE_CONSENT_ANSWER).on(CASE_CONSENT_ANSWER.ID.eq(CASE_CONSENT.ANSWER_ID))
                .where(CASE_CONSENT.CASE_ID.eq(id.value())).orderBy(CASE_CONSENT.QUESTION)
                .fetch(c -> new Registry.Consent(c.value1(), c.value2(), !withAskedBy ? null
                        // A row from before answers were kept encrypted holds the name in clear until it is sealed.
                        : c.value6() == null ? c.value3() : askedBy(c.value6(), c.value7()),
                        c.value4(), c.value5().toInstant(), c.value8() == null ? null : new CaseId(c.value8())));
    }

    /** The escalations about a hotline report or its call when the report joins a case: their state by then. */
    void escalationsSoFar(CaseId id, UUID report) {
        UUID call = db.select(HOTLINE_REPORT.CALL_ID).from(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.eq(report))
                .fetchOne(HOTLINE_REPORT.CALL_ID);
        org.jooq.Condition about = ESCALATION.REPORT_ID.eq(report);
        if (call != null) {
            about = about.or(ESCALATION.CALL_ID.eq(call));
        }
        for (var e : db.selectFrom(ESCALATION).where(about).orderBy(ESCALATION.RAISED_AT).fetch()) {
            Map<String, String> detail = new LinkedHashMap<>();
            detail.put("escalation", e.getId().toString());
            detail.put("agency", e.getAgency());
            detail.put("step", "STATE");
            detail.put("level", e.getLevel());
            detail.put("status", e.getStatus());
            if (e.getOutcomeCode() != null) {
                detail.put("outcome", e.getOutcomeCode());
            }
            event(id, "ESCALATION", null, detail);
        }
    }

    static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
