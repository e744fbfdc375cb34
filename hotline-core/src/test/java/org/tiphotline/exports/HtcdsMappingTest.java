package org.tiphotline.exports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.registry.CaseForm;
import org.tiphotline.registry.CaseStatus;

/**
 * Every code the registry can hold has a deliberate HTCDS meaning, and every HTCDS value the mapping produces is on
 * the HTCDS list of its field. A new code in the form, the migration or the statuses fails here until someone
 * decides what it means in HTCDS.
 */
class HtcdsMappingTest {

    private final CaseForm form = new CaseForm(new JurisdictionSettings("Testland", "JM", List.of("Test Parish North")),
            Clock.systemUTC());

    @Test
    void everyCodeListFieldOfTheStandardFormatIsMappedOrDeliberatelyLeftOut() {
        List<String> unaccounted = new ArrayList<>();
        for (FormField field : form.fields()) {
            boolean codeList = field.kind() == FormField.Kind.CODE || field.kind() == FormField.Kind.CODES;
            boolean country = field.kind() == FormField.Kind.COUNTRY;
            if (!codeList && !country) {
                continue;
            }
            if (HtcdsMapping.PASS_THROUGH.containsKey(field.name())
                    || HtcdsMapping.NOT_EXPORTED.containsKey(field.name())) {
                continue;
            }
            if (country || !HtcdsMapping.CODES.containsKey(field.name())) {
                unaccounted.add(field.name());
                continue;
            }
            for (String code : field.codes()) {
                if (!HtcdsMapping.CODES.get(field.name()).containsKey(code)) {
                    unaccounted.add(field.name() + "=" + code);
                }
            }
        }
        assertThat(unaccounted).as("codes with no HTCDS decision").isEmpty();
    }

    /** Not only code lists: a new field of any kind fails here until someone decides whether it leaves, and how. */
    @Test
    void everyFieldOfTheStandardFormatHasAnExportDecision() {
        List<String> undecided = new ArrayList<>();
        for (FormField field : form.fields()) {
            boolean decided = HtcdsMapping.CODES.containsKey(field.name())
                    || HtcdsMapping.MEANS_OF_CONTROL.containsKey(field.name())
                    || HtcdsMapping.PASS_THROUGH.containsKey(field.name())
                    || HtcdsMapping.EXPORTED_OTHERWISE.containsKey(field.name())
                    || ExportRequests.PERSONAL_COLUMNS.containsKey(field.name())
                    || HtcdsMapping.NOT_EXPORTED.containsKey(field.name());
            if (!decided) {
                undecided.add(field.name());
            }
        }
        assertThat(undecided).as("fields with no export decision").isEmpty();
        // Free text (the "other, specify" answers, the C.7/C.8 places) is personal and never in an export column.
        for (FormField field : form.fields()) {
            if (field.kind() == FormField.Kind.TEXT && !ExportRequests.PERSONAL_COLUMNS.containsKey(field.name())) {
                assertThat(field.personal()).as(field.name()).isTrue();
                assertThat(HtcdsMapping.NOT_EXPORTED).as(field.name()).containsKey(field.name());
            }
        }
        assertThat(HtcdsMapping.NOT_EXPORTED).containsKeys("recruitmentContactOther", "expectedActivitiesOther",
                "entryPlace", "destinationPlace", "transitEngagedInActivity", "activitiesOther",
                "exploitationPreventedOther", "corroborationOther");
    }

