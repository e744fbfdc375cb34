package org.tiphotline.online;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.intake.SeedCodes;

/**
 * The online reporting form of the Saint Lucia IOM recommendations (2018, section 2.2), field by field with the
 * seed's options as code lists. The public page renders it from this definition, so the page and the server can
 * never disagree about what a field accepts.
 *
 * <p>Statistical fields are codes, dates and yes/no; everything a person could be recognised by (free text, the
 * reporter's locality, contact details, the agency it was reported to) is personal and is stored encrypted.
 * Free text is kept as plain text only: text that looks like HTML is refused, never cleaned, so what is stored
 * is exactly what the reporter saw themselves send.
 */
@Component
public class OnlineForm {

    public static final List<String> TRAFFICKING_TYPES = SeedCodes.TRAFFICKING_TYPES;
    public static final List<String> VICTIM_DESCRIPTORS = List.of("FEMALE", "MALE", "TRANSGENDER_MALE",
            "TRANSGENDER_FEMALE", "UNDER_18", "OVER_18", "INDIVIDUAL_ALONE", "GROUP_OF_PEOPLE", "FAMILY", "NATIONAL",
            "FOREIGNER");

    static final List<String> CONTACT_FIELDS = List.of("contactFirstName", "contactLastName", "contactAddress",
            "contactPhone", "contactAgency");

    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,39}");

    private static final String WHAT = "What happened";
    private static final String VICTIMS = "Potential victims";
    private static final String YOU = "About you";
    private static final String BEFORE = "Reported before";

    private final Map<String, FormField> fields = new LinkedHashMap<>();
    private final JurisdictionSettings jurisdiction;
    private final CallSettings languages;
    private final Clock clock;

    public OnlineForm(JurisdictionSettings jurisdiction, CallSettings languages, Clock clock) {
        this.jurisdiction = jurisdiction;
        this.languages = languages;
        this.clock = clock;
        add(FormField.codes("traffickingTypes", WHAT, "Type of trafficking (all that apply, as far as you know)",
                TRAFFICKING_TYPES));
        add(FormField.personal("traffickingOther", WHAT, "Other type, please specify", FormField.Kind.TEXT, 200));
        add(FormField.code("victimOrigin", VICTIMS,
                "Was the victim born in the country (national) or abroad (foreigner)?",
                List.of("NATIONAL", "FOREIGNER")));
        add(FormField.typed("victimCountry", VICTIMS, "Victim country of birth, if you know", FormField.Kind.COUNTRY));
        // The jurisdiction's places are the statistical location; the town or village is free text, so personal.
        add(new FormField("place", WHAT, "Location: " + jurisdiction.name() + " region", FormField.Kind.CODE,
                jurisdiction.places(), false, 0, 0));
        add(FormField.personal("locationDetail", WHAT, "City, village or other details of the location",
                FormField.Kind.TEXT, 300));
        add(FormField.typed("incidentDate", WHAT, "Date of the incident or when you noticed the situation",
                FormField.Kind.DATE));
        add(FormField.codes("victimDescriptors", VICTIMS, "Potential victims are (all that apply)",
                VICTIM_DESCRIPTORS));
        add(FormField.personal("description", WHAT, "Describe the situation or incident", FormField.Kind.TEXT,
                4000));
        add(FormField.personal("traffickerInfo", WHAT, "Information about the trafficker(s)", FormField.Kind.TEXT,
                2000));
        add(FormField.typed("anonymous", YOU, "I prefer to remain anonymous", FormField.Kind.BOOLEAN));
        add(FormField.code("reporterSex", YOU, "You are (for statistics only)", List.of("FEMALE", "MALE")));
        add(FormField.personal("reporterLocality", YOU, "City, village or neighbourhood you live in (for statistics)",
                FormField.Kind.TEXT, 200));
        add(FormField.typed("contactConsent", YOU, "I am comfortable to be contacted by the task force",
                FormField.Kind.BOOLEAN));
        add(FormField.personal("contactFirstName", YOU, "First name", FormField.Kind.TEXT, 100));
        add(FormField.personal("contactLastName", YOU, "Last name", FormField.Kind.TEXT, 100));
        add(FormField.personal("contactAddress", YOU, "Address", FormField.Kind.TEXT, 300));
        add(FormField.personal("contactPhone", YOU, "Phone number", FormField.Kind.PHONE, 30));
        add(FormField.personal("contactAgency", YOU, "Agency you work for, if you are a public agent",
                FormField.Kind.TEXT, 200));
        add(FormField.typed("reportedBefore", BEFORE, "Have you already reported this situation?",
                FormField.Kind.BOOLEAN));
        add(FormField.personal("reportedToAgency", BEFORE, "To which agency?", FormField.Kind.TEXT, 200));
        add(FormField.typed("reportedOn", BEFORE, "Date of that report", FormField.Kind.DATE));
    }

    public Collection<FormField> fields() {
        return fields.values();
    }

    /** The languages the form is offered in: the hotline's own (hotline.calls.languages). */
    public List<String> languages() {
        return languages.languages();
    }

    /**
     * Checks a whole submission, field by field and across fields, and returns the values in stored form (only
     * the filled ones). Every problem found is reported at once, by field name; messages never repeat the value.
     */
    public Map<String, Object> check(String language, Map<String, ?> raw) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (language == null || !languages().contains(language)) {
            problems.put("language", "choose one of " + languages());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        LocalDate today = LocalDate.now(clock);
        for (Map.Entry<String, ?> entry : (raw == null ? Map.<String, Object>of() : raw).entrySet()) {
            FormField field = fields.get(entry.getKey());
            if (field == null) {
                String name = entry.getKey() != null && FIELD_NAME.matcher(entry.getKey()).matches()
                        ? entry.getKey() : "field";
                throw new InvalidField(name, "the online form has no such field");
            }
            try {
                Object value = field.normalise(entry.getValue(), today);
                if (value instanceof String text && field.kind() == FormField.Kind.TEXT) {
                    // FormField refused markup already.
                    text = text.strip();
                    value = text.isEmpty() ? null : text;
                }
                if (value != null && !(value instanceof List<?> l && l.isEmpty())) {
                    values.put(field.name(), value);
                }
            } catch (InvalidField e) {
                problems.putAll(e.problems());
            }
        }
        if (problems.isEmpty()) {
            problems.putAll(acrossFields(values));
        }
        if (!problems.isEmpty()) {
            throw new InvalidField(problems);
        }
        return values;
    }

    private Map<String, String> acrossFields(Map<String, Object> values) {
        Map<String, String> problems = new LinkedHashMap<>();
        boolean anonymous = Boolean.TRUE.equals(values.get("anonymous"));
        boolean consent = Boolean.TRUE.equals(values.get("contactConsent"));
        if (!values.containsKey("traffickingTypes") && !values.containsKey("description")) {
            problems.put("description", "describe the situation or choose at least one type of trafficking");
        }
        if (anonymous && consent) {
            problems.put("contactConsent", "an anonymous report cannot also agree to be contacted");
        }
        if (!consent) {
            for (String contact : CONTACT_FIELDS) {
                if (values.containsKey(contact)) {
                    problems.put(contact, anonymous ? "an anonymous report cannot carry contact details"
                            : "contact details are kept only when you agree to be contacted");
                }
            }
        } else if (!anonymous && !values.containsKey("contactFirstName") && !values.containsKey("contactLastName")
                && !values.containsKey("contactPhone")) {
            problems.put("contactConsent", "give at least a name or a phone number so the task force can reach you");
        }
        if (!Boolean.TRUE.equals(values.get("reportedBefore"))) {
            for (String field : List.of("reportedToAgency", "reportedOn")) {
                if (values.containsKey(field)) {
                    problems.put(field, "only when the situation was already reported");
                }
            }
        }
        Object country = values.get("victimCountry");
        if ("NATIONAL".equals(values.get("victimOrigin")) && country != null
                && !country.equals(jurisdiction.country())) {
            problems.put("victimCountry", "a national was born in " + jurisdiction.name());
        }
        if ("FOREIGNER".equals(values.get("victimOrigin")) && jurisdiction.country().equals(country)) {
            problems.put("victimCountry", "a foreigner was born outside " + jurisdiction.name());
        }
        return problems;
    }

    /** The fields stored encrypted. */
    List<String> personalFields() {
        List<String> names = new ArrayList<>();
        fields.values().stream().filter(FormField::personal).forEach(f -> names.add(f.name()));
        return names;
    }

    JurisdictionSettings jurisdiction() {
        return jurisdiction;
    }

    private void add(FormField field) {
        fields.put(field.name(), field);
    }
}
