package org.tiphotline.registry;

import java.time.LocalDate;
import java.util.List;

/**
 * What a channel's report says that a new case starts from: the statistical and matching fields, none of them
 * personal. Any of them may be unknown (null, or an empty list).
 *
 * @param minor the report says the victim is under 18 even without an age (the online form's "under 18 years
 *     old"); an age under 18 says it too
 */
public record CaseFacts(String sex, Integer age, String countryOfBirth, String place, LocalDate periodFrom,
        LocalDate periodTo, List<String> exploitationTypes, boolean minor) {

    public CaseFacts {
        exploitationTypes = exploitationTypes == null ? List.of() : List.copyOf(exploitationTypes);
        minor = minor || age != null && age < 18;
    }

    public CaseFacts(String sex, Integer age, String countryOfBirth, String place, LocalDate periodFrom,
            LocalDate periodTo, List<String> exploitationTypes) {
        this(sex, age, countryOfBirth, place, periodFrom, periodTo, exploitationTypes, false);
    }

    public static CaseFacts none() {
        return new CaseFacts(null, null, null, null, null, null, List.of());
    }
}
