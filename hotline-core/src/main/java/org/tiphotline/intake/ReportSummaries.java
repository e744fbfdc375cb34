package org.tiphotline.intake;

import static org.tiphotline.db.Tables.HOTLINE_REPORT;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The operator's "summary for the next operator" of earlier reports, for the pop of a repeat caller. Decrypting is
 * the report store's job, so it lives here; deciding who may read and auditing the read is the caller's, which is
 * why this runs only inside the caller's transaction (the read and its audit row commit together).
 */
@Component
public class ReportSummaries {

    private final DSLContext db;
    private final Reports reports;

    ReportSummaries(DSLContext db, Reports reports) {
        this.db = db;
        this.reports = reports;
    }

    /** Report id → its summary, for the reports that have one. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<UUID, String> of(Collection<UUID> reportIds) {
        Map<UUID, String> summaries = new LinkedHashMap<>();
        if (reportIds.isEmpty()) {
            return summaries;
        }
        db.selectFrom(HOTLINE_REPORT).where(HOTLINE_REPORT.ID.in(reportIds)).fetch().forEach(report -> {
            String summary = reports.personal(report).get(HotlineForm.SUMMARY);
            if (summary != null) {
                summaries.put(report.getId(), summary);
            }
        });
        return summaries;
    }
}
