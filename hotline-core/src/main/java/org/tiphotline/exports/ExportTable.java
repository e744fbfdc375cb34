package org.tiphotline.exports;

import java.util.List;
import java.util.Map;

/**
 * What an export contains before it is written as CSV or JSON.
 *
 * @param columns the columns in order: HTCDS field names, and {@code ext_} ones where HTCDS has none
 * @param rows one map per case, each value a String or a List of Strings (multi-select picklists)
 * @param notice what a reader of the file must know: the rules applied, what was left out and why
 */
public record ExportTable(String kind, List<String> columns, List<Map<String, Object>> rows,
        Map<String, Object> notice) {

    public ExportTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        notice = Map.copyOf(notice);
    }
}
