package org.tiphotline.intake;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The "Hotline Registering Form about Potential Human Trafficking Case" of the Saint Lucia IOM recommendations
 * (2018), field by field, with the seed's options as code lists. The console renders it from this definition,
 * so the screen and the server can never disagree about what a field accepts. The report date and the data
 * manager's name are not fields: they are the submission time and the operator who submits.
 */
@Component
public class HotlineForm {

    private final Map<String, FormField> fields = new LinkedHashMap<>();
    private final java.time.Clock clock;

    public HotlineForm(JurisdictionSettings jurisdiction, java.time.Clock clock) {
        this.clock = clock;
        add(FormField.code("situation", "Situation",
                "The human trafficking effectively occurred / a potential situation was detected",
                SeedCodes.SITUATIONS));
        // Not a question of the seed's form: what the yes/no script asks first (quiet mode, issue 18), and worth
        // asking any caller, since the IVR's answer came before anyone had listened to them.
        add(FormField.typed(DANGER, "Situation", "Someone is in immediate danger now", FormField.Kind.BOOLEAN));
        add(FormField.typed("periodFrom", "Situation", "Date or start of the period it occurred or was detected",
                FormField.Kind.DATE));
        add(FormField.typed("periodTo", "Situation", "End of that period (if a period)", FormField.Kind.DATE));
        add(new FormField("place", "Situation", "Location: " + jurisdiction.name() + " place", FormField.Kind.CODE,
                jurisdiction.places(), false, 0, 0));
        add(FormField.personal("locationDetail", "Situation", "Location of the situation (town, village, details)",
                FormField.Kind.TEXT, 500));
        add(FormField.typed("registeredOn", "Situation", "Date of the register of the potential situation",
                FormField.Kind.DATE));
        add(FormField.code("victimSex", "Victim", "Sex of the victim",
                SeedCodes.SEXES));
        add(FormField.number("victimAge", "Victim", "Age of the victim", 0, 120));
        add(FormField.number("peopleInvolved", "Victim", "Number of people affected (as far as known)", 1, 999));
        add(FormField.typed("victimCountryOfBirth", "Victim", "Country of birth of the victim",
                FormField.Kind.COUNTRY));
        add(FormField.personal("victimEthnicity", "Victim", "Ethnicity of the victim", FormField.Kind.TEXT, 100));
        add(FormField.codes("victimDescriptors", "Victim", "More details about the victim",
                List.of("TRANSGENDER_MALE", "TRANSGENDER_FEMALE", "INDIVIDUAL_ALONE", "GROUP_OF_PEOPLE", "FAMILY",
                        "NATIONAL", "FOREIGNER")));
        add(FormField.personal("victimDetails", "Victim", "Describe more details about the victim",
                FormField.Kind.TEXT, 2000));
        add(FormField.codes("traffickingTypes", "Exploitation",
                "Type of trafficking (all that apply, as far as you know)", SeedCodes.TRAFFICKING_TYPES));
        add(FormField.personal("traffickingOther", "Exploitation", "Other type of trafficking, please specify",
                FormField.Kind.TEXT, 200));
        add(FormField.personal("exploitationDescription", "Exploitation",
                "Type of exploitation to which the victim was submitted", FormField.Kind.TEXT, 4000));
        add(FormField.personal("traffickerInfo", "Exploitation", "Information about the trafficker(s) or exploiters",
                FormField.Kind.TEXT, 4000));
        add(FormField.code("reportedTo", "Reporting", "Has the caller reported this potential case?",
                SeedCodes.REPORTED_TO));
        add(FormField.personal("reportedToAgency", "Reporting", "Reported to which agency, please specify",
                FormField.Kind.TEXT, 200));
        // Not personal: a code the caller was given, refused below if it holds anything but a code's characters.
        add(new FormField(EARLIER_REFERENCE, "Reporting", "If the caller has a reference from an earlier report of "
                + "this situation: the online form's R-…, a screening receipt's S-… or the case number C-…",
                FormField.Kind.TEXT, List.of(), false, 24, 0));
        // Not in the seed form: the few lines the operator leaves for whoever takes this caller's next call (issue
        // 18, repeat callers), so the caller is not asked again for what they already told. Free text about people,
        // so personal; never part of an agency's alert (not in IDENTIFYING): it is the hotline's own note.
        add(FormField.personal(SUMMARY, "Reporting", "Summary for the next operator: what the caller already told "
                + "us, in a few lines", FormField.Kind.TEXT, 500));
        add(FormField.typed("anonymous", "Caller", "The person asked to remain anonymous", FormField.Kind.BOOLEAN));
        add(FormField.code("callerSex", "Caller", "Caller is (for statistics)", List.of("FEMALE", "MALE")));
        add(FormField.personal("callerLocality", "Caller", "City, village or neighbourhood the caller lives in",
                FormField.Kind.TEXT, 200));
        add(FormField.typed("contactConsent", "Caller",
                "The person is comfortable to be contacted by the NTF if more detail is needed",
                FormField.Kind.BOOLEAN));
        add(FormField.typed("shareConsent", "Caller",
                "The person agreed that details identifying them or the victim may be given to the agencies that "
                        + "respond (police, child protection)", FormField.Kind.BOOLEAN));
        add(FormField.personal("contactFirstName", "Caller", "First name", FormField.Kind.TEXT, 100));
        add(FormField.personal("contactLastName", "Caller", "Last name", FormField.Kind.TEXT, 100));
        add(FormField.personal("contactAddress", "Caller", "Address", FormField.Kind.TEXT, 300));
        add(FormField.personal("contactPhone", "Caller", "Phone number", FormField.Kind.PHONE, 30));
        add(FormField.personal("contactAgency", "Caller", "Agency (if a public agent)", FormField.Kind.TEXT, 200));
    }

