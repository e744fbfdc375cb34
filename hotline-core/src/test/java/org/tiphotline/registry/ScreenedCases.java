package org.tiphotline.registry;

import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.tiphotline.operators.Actor;
import org.tiphotline.screening.Screenings;

/** The quickest way to a case in the registry tests: an agency's screening form, which the registry receives. */
public final class ScreenedCases {

    private ScreenedCases() {}

    /** A new case made of one screening form that {@code reporter} submitted, unassigned. */
    public static CaseId newCase(Screenings screenings, Registry registry, DSLContext db, Actor reporter) {
        String reference = screenings.submit(Map.of("situation", "POTENTIAL"), reporter).reference();
        UUID screening = db.select(SCREENING_REPORT.ID).from(SCREENING_REPORT)
                .where(SCREENING_REPORT.REFERENCE.eq(reference)).fetchOne(SCREENING_REPORT.ID);
        return registry.caseOf(new CaseSource.Screening(screening)).orElseThrow().id();
    }
}
