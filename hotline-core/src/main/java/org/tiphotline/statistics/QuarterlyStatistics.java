package org.tiphotline.statistics;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.OFFLINE_CONTACT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import org.tiphotline.exports.ExportSettings;
import org.tiphotline.exports.HtcdsExport;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.intake.SeedCodes;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;

/**
 * The quarterly table of registry cases: three two-way tables (age band, place and exploitation type, each by
 * sex) with their totals, small cells withheld by {@link CellSuppression}. Only the typed statistical columns are
 * read, never the encrypted ones, so producing it is no access to personal data and needs no audit row. Cases
 * merged into another are left out: the case that carries on is counted.
 */
@Service
public class QuarterlyStatistics {

    public static final String SUPPRESSED = "suppressed";
    public static final String TOTAL = "TOTAL";
    public static final String NOT_RECORDED = "NOT_RECORDED";
    public static final String NO_TYPE_RECORDED = "NONE_RECORDED";
    /** A place outside the jurisdiction's list is not published by name: the field might hold anything. */
    public static final String OTHER_PLACE = "OTHER_PLACE";
    static final List<String> AGE_BANDS = List.of("0-11", "12-17", "18-24", "25-34", "35-49", "50+");
    static final List<String> SEX_COLUMNS = concat(SeedCodes.SEXES, List.of(NOT_RECORDED));
    /**
     * Where a case's first report came from: a call on the hotline's line, a contact the hotline recorded by hand
     * (issue 18: walk-in, backup phone, letter, e-mail, each apart), the online form, a screening form.
     */
    static final List<String> SOURCES = List.of("HOTLINE", "WALK_IN", "BACKUP_PHONE", "LETTER", "EMAIL", "ONLINE",
            "SCREENING", NOT_RECORDED);

    /** One published line: its label and, per column, a count or {@link #SUPPRESSED}. */
    public record Line(String label, Map<String, Object> counts) {}

    public record Table(String name, String title, List<String> columns, List<Line> rows) {}

    public record Report(int year, int quarter, String registeredFrom, String registeredTo, String timeZone,
            int smallCellThreshold, Object cases, List<String> notes, List<Table> tables) {}

    private final DSLContext db;
    private final JurisdictionSettings jurisdiction;
    private final ExportSettings settings;

    public QuarterlyStatistics(DSLContext db, JurisdictionSettings jurisdiction, ExportSettings settings) {
        this.db = db;
        this.jurisdiction = jurisdiction;
        this.settings = settings;
    }

