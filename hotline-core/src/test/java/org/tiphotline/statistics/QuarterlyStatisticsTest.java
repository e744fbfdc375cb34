package org.tiphotline.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.REGISTRY_CASE;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.statistics.QuarterlyStatistics.Line;
import org.tiphotline.statistics.QuarterlyStatistics.Report;
import org.tiphotline.statistics.QuarterlyStatistics.Table;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.TestDatabase;

/**
 * The quarterly table over cases written straight into the registry's typed columns (no personal data at all):
 * which cases count, the exploitation types counted once each, and small cells withheld with their complements.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuarterlyStatisticsTest {

    private static final String NORTH = CoreTestConfiguration.PLACES.get(0);
    private static final String SOUTH = CoreTestConfiguration.PLACES.get(1);
    /** References from C-2025-9000001 on: far beyond what the registry's own sequence gives other tests. */
    private static final AtomicInteger NUMBER = new AtomicInteger();

    @Autowired
    private QuarterlyStatistics statistics;
    @Autowired
    private DSLContext db;
    @Autowired
    private Operators operators;

    private Actor dataManager;
    private Actor leader;
    private Actor supervisor;

    @BeforeAll
    void registerCases() {
        TestDatabase.get().reset();
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        leader = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGEMENT_LEADER));
        supervisor = FakeData.actor(FakeData.user(operators, Role.SUPERVISOR));
        // 2025 Q1: no small cell anywhere.
        Instant q1 = Instant.parse("2025-02-10T12:00:00Z");
        UUID first = cases(30, "FEMALE", 20, NORTH, List.of("SEXUAL_EXPLOITATION", "LABOUR"), q1).getFirst();
        cases(20, "FEMALE", 40, SOUTH, List.of("DOMESTIC_LABOUR"), q1);
        cases(1, "FEMALE", 40, SOUTH, List.of("DOMESTIC_LABOUR"), Instant.parse("2025-03-31T23:59:59Z"));
        cases(25, "MALE", 30, SOUTH, List.of("LABOUR"), Instant.parse("2025-01-01T00:00:00Z"));
        cases(12, "MALE", 20, NORTH, List.of("LABOUR"), q1);
        UUID merged = cases(1, "FEMALE", 20, NORTH, List.of("SEXUAL_EXPLOITATION"), q1).getFirst();
        db.update(REGISTRY_CASE).set(REGISTRY_CASE.STATUS, "CLOSED").set(REGISTRY_CASE.MERGED_INTO, first)
                .where(REGISTRY_CASE.ID.eq(merged)).execute();
        // 2025 Q2: four cases, fewer than the threshold.
        cases(4, "FEMALE", 20, NORTH, List.of("LABOUR"), Instant.parse("2025-04-01T00:00:00Z"));
        // 2025 Q3: three boys without a recorded type beside larger groups; unknown sex, age and place.
        Instant q3 = Instant.parse("2025-08-01T00:00:00Z");
        cases(3, "MALE", 15, NORTH, List.of(), q3);
        cases(40, "FEMALE", 25, SOUTH, List.of("BEGGING"), q3);
        cases(12, "MALE", 25, SOUTH, List.of("BEGGING"), q3);
        cases(11, null, null, null, List.of("OTHER"), q3);
    }

    /** The test database is shared: leave no case behind for the registry's own tests to count. */
    @AfterAll
    void removeCases() {
        db.deleteFrom(REGISTRY_CASE).where(REGISTRY_CASE.REFERENCE.like("C-2025-9%")).execute();
    }

    @Test
    void countsTheQuarterCasesOnceEachAndEachExploitationTypeOfACase() {
        Report report = statistics.quarter(dataManager, new Quarter(2025, 1));
        assertThat(report.cases()).isEqualTo(88L);
        assertThat(report.registeredFrom()).isEqualTo("2025-01-01");
        assertThat(report.registeredTo()).isEqualTo("2025-03-31");
        assertThat(report.smallCellThreshold()).isEqualTo(10);
        assertThat(report.notes()).anyMatch(n -> n.contains("counts once in each"));

        Table age = table(report, "ageBand");
        assertThat(line(age, "18-24")).containsEntry("FEMALE", 30L).containsEntry("MALE", 12L)
                .containsEntry("TOTAL", 42L).containsEntry("UNKNOWN", 0L);
        assertThat(line(age, "35-49")).containsEntry("FEMALE", 21L).containsEntry("TOTAL", 21L);
        assertThat(line(age, "TOTAL")).containsEntry("FEMALE", 51L).containsEntry("MALE", 37L)
                .containsEntry("TOTAL", 88L);
        Table place = table(report, "place");
        assertThat(line(place, NORTH)).containsEntry("FEMALE", 30L).containsEntry("MALE", 12L);
        assertThat(line(place, SOUTH)).containsEntry("FEMALE", 21L).containsEntry("MALE", 25L);
        Table types = table(report, "exploitationType");
        assertThat(line(types, "SEXUAL_EXPLOITATION")).containsEntry("FEMALE", 30L).containsEntry("TOTAL", 30L);
        assertThat(line(types, "LABOUR")).containsEntry("FEMALE", 30L).containsEntry("MALE", 37L)
                .containsEntry("TOTAL", 67L);
        assertThat(line(types, "TOTAL")).as("cases, not the sum of the types").containsEntry("TOTAL", 88L);
        assertThat(types.title()).contains("counts once in each");
        assertThat(published(report)).noneMatch(QuarterlyStatisticsTest::small);
    }

    @Test
    void aQuarterWithFewCasesPublishesNoCount() {
        Report report = statistics.quarter(leader, new Quarter(2025, 2));
        assertThat(report.cases()).isEqualTo(QuarterlyStatistics.SUPPRESSED);
        assertThat(line(table(report, "ageBand"), "TOTAL")).containsEntry("TOTAL", QuarterlyStatistics.SUPPRESSED)
                .containsEntry("FEMALE", QuarterlyStatistics.SUPPRESSED);
        assertThat(published(report)).noneMatch(QuarterlyStatisticsTest::small);
    }

    @Test
    void smallCellsAndTheirComplementsAreWithheld() {
        Report report = statistics.quarter(dataManager, new Quarter(2025, 3));
        assertThat(report.cases()).isEqualTo(66L);
        Table age = table(report, "ageBand");
        assertThat(line(age, "12-17")).containsEntry("MALE", QuarterlyStatistics.SUPPRESSED)
                .containsEntry("TOTAL", QuarterlyStatistics.SUPPRESSED);
        // 3 would be the boys' column total minus the 12 men of 25-34: the 12 goes too.
        assertThat(line(age, "25-34")).containsEntry("MALE", QuarterlyStatistics.SUPPRESSED);
        // The 11 cases with nothing recorded are counted, and their line gives up its cell: 3 would otherwise be the
        // grand total minus the other age bands' totals.
        assertThat(line(age, "TOTAL")).containsEntry(QuarterlyStatistics.NOT_RECORDED, 11L).containsEntry("TOTAL", 66L);
        assertThat(line(age, QuarterlyStatistics.NOT_RECORDED)).containsEntry("TOTAL", QuarterlyStatistics.SUPPRESSED);
        assertThat(line(table(report, "exploitationType"), QuarterlyStatistics.NO_TYPE_RECORDED))
                .containsEntry("MALE", QuarterlyStatistics.SUPPRESSED);
        assertThat(published(report)).noneMatch(QuarterlyStatisticsTest::small);
        for (Table table : report.tables()) {
            noLineWithOneWithheld(table);
        }
        assertThat(QuarterlyStatistics.csv(report)).startsWith("table,row,FEMALE,MALE,")
                .contains("Cases by exploitation type and sex (a case with several types counts once in each;")
                .contains("Cases by age band and sex,12-17,suppressed,suppressed,").doesNotContain(",3,");
    }

    @Test
    void onlyDataManagersAndTheirLeaderMayProduceIt() {
        assertThatThrownBy(() -> statistics.quarter(supervisor, new Quarter(2025, 1)))
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void quartersOutsideTheCalendarAreRefused() {
        assertThatThrownBy(() -> new Quarter(2025, 5)).hasMessageContaining("quarter must be");
        assertThatThrownBy(() -> new Quarter(1800, 1)).hasMessageContaining("year must be");
    }

    private List<UUID> cases(int n, String sex, Integer age, String place, List<String> types, Instant at) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID id = UUID.randomUUID();
            db.insertInto(REGISTRY_CASE)
                    .set(REGISTRY_CASE.ID, id)
                    .set(REGISTRY_CASE.REFERENCE, String.format("C-2025-9%06d", NUMBER.incrementAndGet()))
                    .set(REGISTRY_CASE.STATUS, "POTENTIAL")
                    .set(REGISTRY_CASE.SEX, sex)
                    .set(REGISTRY_CASE.AGE, age == null ? null : age.shortValue())
                    .set(REGISTRY_CASE.PLACE, place)
                    .set(REGISTRY_CASE.EXPLOITATION_TYPES, types.toArray(String[]::new))
                    .set(REGISTRY_CASE.FORM_VERSION, 1)
                    .set(REGISTRY_CASE.CREATED_AT, at.atOffset(ZoneOffset.UTC))
                    .set(REGISTRY_CASE.UPDATED_AT, at.atOffset(ZoneOffset.UTC))
                    .execute();
            ids.add(id);
        }
        return ids;
    }

    private static Table table(Report report, String name) {
        return report.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Object> line(Table table, String label) {
        return table.rows().stream().filter(l -> l.label().equals(label)).findFirst().orElseThrow().counts();
    }

    private static List<Object> published(Report report) {
        List<Object> all = new ArrayList<>();
        all.add(report.cases());
        report.tables().forEach(t -> t.rows().forEach(l -> all.addAll(l.counts().values())));
        return all;
    }

    private static boolean small(Object count) {
        return count instanceof Long n && n > 0 && n < 10;
    }

    /** Each row of a table with its TOTAL, and each column with the TOTAL line. */
    private static void noLineWithOneWithheld(Table table) {
        for (Line line : table.rows()) {
            assertThat(line.counts().values().stream().filter(QuarterlyStatistics.SUPPRESSED::equals).count())
                    .as("%s, line %s", table.name(), line.label()).isNotEqualTo(1L);
        }
        for (String column : table.columns()) {
            assertThat(table.rows().stream().filter(l -> QuarterlyStatistics.SUPPRESSED.equals(l.counts()
                    .get(column))).count()).as("%s, column %s", table.name(), column).isNotEqualTo(1L);
        }
    }
}
