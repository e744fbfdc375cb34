package org.tiphotline.intake;

import org.tiphotline.operators.Actor;

/**
 * What a data manager or the data management leader may read of a hotline report. Once submitted, a report is the
 * evidence a registry case was opened on, so the case's need-to-know rule decides, as for the case's online and
 * screening reports; intake does not keep a second copy of that rule. The registry implements this (it is built
 * on intake, so intake asks it at the moment of reading rather than holding it from the start).
 */
public interface RegistryReaders {

    enum Access {
        /** Not a report of any case (a draft, say): for registry users it does not exist. */
        NONE,
        /** The fields that name no one. */
        WITHOUT_PERSONAL,
        /** Everything, personal fields included (each read audited). */
        WITH_PERSONAL
    }

    Access of(ReportId report, Actor reader);
}
