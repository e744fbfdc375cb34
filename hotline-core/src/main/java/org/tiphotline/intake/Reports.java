package org.tiphotline.intake;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.TableField;
import org.springframework.stereotype.Repository;
import org.tiphotline.calls.CallId;
import org.tiphotline.db.tables.records.HotlineReportRecord;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.protection.FieldCipher;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored hotline reports. Statistical fields are typed columns; personal fields are one encrypted JSON object,
 * bound to its row so it cannot be replayed onto another report.
 */
@Repository
class Reports {

    private static final TypeReference<TreeMap<String, String>> PERSONAL = new TypeReference<>() {};
    private static final TypeReference<TreeMap<String, HotlineReport.Refused>> REFUSED = new TypeReference<>() {};
    private static final TypeReference<TreeMap<String, Integer>> VERSIONS = new TypeReference<>() {};

    private static final Map<String, TableField<HotlineReportRecord, ?>> COLUMNS = Map.ofEntries(
            Map.entry("situation", HOTLINE_REPORT.SITUATION),
            Map.entry(HotlineForm.DANGER, HOTLINE_REPORT.DANGER_NOW),
            Map.entry("periodFrom", HOTLINE_REPORT.PERIOD_FROM),
            Map.entry("periodTo", HOTLINE_REPORT.PERIOD_TO),
            Map.entry("place", HOTLINE_REPORT.PLACE),
            Map.entry("registeredOn", HOTLINE_REPORT.REGISTERED_ON),
            Map.entry("victimSex", HOTLINE_REPORT.VICTIM_SEX),
            Map.entry("victimAge", HOTLINE_REPORT.VICTIM_AGE),
            Map.entry("victimCountryOfBirth", HOTLINE_REPORT.VICTIM_COUNTRY_OF_BIRTH),
            Map.entry("victimDescriptors", HOTLINE_REPORT.VICTIM_DESCRIPTORS),
            Map.entry("traffickingTypes", HOTLINE_REPORT.TRAFFICKING_TYPES),
            Map.entry("reportedTo", HOTLINE_REPORT.REPORTED_TO),
            Map.entry("anonymous", HOTLINE_REPORT.ANONYMOUS),
            Map.entry("callerSex", HOTLINE_REPORT.CALLER_SEX),
            Map.entry("contactConsent", HOTLINE_REPORT.CONTACT_CONSENT),
            Map.entry("shareConsent", HOTLINE_REPORT.SHARE_CONSENT),
            Map.entry("peopleInvolved", HOTLINE_REPORT.PEOPLE_INVOLVED),
            Map.entry(HotlineForm.EARLIER_REFERENCE, HOTLINE_REPORT.EARLIER_REFERENCE));

    private final DSLContext db;
    private final FieldCipher cipher;
    private final JsonMapper json = JsonMapper.builder().build();

    Reports(DSLContext db, FieldCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    Optional<HotlineReportRecord> forCall(CallId call) {
        return db.selectFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.CALL_ID.eq(call.value())).forUpdate()
                .fetchOptional();
    }

    HotlineReportRecord insertDraft(ReportId id, CallId call, OperatorId operator, Instant now) {
        HotlineReportRecord draft = db.newRecord(HOTLINE_REPORT)
                .setId(id.value()).setCallId(call.value()).setOperatorId(operator.value())
                .setStatus(HotlineReport.Status.DRAFT.name()).setVersion(0)
                .setRegisteredOn(LocalDate.ofInstant(now, ZoneOffset.UTC))
                .setCreatedAt(utc(now)).setUpdatedAt(utc(now));
        draft.insert();
        return draft;
    }