    /** C.3 offers the seed's own list: unlike C.10 and D.12 it has no marriage. */
    @Test
    void expectedActivitiesAreTheSeedsC3List() {
        FormField c3 = form.field("expectedActivities");
        assertThat(c3.codes()).doesNotContain("MARRIAGE").containsExactly("AGRICULTURAL_WORK", "BEGGING",
                "CHILD_CARE", "CONSTRUCTION", "DOMESTIC_WORK", "FACTORY_WORK", "FISHING",
                "LOW_LEVEL_CRIMINAL_ACTIVITIES", "MILITARY_SERVICE", "MINING", "PROSTITUTION",
                "RESTAURANTS_AND_HOTEL_WORK", "STUDY", "SMALL_STREET_COMMERCE", "TRADE", "TRANSPORT", "OTHER");
        assertThat(form.field("transitActivities").codes()).contains("MARRIAGE");
        assertThat(form.field("activities").codes()).contains("MARRIAGE", "UNEMPLOYED");
        // Each C.3 code means in HTCDS what the same D.12 code means, should C.3 ever be exported.
        assertThat(HtcdsMapping.CODES.get("activities")).containsKeys(c3.codes().toArray(String[]::new));
    }

    @Test
    void leftOutAndPassedThroughFieldsAreRealFieldsOfTheForm() {
        List<String> names = form.fields().stream().map(FormField::name).toList();
        assertThat(names).containsAll(HtcdsMapping.NOT_EXPORTED.keySet());
        assertThat(names).containsAll(HtcdsMapping.PASS_THROUGH.keySet());
        assertThat(names).containsAll(HtcdsMapping.MEANS_OF_CONTROL.keySet());
    }

    @Test
    void everyCaseStatusIsMapped() {
        for (CaseStatus status : CaseStatus.values()) {
            assertThat(HtcdsMapping.map("status", status.name())).hasSize(1);
        }
    }

    /** The database's own check constraints are the last word on what a stored case can hold. */
    @Test
    void everyCodeTheMigrationAllowsIsMapped() throws IOException {
        String sql = migration("V8__case_registry.sql");
        String table = sql.substring(sql.indexOf("create table registry_case"), sql.indexOf("create index registry_case"));
        assertMapped("sex", listAfter(table, "sex "));
        assertMapped("exploitationTypes", listAfter(table, "exploitation_types"));
        assertMapped("votDecision", listAfter(table, "vot_decision"));
        assertMapped("traffickingScope", listAfter(table, "trafficking_scope"));
        assertMapped("status", listAfter(table, "status "));
    }

