package org.tiphotline.accounts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.escalation.Directory;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.operators.Role;

/**
 * What an administrator types for a user, checked field by field before anything is stored; each problem says
 * what is accepted, never repeats the value.
 *
 * @param agency the directory agency's id, for a liaison only
 * @param endpoint {@code PJSIP/<endpoint>} for an Asterisk phone, {@code client:<identity>} for a Twilio browser
 *     phone, or blank for none
 */
public record AccountForm(String username, String displayName, Role role, String agency, List<String> languages,
        String endpoint) {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{3,40}");
    private static final Pattern ENDPOINT = Pattern.compile("(PJSIP/[A-Za-z0-9_.@-]{1,64})|(client:[A-Za-z0-9_.-]{1,64})");

    /** The form's values, cleaned; throws {@link InvalidField} naming every field that is wrong. */
    AccountForm checked(boolean withUsername, Directory directory, CallSettings calls) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (withUsername && (username == null || !USERNAME.matcher(username).matches())) {
            problems.put("username", "3 to 40 lower-case letters, digits, dots, dashes or underscores");
        }
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty() || name.length() > 120 || name.chars().anyMatch(Character::isISOControl)) {
            problems.put("displayName", "a name of 1 to 120 characters, on one line");
        }
        if (role == null) {
            problems.put("role", "choose a role");
        }
        String agencyId = agency == null || agency.isBlank() ? null : agency.strip();
        if (role == Role.LIAISON && (agencyId == null || directory.agency(agencyId).isEmpty())) {
            problems.put("agency", "a liaison works for an agency of the directory: choose one");
        }
        if (role != Role.LIAISON) {
            agencyId = null;
        }
        List<String> spoken = languages == null ? List.of() : languages.stream().map(String::strip).distinct()
                .toList();
        if (!calls.languages().containsAll(spoken)) {
            problems.put("languages", "only the hotline's languages: " + String.join(", ", calls.languages()));
        }
        String phone = endpoint == null || endpoint.isBlank() ? null : endpoint.strip();
        if (phone != null && !ENDPOINT.matcher(phone).matches()) {
            problems.put("endpoint", "PJSIP/<endpoint> for an Asterisk phone or client:<identity> for a Twilio "
                    + "browser phone, or nothing");
        }
        if (!problems.isEmpty()) {
            throw new InvalidField(problems);
        }
        return new AccountForm(username, name, role, agencyId, spoken, phone);
    }
}
