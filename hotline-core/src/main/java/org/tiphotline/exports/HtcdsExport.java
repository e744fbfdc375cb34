package org.tiphotline.exports;

import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.tiphotline.db.tables.records.RegistryCaseRecord;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;
import org.tiphotline.registry.CaseStatus;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registry cases as HTCDS v2 rows. The non-identifying export is for any data manager: one row per case with no
 * name, no reference, no exact date or age, and the small-cell rule ({@link SmallCells}) applied to what remains of
 * a person's description. Identifying exports go through {@link ExportRequests}.
 */
@Service
public class HtcdsExport {

    static final String AGE_BAND = "ext_AgeBand";
    static final String COUNTRY_OF_BIRTH = "ext_CountryOfBirth";
    static final String YEAR = "ext_Year";
    static final String REFERRER_TYPE = "ext_ReferrerType";
    static final String TRAFFICKING_SCOPE = "ext_TraffickingScope";
    static final Set<Object> MINOR_BANDS = Set.of("0-11", "12-17");

    /** The columns every export has, in order; none of them names or dates a person exactly. */
    static final List<String> FACT_COLUMNS;

    static {
        List<String> columns = new ArrayList<>(List.of(HtcdsLists.GENDER, AGE_BAND, HtcdsLists.CITIZENSHIP,
                COUNTRY_OF_BIRTH, HtcdsLists.EVENT_COUNTRY, HtcdsLists.EVENT_STATE, YEAR,
                HtcdsLists.TRAFFICKING_STATUS, HtcdsLists.CASE_STATUS, HtcdsLists.TYPE_OF_EXPLOITATION,
                HtcdsLists.TYPE_OF_SEX_EXPLOITATION, HtcdsLists.FORCED_LABOUR_INDUSTRY,
                HtcdsLists.METHOD_OF_RECRUITMENT, HtcdsLists.ORGANISATION_TYPE, REFERRER_TYPE, TRAFFICKING_SCOPE));
        columns.addAll(HtcdsLists.METHODS_OF_CONTROL);
        FACT_COLUMNS = List.copyOf(columns);
    }

    /**
     * Which cases: registered (created) from one day to another, inclusive, optionally in one status. Cases merged
     * into others are never exported twice.
     */
    public record Scope(LocalDate registeredFrom, LocalDate registeredTo, CaseStatus status) {

        public Scope {
            if (registeredFrom == null || registeredTo == null) {
                throw new IllegalArgumentException("say from which day to which day cases were registered (from, to)");
            }
            if (registeredTo.isBefore(registeredFrom)) {
                throw new IllegalArgumentException("'to' cannot be before 'from'");
            }
            if (registeredFrom.plusYears(20).isBefore(registeredTo)) {
                throw new IllegalArgumentException("export at most 20 years at once");
            }
        }
    }

    private static final TypeReference<TreeMap<String, Object>> DETAILS = new TypeReference<>() {};
    private static final int MAX_ROWS = 100_000;

    private final DSLContext db;
    private final JurisdictionSettings jurisdiction;
    private final ExportSettings settings;
    private final JsonMapper json = JsonMapper.builder().build();

    public HtcdsExport(DSLContext db, JurisdictionSettings jurisdiction, ExportSettings settings) {
        this.db = db;
        this.jurisdiction = jurisdiction;
        this.settings = settings;
    }

