package org.tiphotline.exports;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The small-cell rule for record-level rows: every row must look, in its quasi-identifiers (gender, age band,
 * citizenship, country of birth, place, year), exactly like at least {@code threshold - 1} other rows of the same
 * file (k-anonymity with k = threshold). Rows in smaller groups are generalised one step at a time, always in this
 * order, and the groups counted again after each step:
 * <ol>
 * <li>the year is suppressed;
 * <li>the country of birth is suppressed;
 * <li>citizenship is suppressed;
 * <li>the place is suppressed;
 * <li>the age band becomes "0-17" or "18+";
 * <li>the age band is suppressed;
 * <li>gender is suppressed.
 * </ol>
 * A row still in too small a group after the last step (its group is then the rows with every quasi-identifier
 * suppressed) is withheld from the file altogether: publishing it would reveal, by difference from the rest, the
 * very values that were suppressed (the complement). The file says which columns were suppressed in each row
 * ({@code ext_Suppressed}) and, without a small number, whether rows were withheld.
 *
 * <p>Other columns (types of exploitation, means of control, statuses) are not quasi-identifiers here: they are
 * what the export is for. A group of ten rows can still share them all; l-diversity is not attempted.
 */
final class SmallCells {

    static final String SUPPRESSED = "ext_Suppressed";

    record Step(String column, UnaryOperator<Object> generalise) {}

    static final List<String> QUASI_IDENTIFIERS = List.of(HtcdsLists.GENDER, HtcdsExport.AGE_BAND,
            HtcdsLists.CITIZENSHIP, HtcdsExport.COUNTRY_OF_BIRTH, HtcdsLists.EVENT_STATE, HtcdsExport.YEAR);

    static final List<Step> STEPS = List.of(
            new Step(HtcdsExport.YEAR, v -> null),
            new Step(HtcdsExport.COUNTRY_OF_BIRTH, v -> null),
            new Step(HtcdsLists.CITIZENSHIP, v -> null),
            new Step(HtcdsLists.EVENT_STATE, v -> null),
            new Step(HtcdsExport.AGE_BAND, SmallCells::coarseAge),
            new Step(HtcdsExport.AGE_BAND, v -> null),
            new Step(HtcdsLists.GENDER, v -> null));

    record Result(List<Map<String, Object>> rows, int withheld) {}

    private SmallCells() {
    }

    static Result protect(List<Map<String, Object>> input, int threshold) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : input) {
            Map<String, Object> copy = new LinkedHashMap<>(row);
            copy.put(SUPPRESSED, new ArrayList<String>());
            rows.add(copy);
        }
        for (Step step : STEPS) {
            Map<List<Object>, Integer> sizes = sizes(rows);
            for (Map<String, Object> row : rows) {
                if (sizes.get(key(row)) < threshold) {
                    Object before = row.get(step.column());
                    Object after = step.generalise().apply(before);
                    row.put(step.column(), after);
                    @SuppressWarnings("unchecked")
                    List<String> suppressed = (List<String>) row.get(SUPPRESSED);
                    if (before != null && !Objects.equals(before, after) && !suppressed.contains(step.column())) {
                        suppressed.add(step.column());
                    }
                }
            }
        }
        Map<List<Object>, Integer> sizes = sizes(rows);
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (sizes.get(key(row)) >= threshold) {
                @SuppressWarnings("unchecked")
                List<String> suppressed = (List<String>) row.get(SUPPRESSED);
                row.put(SUPPRESSED, List.copyOf(suppressed));
                kept.add(row);
            }
        }
        return new Result(kept, rows.size() - kept.size());
    }

    private static Map<List<Object>, Integer> sizes(List<Map<String, Object>> rows) {
        Map<List<Object>, Integer> sizes = new HashMap<>();
        rows.forEach(row -> sizes.merge(key(row), 1, Integer::sum));
        return sizes;
    }

    private static List<Object> key(Map<String, Object> row) {
        List<Object> key = new ArrayList<>();
        QUASI_IDENTIFIERS.forEach(c -> key.add(row.get(c)));
        return key;
    }

    private static Object coarseAge(Object band) {
        if (band == null) {
            return null;
        }
        return HtcdsExport.MINOR_BANDS.contains(band) || "0-17".equals(band) ? "0-17" : "18+";
    }
}