    /** One snapshot for both queries, so the three tables count the same cases. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Report quarter(Actor actor, Quarter quarter) {
        if (!actor.is(Role.DATA_MANAGER, Role.DATA_MANAGEMENT_LEADER)) {
            throw new SecurityException("statistics are for data managers and the data management leader");
        }
        Condition inQuarter = REGISTRY_CASE.MERGED_INTO.isNull()
                .and(REGISTRY_CASE.CREATED_AT.ge(quarter.firstDay().atStartOfDay().atOffset(ZoneOffset.UTC)))
                .and(REGISTRY_CASE.CREATED_AT.lt(quarter.lastDay().plusDays(1).atStartOfDay()
                        .atOffset(ZoneOffset.UTC)));
        int threshold = settings.smallCellThreshold();

        Map<String, Map<String, Long>> byAge = new HashMap<>();
        Map<String, Map<String, Long>> byPlace = new HashMap<>();
        Map<String, Long> casesBySex = new HashMap<>();
        // Grouped by exact age in SQL (at most 121 values), banded here with the exports' own bands.
        for (var r : db.select(REGISTRY_CASE.SEX, REGISTRY_CASE.AGE, REGISTRY_CASE.PLACE, count())
                .from(REGISTRY_CASE).where(inQuarter)
                .groupBy(REGISTRY_CASE.SEX, REGISTRY_CASE.AGE, REGISTRY_CASE.PLACE).fetch()) {
            String sex = r.value1() == null ? NOT_RECORDED : r.value1();
            String band = r.value2() == null ? NOT_RECORDED : HtcdsExport.ageBand(r.value2().intValue());
            String place = r.value3() == null ? NOT_RECORDED
                    : jurisdiction.places().contains(r.value3()) ? r.value3() : OTHER_PLACE;
            long n = r.value4();
            add(byAge, band, sex, n);
            add(byPlace, place, sex, n);
            casesBySex.merge(sex, n, Long::sum);
        }
        Map<String, Map<String, Long>> byType = new HashMap<>();
        Field<String> type = field(name("t", "type"), String.class);
        for (var r : db.select(REGISTRY_CASE.SEX, type, count())
                .from(REGISTRY_CASE, table("unnest(case when cardinality({0}) = 0 then array['" + NO_TYPE_RECORDED
                        + "'] else {0} end)", REGISTRY_CASE.EXPLOITATION_TYPES).as("t", "type"))
                .where(inQuarter).groupBy(REGISTRY_CASE.SEX, type).fetch()) {
            add(byType, r.value2(), r.value1() == null ? NOT_RECORDED : r.value1(), r.value3());
        }

        Map<String, Map<String, Long>> bySource = new HashMap<>();
        for (var r : bySource(inQuarter)) {
            add(bySource, r.value2() == null ? NOT_RECORDED : r.value2(),
                    r.value1() == null ? NOT_RECORDED : r.value1(), r.value3());
        }

        List<String> places = concat(jurisdiction.places(), List.of(OTHER_PLACE, NOT_RECORDED));
        List<Grid> grids = List.of(
                new Grid("ageBand", "Cases by age band and sex", concat(AGE_BANDS, List.of(NOT_RECORDED)), byAge,
                        casesBySex),
                new Grid("place", "Cases by place and sex", places, byPlace, casesBySex),
                new Grid("exploitationType", "Cases by exploitation type and sex (a case with several types counts "
                        + "once in each; the Total line counts cases)",
                        concat(SeedCodes.TRAFFICKING_TYPES, List.of(NO_TYPE_RECORDED)), byType, casesBySex),
                new Grid("source", "Cases by where their first report came from, and sex", SOURCES, bySource,
                        casesBySex));
        suppressTogether(grids, threshold);

        long cases = casesBySex.values().stream().mapToLong(Long::longValue).sum();
        boolean casesWithheld = grids.getFirst().withheld[grids.getFirst().counts.length - 1][SEX_COLUMNS.size()];
        // Read by people on the statistics page and beside the CSV: words, not the codes of the rows.
        List<String> notes = List.of(
                "Cases registered from " + quarter.firstDay() + " to " + quarter.lastDay() + " (UTC). Cases merged "
                        + "into another are not counted; the case that carries on is.",
                "A case with several exploitation types counts once in each of them, so the exploitation type "
                        + "rows add up to more than the cases; that table's Total line counts cases.",
                "Withheld: a count from 1 to " + (threshold - 1) + ", or a count withheld so that no such count "
                        + "can be worked out from the totals. 0 is shown as 0.",
                "Age band: from the age recorded on the case. Other place: a place outside the jurisdiction's "
                        + "list.",
                "Where the first report came from: a call on the hotline's line, a contact the hotline recorded "
                        + "by hand (walk-in, backup phone, letter, e-mail), the online form or a screening form.");
        return new Report(quarter.year(), quarter.quarter(), quarter.firstDay().toString(),
                quarter.lastDay().toString(), "UTC", threshold, casesWithheld ? SUPPRESSED : cases, notes,
                grids.stream().map(Grid::table).toList());
    }

    /**
     * Cases by sex and the channel of their first report (the earliest linked), so each case counts once: a hotline
     * report of a contact recorded by hand counts under its channel, not as a call.
     */
    private org.jooq.Result<org.jooq.Record3<String, String, Integer>> bySource(Condition inQuarter) {
        Field<String> kind = org.jooq.impl.DSL.when(CASE_SOURCE.HOTLINE_REPORT_ID.isNotNull(),
                        org.jooq.impl.DSL.coalesce(OFFLINE_CONTACT.CHANNEL, org.jooq.impl.DSL.inline("HOTLINE")))
                .when(CASE_SOURCE.ONLINE_REPORT_ID.isNotNull(), org.jooq.impl.DSL.inline("ONLINE"))
                .otherwise(org.jooq.impl.DSL.inline("SCREENING")).as("kind");
        org.jooq.Table<?> first = org.jooq.impl.DSL.lateral(db.select(kind).from(CASE_SOURCE)
                .leftJoin(HOTLINE_REPORT).on(HOTLINE_REPORT.ID.eq(CASE_SOURCE.HOTLINE_REPORT_ID))
                .leftJoin(OFFLINE_CONTACT).on(OFFLINE_CONTACT.CALL_ID.eq(HOTLINE_REPORT.CALL_ID))
                .where(CASE_SOURCE.CASE_ID.eq(REGISTRY_CASE.ID))
                .orderBy(CASE_SOURCE.LINKED_AT).limit(1)).as("first_source");
        Field<String> firstKind = first.field("kind", String.class);
        return db.select(REGISTRY_CASE.SEX, firstKind, count()).from(REGISTRY_CASE)
                .leftJoin(first).on(org.jooq.impl.DSL.trueCondition()).where(inQuarter)
                .groupBy(REGISTRY_CASE.SEX, firstKind).fetch();
    }