    public Collection<FormField> fields() {
        return fields.values();
    }

    public FormField field(String name) {
        FormField field = name == null ? null : fields.get(name);
        if (field == null) {
            throw new InvalidField(String.valueOf(name).length() > 40 ? "field" : String.valueOf(name),
                    "the hotline form has no such field");
        }
        return field;
    }

    /**
     * Checks a value typed into a field and returns it in stored form (String, LocalDate, Integer, Boolean,
     * List of codes), or null when the field was cleared.
     */
    public Object normalise(FormField field, Object raw) {
        Object value = field.normalise(raw, LocalDate.now(clock));
        if (field.name().equals(EARLIER_REFERENCE) && value instanceof String typed) {
            // Kept as read out (spaces dropped, capitals): which case it names is the registry's to find, later.
            String code = typed.replaceAll("\\s+", "").toUpperCase(java.util.Locale.ROOT);
            if (!code.matches("[A-Z0-9-]{1,24}")) {
                throw new InvalidField(field.name(),
                        "a reference has only letters, digits and dashes (R-…, S-…, C-…)");
            }
            return code;
        }
        return value;
    }

    /** Whether someone is in immediate danger now: the first question of the yes/no script. */
    public static final String DANGER = "dangerNow";

    /** The reference of an earlier report or case the caller gives, so the report joins that case. */
    public static final String EARLIER_REFERENCE = "earlierReference";

    /** The operator's short summary that the pop of the same caller's next call shows (callers/EarlierContacts). */
    public static final String SUMMARY = "summaryForNextOperator";

    /** The fields a report cannot be submitted without: marked as required on the form before anyone submits. */
    public static final java.util.Set<String> REQUIRED = java.util.Set.of("situation");

    public boolean required(String field) {
        return REQUIRED.contains(field);
    }

    /** Rules across fields, checked on submit: field name → problem. Empty when the report may be submitted. */
    public Map<String, String> problemsOnSubmit(Map<String, Object> values) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (values.get("situation") == null) {
            problems.put("situation", "say whether trafficking occurred or a potential situation was detected");
        }
        if (values.get("periodFrom") instanceof LocalDate from && values.get("periodTo") instanceof LocalDate to
                && to.isBefore(from)) {
            problems.put("periodTo", "the period cannot end before it starts");
        }
        if (values.get("traffickingTypes") instanceof List<?> types && types.contains("OTHER")
                && values.get("traffickingOther") == null) {
            problems.put("traffickingOther", "specify the other type of trafficking");
        }
        if ("OTHER_AGENCY".equals(values.get("reportedTo")) && values.get("reportedToAgency") == null) {
            problems.put("reportedToAgency", "say which agency it was reported to");
        }
        if (Boolean.TRUE.equals(values.get("anonymous")) && Boolean.TRUE.equals(values.get("contactConsent"))) {
            problems.put("contactConsent", "an anonymous caller cannot also leave contact details");
        }
        if (!Boolean.TRUE.equals(values.get("contactConsent"))) {
            for (String contact : contactFields()) {
                if (values.get(contact) != null) {
                    problems.put(contact, "contact details may only be kept when the person agreed to be contacted");
                }
            }
        }
        return problems;
    }

    /**
     * The fields that identify the victim or the caller, or point at them (where the situation is, free text
     * about the people): what an escalation's alert may carry only under consent or an override.
     */
    public static final List<String> IDENTIFYING = List.of("locationDetail", "victimDetails",
            "exploitationDescription", "traffickerInfo", "callerLocality", "contactFirstName", "contactLastName",
            "contactAddress", "contactPhone", "contactAgency");

    static List<String> contactFields() {
        return new ArrayList<>(List.of("contactFirstName", "contactLastName", "contactAddress", "contactPhone",
                "contactAgency"));
    }

    private void add(FormField field) {
        fields.put(field.name(), field);
    }
}