    @Test
    void everyMappedValueIsOnItsHtcdsList() {
        List<String> wrong = new ArrayList<>();
        HtcdsMapping.CODES.forEach((field, codes) -> codes.forEach((code, values) -> values.forEach(v -> {
            boolean ok;
            if (v.field().startsWith(HtcdsLists.EXTENSION_PREFIX)) {
                ok = true;
            } else if (HtcdsLists.METHODS_OF_CONTROL.contains(v.field())) {
                ok = HtcdsLists.BOOLEAN.contains(v.code());
            } else {
                ok = HtcdsLists.PICKLISTS.containsKey(v.field())
                        && HtcdsLists.PICKLISTS.get(v.field()).contains(v.code());
            }
            if (!ok) {
                wrong.add(field + "=" + code + " -> " + v);
            }
        })));
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyFieldTheExportWritesIsAnHtcdsFieldOrMarkedAsAnExtension() {
        List<String> known = new ArrayList<>(HtcdsLists.PICKLISTS.keySet());
        known.addAll(HtcdsLists.METHODS_OF_CONTROL);
        known.addAll(List.of(HtcdsLists.CITIZENSHIP, HtcdsLists.EVENT_COUNTRY, HtcdsLists.EVENT_STATE,
                HtcdsLists.EVENT_DATE, HtcdsLists.FIRST_NAME, HtcdsLists.SECOND_NAME, HtcdsLists.BIRTHDATE));
        List<String> columns = new ArrayList<>(HtcdsExport.FACT_COLUMNS);
        columns.addAll(HtcdsMapping.producedFields());
        columns.addAll(ExportRequests.PERSONAL_COLUMNS.values());
        columns.add(SmallCells.SUPPRESSED);
        columns.add(ExportRequests.IDENTIFYING);
        columns.add(ExportRequests.AGE);
        for (String column : columns) {
            assertThat(known.contains(column) || column.startsWith(HtcdsLists.EXTENSION_PREFIX)
                    || column.equals(ExportRequests.REFERENCE)).as(column).isTrue();
        }
    }

    /** The decisions a reader of the export most needs to trust, spelled out. */
    @Test
    void theMainCodesMeanWhatTheyShould() {
        assertThat(HtcdsMapping.map("sex", "FEMALE")).containsExactly(v("prs_Gender", "Feminine"));
        assertThat(HtcdsMapping.map("sex", "TRANSGENDER_MALE")).containsExactly(v("prs_Gender", "TransgenderMasculine"));
        assertThat(HtcdsMapping.map("sex", "UNKNOWN")).containsExactly(v("prs_Gender", "NonSpecifiedUnknown"));
        assertThat(HtcdsMapping.map("exploitationTypes", "ONLINE_SEXUAL_EXPLOITATION")).containsExactly(
                v("vic_TypeOfExploitation", "SexualExploitation"),
                v("vic_TypeOfSexExploitation", "RemoteInteractiveServices"));
        assertThat(HtcdsMapping.map("exploitationTypes", "BEGGING")).containsExactly(
                v("vic_TypeOfExploitation", "ForcedBegging"));
        assertThat(HtcdsMapping.map("votDecision", "YES")).containsExactly(
                v("vic_TraffickingStatus", "ActualVictimOfTrafficking"));
        assertThat(HtcdsMapping.map("entryWithholdingTravelDocuments", "RECRUITER")).containsExactly(
                v("MethodsOfControlWithholdsDocuments", "TRUE"));
        assertThat(HtcdsMapping.map("exploitationDebtBondage", "NOT_USED")).containsExactly(
                v("MethodsOfControlDebtBondage", "FALSE"));
        assertThat(HtcdsMapping.map("status", "REFERRED")).containsExactly(v("cas_Status", "ClosedReferred"));
        assertThatThrownBy(() -> HtcdsMapping.map("sex", "SOMETHING_NEW")).isInstanceOf(IllegalArgumentException.class);
    }

    private static HtcdsMapping.Value v(String field, String code) {
        return new HtcdsMapping.Value(field, code);
    }

    private static void assertMapped(String field, List<String> codes) {
        assertThat(codes).as(field + " codes in the migration").isNotEmpty();
        for (String code : codes) {
            assertThat(HtcdsMapping.CODES.get(field)).as(field).containsKey(code);
        }
    }

    /** The quoted codes of the first {@code in (...)} or {@code array[...]} after a column's name. */
    private static List<String> listAfter(String sql, String column) {
        int at = sql.indexOf("\n  " + column);
        assertThat(at).as(column).isPositive();
        String rest = sql.substring(at);
        int open = rest.indexOf("in (") >= 0 && (rest.indexOf("array[") < 0 || rest.indexOf("in (") < rest.indexOf("array["))
                ? rest.indexOf("in (") : rest.indexOf("array[");
        String list = rest.substring(open, rest.indexOf(rest.charAt(open) == 'i' ? ')' : ']', open));
        List<String> codes = new ArrayList<>();
        Matcher m = Pattern.compile("'([A-Z_]+)'").matcher(list);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    private static String migration(String name) throws IOException {
        try (InputStream in = HtcdsMappingTest.class.getResourceAsStream("/db/migration/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theListsAreTheOnesPublished() {
        // Spot checks against the sources named in HtcdsLists, so an edit of a list there cannot go unnoticed.
        assertThat(HtcdsLists.PICKLISTS.get("prs_Gender")).hasSize(6);
        assertThat(HtcdsLists.PICKLISTS.get("vic_TypeOfExploitation")).hasSize(11).startsWith("ForcedLabour",
                "SexualExploitation").endsWith("Other");
        assertThat(HtcdsLists.PICKLISTS.get("vic_ForcedLabourIndustry")).hasSize(21);
        assertThat(HtcdsLists.METHODS_OF_CONTROL).hasSize(17).doesNotHaveDuplicates();
        assertThat(Arrays.asList("Active", "FollowUp", "Closed", "ClosedReferred"))
                .isEqualTo(HtcdsLists.PICKLISTS.get("cas_Status"));
    }
}