    /** The report as CSV for spreadsheets: one line per published row, the table's title first. */
    public static String csv(Report report) {
        StringBuilder out = new StringBuilder("table,row,").append(String.join(",", SEX_COLUMNS)).append(',')
                .append(TOTAL).append("\r\n");
        for (Table table : report.tables()) {
            for (Line line : table.rows()) {
                out.append(quote(table.title())).append(',').append(quote(line.label()));
                table.columns().forEach(c -> out.append(',').append(line.counts().get(c)));
                out.append("\r\n");
            }
        }
        return out.toString();
    }

    /**
     * The three tables share their TOTAL line (cases by sex and all cases): an entry withheld in one table is
     * withheld in all, or another table would publish it; suppression is redone until they agree.
     */
    private static void suppressTogether(List<Grid> grids, int threshold) {
        boolean[] shared = new boolean[SEX_COLUMNS.size() + 1];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Grid grid : grids) {
                boolean[][] forced = new boolean[grid.counts.length][shared.length];
                forced[grid.counts.length - 1] = shared.clone();
                grid.withheld = CellSuppression.suppress(grid.counts, threshold, forced);
                boolean[] totals = grid.withheld[grid.counts.length - 1];
                for (int c = 0; c < shared.length; c++) {
                    if (totals[c] && !shared[c]) {
                        shared[c] = true;
                        changed = true;
                    }
                }
            }
        }
    }

    private static final class Grid {
        final String name;
        final String title;
        final List<String> rows;
        final long[][] counts;
        boolean[][] withheld;

        /** Row totals are the sum of the row; the TOTAL line is the cases by sex, which for types is no sum. */
        Grid(String name, String title, List<String> rows, Map<String, Map<String, Long>> counted,
                Map<String, Long> casesBySex) {
            this.name = name;
            this.title = title;
            this.rows = rows;
            int width = SEX_COLUMNS.size();
            counts = new long[rows.size() + 1][width + 1];
            for (int r = 0; r < rows.size(); r++) {
                Map<String, Long> line = counted.getOrDefault(rows.get(r), Map.of());
                for (int c = 0; c < width; c++) {
                    counts[r][c] = line.getOrDefault(SEX_COLUMNS.get(c), 0L);
                    counts[r][width] += counts[r][c];
                }
            }
            for (int c = 0; c < width; c++) {
                counts[rows.size()][c] = casesBySex.getOrDefault(SEX_COLUMNS.get(c), 0L);
                counts[rows.size()][width] += counts[rows.size()][c];
            }
        }

        Table table() {
            List<String> columns = concat(SEX_COLUMNS, List.of(TOTAL));
            List<Line> lines = new ArrayList<>();
            for (int r = 0; r <= rows.size(); r++) {
                Map<String, Object> published = new LinkedHashMap<>();
                for (int c = 0; c < columns.size(); c++) {
                    published.put(columns.get(c), withheld[r][c] ? SUPPRESSED : counts[r][c]);
                }
                lines.add(new Line(r < rows.size() ? rows.get(r) : TOTAL, published));
            }
            return new Table(name, title, columns, List.copyOf(lines));
        }
    }

    private static void add(Map<String, Map<String, Long>> counts, String row, String column, long n) {
        counts.computeIfAbsent(row, k -> new HashMap<>()).merge(column, n, Long::sum);
    }

    private static String quote(String text) {
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
