package org.tiphotline.console.floorreport;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.exports.ExportFile;
import org.tiphotline.exports.ExportFormat;
import org.tiphotline.exports.ExportTable;
import org.tiphotline.floor.FloorReport;
import org.tiphotline.floor.FloorReports;
import org.tiphotline.floor.ReportPeriod;
import org.tiphotline.protection.AuditTrail;

/**
 * {@code GET /api/floor-reports?period=DAY|WEEK|MONTH&day=2026-12-07} (the jurisdiction's date; default today; a
 * week runs Monday to Sunday) answers {@link FloorReport}: {@code total}, {@code byHour}, {@code byDay} (weeks and
 * months) as {@code {label, from, to, hourOfDay, figures}} with the figures of {@code GET /api/floor}, and
 * {@code byOperator} as {@code {operator, name, answered, averageSpeedOfAnswerMs, averageHandlingMs,
 * timeInState: [{state, reason, seconds}]}}. With {@code format=csv} and {@code table=figures|operators} it is a
 * CSV attachment, and each download is an export in the audit trail. Staff data only (operators' names and times);
 * nothing of any caller. Who may read it: {@link FloorReportAccess#ROLES}.
 */
@RestController
class FloorReportApi {

    private final FloorReports reports;
    private final AuditTrail audit;
    private final TransactionTemplate export;

    FloorReportApi(FloorReports reports, AuditTrail audit, PlatformTransactionManager transactions) {
        this.reports = reports;
        this.audit = audit;
        // The export's audit row commits with the read it records, in the report's own snapshot isolation.
        this.export = new TransactionTemplate(transactions);
        this.export.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    @GetMapping(FloorReportAccess.API)
    ResponseEntity<?> report(@RequestParam(defaultValue = "DAY") String period,
            @RequestParam(required = false) String day, @RequestParam(required = false) String format,
            @RequestParam(required = false) String table, Principal principal) {
        ExportFormat as = format == null ? ExportFormat.JSON : ExportFormat.parse(format);
        ReportPeriod.Length length = length(period);
        LocalDate date = day == null || day.isBlank() ? LocalDate.now(reports.zone()) : date(day);
        if (as == ExportFormat.JSON) {
            if (table != null) {
                throw new IllegalArgumentException("table is for format=csv only");
            }
            return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .body(reports.report(length, date));
        }
        FloorReportCsv.Table which = table(table);
        ExportFile file = export.execute(status -> {
            FloorReport report = reports.report(length, date);
            ExportTable rows = FloorReportCsv.table(report, which);
            String name = "floor-report-" + length.name().toLowerCase(Locale.ROOT) + "-" + report.first() + "-"
                    + which.name().toLowerCase(Locale.ROOT);
            audit.record(principal.getName(), AuditTrail.Action.EXPORT, "floor_report", name, rows.columns());
            return ExportFormat.CSV.write(rows, name);
        });
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(file.filename(), StandardCharsets.UTF_8).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(file.content());
    }

    private static ReportPeriod.Length length(String period) {
        try {
            return ReportPeriod.Length.valueOf(period.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("period must be DAY, WEEK or MONTH", e);
        }
    }

    private static LocalDate date(String day) {
        try {
            return LocalDate.parse(day.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("day must be a date like 2026-12-07", e);
        }
    }

    private static FloorReportCsv.Table table(String table) {
        if (table == null || table.isBlank()) {
            return FloorReportCsv.Table.FIGURES;
        }
        try {
            return FloorReportCsv.Table.valueOf(table.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("table must be figures or operators", e);
        }
    }
}
