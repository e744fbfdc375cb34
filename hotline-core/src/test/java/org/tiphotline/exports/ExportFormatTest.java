package org.tiphotline.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CSV as spreadsheets and parsers expect it, safe to open; the small-cell rule on record-level rows. */
class ExportFormatTest {

    @Test
    void csvQuotesWhatNeedsQuotingAndDefusesFormulas() {
        assertThat(ExportFormat.cell("plain")).isEqualTo("plain");
        assertThat(ExportFormat.cell(null)).isEmpty();
        assertThat(ExportFormat.cell("Fakename, Testfirst")).isEqualTo("\"Fakename, Testfirst\"");
        assertThat(ExportFormat.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ExportFormat.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(ExportFormat.cell("=HYPERLINK(\"http://x.example.test\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://x.example.test\"\")\"");
        assertThat(ExportFormat.cell("+1 555 0100")).isEqualTo("'+1 555 0100");
        assertThat(ExportFormat.cell("-2+3")).isEqualTo("'-2+3");
        assertThat(ExportFormat.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(ExportFormat.cell("\tcmd")).isEqualTo("'\tcmd");
        assertThat(ExportFormat.cell(List.of("ForcedLabour", "SexualExploitation")))
                .isEqualTo("ForcedLabour;SexualExploitation");
    }

    @Test
    void csvHasAHeaderAndCrlfLines() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("prs_Gender", "Feminine");
        row.put("vic_TypeOfExploitation", List.of("ForcedLabour"));
        ExportTable table = new ExportTable("test", List.of("prs_Gender", "vic_TypeOfExploitation", "ext_Empty"),
                List.of(row), Map.of());
        String csv = new String(ExportFormat.CSV.write(table, "t").content(), StandardCharsets.UTF_8);
        assertThat(csv).isEqualTo("prs_Gender,vic_TypeOfExploitation,ext_Empty\r\nFeminine,ForcedLabour,\r\n");
        assertThat(ExportFormat.parse("JSON")).isEqualTo(ExportFormat.JSON);
        assertThat(ExportFormat.parse(null)).isEqualTo(ExportFormat.CSV);
        assertThatThrownBy(() -> ExportFormat.parse("xlsx")).hasMessage("format must be csv or json");
    }

    @Test
    void rowsAlikeInTheirQuasiIdentifiersAreKeptWhole() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(row("Feminine", "18-24", "JM", "JM", "North", "2024"));
        }
        SmallCells.Result result = SmallCells.protect(rows, 10);
        assertThat(result.withheld()).isZero();
        assertThat(result.rows()).hasSize(10).allSatisfy(r -> {
            assertThat(r.get("ext_Year")).isEqualTo("2024");
            assertThat(r.get(SmallCells.SUPPRESSED)).isEqualTo(List.of());
        });
    }

    @Test
    void aRareCombinationIsGeneralisedUntilItHidesAmongTenAndTheRestIsWithheld() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(row("Feminine", "18-24", "JM", "JM", "North", "2024"));
        }
        // Nine more adults from elsewhere, each a little different: together they make a group once the year,
        // country of birth, citizenship and place are gone.
        for (int i = 0; i < 9; i++) {
            rows.add(row("Feminine", "25-34", "HT", "HT", i % 2 == 0 ? "North" : "South", "202" + i));
        }
        rows.add(row("Feminine", "25-34", "VE", "VE", "South", "2019"));
        // One child, alone in every way: withheld, never shown even without its values.
        rows.add(row("Masculine", "0-11", "US", "US", "South", "2023"));

        SmallCells.Result result = SmallCells.protect(rows, 10);

        assertThat(result.withheld()).isEqualTo(1);
        assertThat(result.rows()).hasSize(22);
        Map<List<Object>, Integer> groups = new HashMap<>();
        result.rows().forEach(r -> groups.merge(SmallCells.QUASI_IDENTIFIERS.stream().map(r::get).toList(), 1,
                Integer::sum));
        assertThat(groups.values()).allSatisfy(size -> assertThat(size).isGreaterThanOrEqualTo(10));
        assertThat(result.rows().stream().filter(r -> "Masculine".equals(r.get("prs_Gender")))).isEmpty();
        Map<String, Object> generalised = result.rows().get(12);
        assertThat(generalised.get("ext_Year")).isNull();
        assertThat(generalised.get("prs_Citizenship")).isNull();
        assertThat(generalised.get("ext_AgeBand")).isEqualTo("25-34");
        assertThat(generalised.get(SmallCells.SUPPRESSED)).isEqualTo(List.of("ext_Year", "ext_CountryOfBirth",
                "prs_Citizenship", "hte_State"));
        // The other columns are what the export is for and stay as they were.
        assertThat(generalised.get("vic_TypeOfExploitation")).isEqualTo(List.of("ForcedLabour"));
    }

    @Test
    void fewerRowsThanTheThresholdLeaveNothingToPublish() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rows.add(row("Feminine", "18-24", "JM", "JM", "North", "2024"));
        }
        SmallCells.Result result = SmallCells.protect(rows, 10);
        assertThat(result.rows()).isEmpty();
        assertThat(result.withheld()).isEqualTo(9);
    }

    private static Map<String, Object> row(String gender, String band, String citizenship, String born, String place,
            String year) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("prs_Gender", gender);
        row.put("ext_AgeBand", band);
        row.put("prs_Citizenship", citizenship);
        row.put("ext_CountryOfBirth", born);
        row.put("hte_State", place);
        row.put("ext_Year", year);
        row.put("vic_TypeOfExploitation", List.of("ForcedLabour"));
        return row;
    }
}
