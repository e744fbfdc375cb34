package org.tiphotline.registry;

import java.time.LocalDate;
import java.util.List;

/**
 * What a channel's report says that a new case starts from: the statistical and matching fields, none of them
 * personal. Any of them may be unknown (null, or an empty list).
 */
public record CaseFacts(String sex, Integer age, String countryOfBirth, String place, LocalDate periodFrom,
        LocalDate periodTo, List<String> exploitationTypes) {

    public CaseFacts {
        exploitationTypes = exploitationTypes == null ? List.of() : List.copyOf(exploitationTypes);
    }

    public static CaseFacts none() {
        return new CaseFacts(null, null, null, null, null, null, List.of());
    }
}
