package org.tiphotline.intake;

import java.util.List;

/**
 * What a report says about the situation without naming anyone: what responders need to act (where, what kind of
 * exploitation, whether minors are involved, how many people) and whether the caller agreed that identifying
 * details may be shared. Read from the typed columns only, so reading it is not an access to personal data.
 *
 * @param place the jurisdiction's place code (a parish, a quarter), not an address
 */
public record Situation(ReportId report, String place, List<String> traffickingTypes, Integer victimAge,
        String victimSex, Integer peopleInvolved, List<String> victimDescriptors, boolean shareConsent,
        String victimCountryOfBirth, java.time.LocalDate periodFrom, java.time.LocalDate periodTo) {

    public Situation {
        traffickingTypes = List.copyOf(traffickingTypes);
        victimDescriptors = List.copyOf(victimDescriptors);
    }

    /** Null when nobody knows the victim's age yet. */
    public Boolean minorInvolved() {
        return victimAge == null ? null : victimAge < 18;
    }
}
