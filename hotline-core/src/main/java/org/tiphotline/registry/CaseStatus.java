package org.tiphotline.registry;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a case stands. Every case starts as a potential case from whichever channel; a data manager assesses it,
 * decides whether the person is a victim of trafficking (E.18), refers and closes it. A closed case can be
 * reopened for assessment; nothing jumps straight from potential to a decision.
 */
public enum CaseStatus {
    POTENTIAL, UNDER_ASSESSMENT, CONFIRMED_VICTIM, NOT_A_VICTIM, REFERRED, CLOSED;

    public Set<CaseStatus> next() {
        return switch (this) {
            case POTENTIAL -> EnumSet.of(UNDER_ASSESSMENT, CLOSED);
            case UNDER_ASSESSMENT -> EnumSet.of(CONFIRMED_VICTIM, NOT_A_VICTIM, CLOSED);
            case CONFIRMED_VICTIM, NOT_A_VICTIM -> EnumSet.of(REFERRED, UNDER_ASSESSMENT, CLOSED);
            case REFERRED -> EnumSet.of(UNDER_ASSESSMENT, CLOSED);
            case CLOSED -> EnumSet.of(UNDER_ASSESSMENT);
        };
    }
}
