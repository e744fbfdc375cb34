package org.tiphotline.operators;

import java.util.List;

/**
 * A user of the system. {@code languages} are the call languages they can take (ISO 639 codes);
 * {@code endpoint} is where the telephony provider rings them, or null for the simulated line.
 */
public record Operator(OperatorId id, String username, String displayName, Role role, List<String> languages,
        String endpoint) {

    public Operator {
        languages = List.copyOf(languages);
    }

    public boolean speaks(String language) {
        return language != null && languages.contains(language);
    }
}