    Optional<HotlineReportRecord> lock(ReportId id) {
        return db.selectFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.eq(id.value())).forUpdate().fetchOptional();
    }

    /** The draft locked for a change by its own operator; anyone else is told it does not exist. */
    HotlineReportRecord editable(ReportId id, org.tiphotline.operators.Actor actor) {
        HotlineReportRecord report = lock(id).filter(r -> r.getOperatorId() == actor.id().value())
                .orElseThrow(() -> new ReportNotFound(id));
        if (!report.getStatus().equals(HotlineReport.Status.DRAFT.name())) {
            throw new ReportAlreadySubmitted(id);
        }
        return report;
    }

    Optional<HotlineReportRecord> find(ReportId id) {
        return db.selectFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.eq(id.value())).fetchOptional();
    }

    List<HotlineReportRecord> drafts(OperatorId operator) {
        return db.selectFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.OPERATOR_ID.eq(operator.value()))
                .and(HOTLINE_REPORT.STATUS.eq(HotlineReport.Status.DRAFT.name()))
                .orderBy(HOTLINE_REPORT.CREATED_AT.desc()).limit(20).fetch();
    }

    String operatorName(long operatorId) {
        return db.select(APP_USER.DISPLAY_NAME).from(APP_USER).where(APP_USER.ID.eq(operatorId))
                .fetchOne(APP_USER.DISPLAY_NAME);
    }

    /** Sets a typed field on the locked record; the caller stores it. Returns whether the value changed. */
    @SuppressWarnings("unchecked")
    boolean setTyped(HotlineReportRecord report, String field, Object value) {
        Field<Object> column = (Field<Object>) COLUMNS.get(field);
        Object stored = value;
        if (value instanceof List<?> list) {
            stored = list.toArray(String[]::new);
        } else if (value instanceof Integer i && (Class<?>) column.getType() == Short.class) {
            stored = i.shortValue();
        } else if (value == null && (Class<?>) column.getType() == String[].class) {
            stored = new String[0];
        }
        if (java.util.Objects.deepEquals(report.get(column), stored)) {
            return false;
        }
        report.set(column, stored);
        return true;
    }

    static boolean isTyped(String field) {
        return COLUMNS.containsKey(field);
    }

    Map<String, String> personal(HotlineReportRecord report) {
        String plain = cipher.decrypt(report.getPersonalEnc(), bound(report));
        return plain == null ? new TreeMap<>() : json.readValue(plain, PERSONAL);
    }

    void setPersonal(HotlineReportRecord report, Map<String, String> personal) {
        report.setPersonalEnc(personal.isEmpty() ? null
                : cipher.encrypt(json.writeValueAsString(new TreeMap<>(personal)), bound(report)));
    }

    /** What the form refused, kept with the draft (field → the text and why), encrypted like the personal fields. */
    Map<String, HotlineReport.Refused> refused(HotlineReportRecord report) {
        String plain = cipher.decrypt(report.getRefusedEnc(), boundRefused(report));
        return plain == null ? new TreeMap<>() : json.readValue(plain, REFUSED);
    }

    void setRefused(HotlineReportRecord report, Map<String, HotlineReport.Refused> refused) {
        report.setRefusedEnc(refused.isEmpty() ? null
                : cipher.encrypt(json.writeValueAsString(new TreeMap<>(refused)), boundRefused(report)));
    }

    /** Each field's version: how many accepted changes it had (absent: none). */
    Map<String, Integer> fieldVersions(HotlineReportRecord report) {
        org.jooq.JSONB stored = report.getFieldVersions();
        return stored == null ? new TreeMap<>() : json.readValue(stored.data(), VERSIONS);
    }

    void setFieldVersions(HotlineReportRecord report, Map<String, Integer> versions) {
        report.setFieldVersions(org.jooq.JSONB.valueOf(json.writeValueAsString(new TreeMap<>(versions))));
    }

    /** Every filled field, typed ones as stored values (lists for code sets). */
    Map<String, Object> values(HotlineReportRecord report, Map<String, String> personal) {
        Map<String, Object> values = new LinkedHashMap<>();
        COLUMNS.forEach((name, column) -> {
            Object v = report.get(column);
            if (v instanceof String[] array) {
                v = Arrays.asList(array);
            } else if (v instanceof Short s) {
                v = s.intValue();
            }
            if (v != null) {
                values.put(name, v);
            }
        });
        values.putAll(personal);
        return values;
    }

    /** PostgreSQL keeps microseconds: truncated here, an answer says exactly what a later read of the row says. */
    static OffsetDateTime utc(Instant at) {
        return at.truncatedTo(java.time.temporal.ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static String bound(HotlineReportRecord report) {
        return "hotline_report.personal:" + report.getId();
    }

    private static String boundRefused(HotlineReportRecord report) {
        return "hotline_report.refused:" + report.getId();
    }

    /**
     * Deletes the draft of a call nobody answered while it is still untouched (version 0, no refused text) and
     * held by {@code operator}: it names no caller and would only sit in their open reports. Returns whether it went.
     */
    boolean deleteUntouchedDraft(CallId call, OperatorId operator) {
        return db.deleteFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.CALL_ID.eq(call.value()))
                .and(HOTLINE_REPORT.OPERATOR_ID.eq(operator.value()))
                .and(HOTLINE_REPORT.STATUS.eq(HotlineReport.Status.DRAFT.name()))
                .and(HOTLINE_REPORT.VERSION.eq(0)).and(HOTLINE_REPORT.REFUSED_ENC.isNull())
                .execute() == 1;
    }
}