    /** The non-identifying export of the cases in scope, written as CSV or JSON. */
    public ExportFile nonIdentifying(Actor actor, Scope scope, ExportFormat format) {
        requireDataManager(actor);
        Condition where = REGISTRY_CASE.MERGED_INTO.isNull()
                .and(REGISTRY_CASE.CREATED_AT.ge(scope.registeredFrom().atStartOfDay().atOffset(ZoneOffset.UTC)))
                .and(REGISTRY_CASE.CREATED_AT.lt(scope.registeredTo().plusDays(1).atStartOfDay()
                        .atOffset(ZoneOffset.UTC)));
        if (scope.status() != null) {
            where = where.and(REGISTRY_CASE.STATUS.eq(scope.status().name()));
        }
        List<RegistryCaseRecord> cases = db.selectFrom(REGISTRY_CASE).where(where)
                .orderBy(REGISTRY_CASE.CREATED_AT, REGISTRY_CASE.ID).limit(MAX_ROWS + 1).fetch();
        if (cases.size() > MAX_ROWS) {
            throw new IllegalArgumentException("more than " + MAX_ROWS + " cases in scope; export a shorter period");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        cases.forEach(r -> rows.add(facts(r)));
        SmallCells.Result protectedRows = SmallCells.protect(rows, settings.smallCellThreshold());
        List<String> columns = new ArrayList<>(FACT_COLUMNS);
        columns.add(SmallCells.SUPPRESSED);
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("identifying", false);
        notice.put("registeredFrom", scope.registeredFrom().toString());
        notice.put("registeredTo", scope.registeredTo().toString());
        notice.put("status", scope.status() == null ? "any" : scope.status().name());
        notice.put("smallCellThreshold", settings.smallCellThreshold());
        notice.put("rule", "every row shares its gender, age band, citizenship, country of birth, place and year with "
                + "at least " + (settings.smallCellThreshold() - 1) + " other rows; values were suppressed or "
                + "generalised (year, country of birth, citizenship, place, age band to 0-17/18+, age band, gender, in "
                + "that order) until they do, and each row's ext_Suppressed lists what was");
        notice.put("rowsWithheld", protectedRows.withheld() == 0 ? "none"
                : protectedRows.withheld() >= settings.smallCellThreshold() ? String.valueOf(protectedRows.withheld())
                        : "fewer than " + settings.smallCellThreshold());
        ExportTable table = new ExportTable("non-identifying", columns, protectedRows.rows(), notice);
        return format.write(table, "htcds-cases-" + scope.registeredFrom() + "-" + scope.registeredTo());
    }

    /** Cases by id, for an identifying export: in reference order, any id that is no longer a case left out. */
    List<RegistryCaseRecord> cases(Collection<UUID> ids) {
        return db.selectFrom(REGISTRY_CASE).where(REGISTRY_CASE.ID.in(ids)).orderBy(REGISTRY_CASE.REFERENCE).fetch();
    }

    /** One case's non-identifying HTCDS columns at full detail (age band, year), before any small-cell rule. */
    Map<String, Object> facts(RegistryCaseRecord r) {
        Map<String, Object> details = json.readValue(r.getDetails().data(), DETAILS);
        Map<String, Object> row = new LinkedHashMap<>();
        FACT_COLUMNS.forEach(c -> row.put(c, null));
        Map<String, Set<String>> multi = new LinkedHashMap<>();
        put(row, multi, "sex", r.getSex());
        row.put(AGE_BAND, ageBand(r.getAge() == null ? null : r.getAge().intValue()));
        row.put(HtcdsLists.CITIZENSHIP, r.getCitizenship());
        row.put(COUNTRY_OF_BIRTH, r.getCountryOfBirth());
        row.put(HtcdsLists.EVENT_COUNTRY, jurisdiction.country());
        row.put(HtcdsLists.EVENT_STATE, r.getPlace());
        row.put(YEAR, r.getPeriodFrom() == null ? null : String.valueOf(r.getPeriodFrom().getYear()));
        row.put(HtcdsLists.TRAFFICKING_STATUS, HtcdsMapping.UNDECIDED);
        put(row, multi, "votDecision", r.getVotDecision());
        put(row, multi, "status", r.getStatus());
        for (String code : r.getExploitationTypes()) {
            put(row, multi, "exploitationTypes", code);
        }
        if (details.get("activities") instanceof List<?> activities) {
            activities.forEach(code -> put(row, multi, "activities", String.valueOf(code)));
        }
        if (details.get("recruitmentContact") instanceof String code) {
            put(row, multi, "recruitmentContact", code);
        }
        if (details.get("referrerType") instanceof String code) {
            put(row, multi, "referrerType", code);
            row.put(REFERRER_TYPE, code);
        }
        put(row, multi, "traffickingScope", r.getTraffickingScope());
        meansOfControl(row, details);
        multi.forEach((field, codes) -> row.put(field, ordered(field, codes)));
        return row;
    }

    public static String ageBand(Integer age) {
        if (age == null) {
            return null;
        }
        return age < 12 ? "0-11" : age < 18 ? "12-17" : age < 25 ? "18-24" : age < 35 ? "25-34" : age < 50 ? "35-49"
                : "50+";
    }

    static void requireDataManager(Actor actor) {
        if (!actor.is(Role.DATA_MANAGER, Role.DATA_MANAGEMENT_LEADER)) {
            throw new SecurityException("exports are for data managers and the data management leader");
        }
    }

    private static final Set<String> MULTI_SELECT = Set.of(HtcdsLists.TYPE_OF_EXPLOITATION,
            HtcdsLists.TYPE_OF_SEX_EXPLOITATION, HtcdsLists.FORCED_LABOUR_INDUSTRY);

    private static void put(Map<String, Object> row, Map<String, Set<String>> multi, String field, String code) {
        if (code == null) {
            return;
        }
        for (HtcdsMapping.Value v : HtcdsMapping.map(field, code)) {
            if (MULTI_SELECT.contains(v.field())) {
                multi.computeIfAbsent(v.field(), f -> new LinkedHashSet<>()).add(v.code());
            } else {
                row.put(v.field(), v.code());
            }
        }
    }

    /** Multi-select values in the order of their HTCDS list, so equal rows read the same. */
    private static List<String> ordered(String field, Set<String> codes) {
        List<String> list = HtcdsLists.PICKLISTS.get(field);
        return list.stream().filter(codes::contains).toList();
    }

    /**
     * Each HTCDS methods-of-control field is yes if any of our means mapped to it was used in either phase, no only
     * if every one of them was asked and answered "not used", and empty otherwise: an unasked question is not a no.
     */
    private static void meansOfControl(Map<String, Object> row, Map<String, Object> details) {
        Map<String, List<Boolean>> answers = new LinkedHashMap<>();
        HtcdsMapping.MEANS_OF_CONTROL.forEach((ours, htcds) -> {
            Boolean used = details.get(ours) instanceof List<?> whoBy && !whoBy.isEmpty()
                    ? !whoBy.equals(List.of("NOT_USED")) : null;
            answers.computeIfAbsent(htcds, f -> new ArrayList<>()).add(used);
        });
        answers.forEach((field, used) -> {
            if (used.contains(Boolean.TRUE)) {
                row.put(field, "TRUE");
            } else if (!used.contains(null)) {
                row.put(field, "FALSE");
            }
        });
    }
}
