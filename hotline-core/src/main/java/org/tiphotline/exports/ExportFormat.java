package org.tiphotline.exports;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two ways an export is written. CSV follows RFC 4180 (CRLF, quotes doubled, a field quoted when it holds a
 * comma, quote or line break) with multi-select values joined by ";" as in the HTCDS spreadsheet toolkit; JSON is
 * {@code {"format", "notice", "rows"}} with multi-select values as arrays.
 */
public enum ExportFormat {
    CSV("text/csv; charset=utf-8", "csv"),
    JSON("application/json", "json");

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final String contentType;
    private final String extension;

    ExportFormat(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    /** csv or json, any case; anything else is refused with the choices. */
    public static ExportFormat parse(String text) {
        if (text == null || text.isBlank()) {
            return CSV;
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format must be csv or json");
        }
    }

    public ExportFile write(ExportTable table, String name) {
        byte[] bytes = switch (this) {
            case CSV -> csv(table).getBytes(StandardCharsets.UTF_8);
            case JSON -> {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("format", "HTCDS v2 field names and code lists; ext_ fields are not part of HTCDS");
                doc.put("kind", table.kind());
                doc.put("notice", table.notice());
                doc.put("columns", table.columns());
                doc.put("rows", table.rows());
                yield MAPPER.writeValueAsBytes(doc);
            }
        };
        return new ExportFile(name + "." + extension, contentType, bytes, table);
    }

    static String csv(ExportTable table) {
        StringBuilder out = new StringBuilder();
        line(out, List.copyOf(table.columns()));
        for (Map<String, Object> row : table.rows()) {
            line(out, table.columns().stream().map(c -> row.get(c)).toList());
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    /**
     * One CSV cell. A text a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return
     * that some spreadsheets skip before one) is prefixed with an apostrophe, so opening an export never runs
     * anything a caller typed.
     */
    static String cell(Object value) {
        String text = value == null ? "" : value instanceof List<?> list
                ? String.join(";", list.stream().map(String::valueOf).toList()) : value.toString();
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            text = '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
