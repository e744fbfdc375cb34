package org.tiphotline.screening;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.intake.SeedCodes;

/**
 * The "Screening form about potential human trafficking case" of the Saint Lucia IOM recommendations (2018), for
 * police, immigration, family court, social protection, health and school staff: the seed's questions in order,
 * with the hotline form's code lists where the questions are the same.
 */
@Component
public class ScreeningForm {

    private final Map<String, FormField> fields = new LinkedHashMap<>();
    private final Clock clock;

    public ScreeningForm(JurisdictionSettings jurisdiction, Clock clock) {
        this.clock = clock;
        add(FormField.code("situation", "Situation",
                "The human trafficking effectively occurred / a potential situation was detected",
                SeedCodes.SITUATIONS));
        add(FormField.typed("periodFrom", "Situation", "Date or start of the period it occurred or was detected",
                FormField.Kind.DATE));
        add(FormField.typed("periodTo", "Situation", "End of that period (if a period)", FormField.Kind.DATE));
        add(new FormField("place", "Situation", "Location: " + jurisdiction.name() + " place", FormField.Kind.CODE,
                jurisdiction.places(), false, 0, 0));
        add(FormField.personal("locationDetail", "Situation", "Location where the situation occurred (details)",
                FormField.Kind.TEXT, 500));
        add(FormField.typed("registeredOn", "Situation", "Date of the register of the potential situation",
                FormField.Kind.DATE));
        add(FormField.code("victimSex", "Victim", "Sex of the victim",
                SeedCodes.SEXES));
        add(FormField.number("victimAge", "Victim", "Age of the victim", 0, 120));
        add(FormField.typed("victimCountryOfBirth", "Victim", "Country of birth of the victim",
                FormField.Kind.COUNTRY));
        add(FormField.personal("victimEthnicity", "Victim", "Ethnicity of the victim", FormField.Kind.TEXT, 100));
        add(FormField.codes("traffickingTypes", "Exploitation", "Type of exploitation to which the victim was submitted",
                SeedCodes.TRAFFICKING_TYPES));
        add(FormField.personal("exploitationDescription", "Exploitation", "Describe the exploitation (optional)",
                FormField.Kind.TEXT, 4000));
        add(FormField.code("reportedTo", "Reporting", "Have you reported this potential case?",
                SeedCodes.REPORTED_TO));
        add(FormField.personal("reportedToAgency", "Reporting", "Reported to which other agency",
                FormField.Kind.TEXT, 200));
        add(FormField.typed("reportedOn", "Reporting", "Date that you reported this potential case",
                FormField.Kind.DATE));
        add(FormField.personal("reporterName", "You", "Your name", FormField.Kind.TEXT, 120));
        add(FormField.personal("reporterPost", "You", "Your post", FormField.Kind.TEXT, 120));
        add(FormField.personal("reporterAgency", "You", "Your agency", FormField.Kind.TEXT, 200));
    }

    public Collection<FormField> fields() {
        return fields.values();
    }

    /**
     * Checks a whole submitted form: every value in stored form, or every problem by field name at once (the
     * agent fixes them all in one go).
     */
    public Map<String, Object> check(Map<String, Object> submitted) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        LocalDate today = LocalDate.now(clock);
        for (Map.Entry<String, Object> e : submitted.entrySet()) {
            FormField field = fields.get(e.getKey());
            if (field == null) {
                problems.put(e.getKey().length() > 40 ? "field" : e.getKey(), "the screening form has no such field");
                continue;
            }
            try {
                Object value = field.normalise(e.getValue(), today);
                if (value != null && !(value instanceof List<?> l && l.isEmpty())) {
                    values.put(field.name(), value);
                }
            } catch (InvalidField invalid) {
                problems.putAll(invalid.problems());
            }
        }
        if (values.get("situation") == null && !problems.containsKey("situation")) {
            problems.put("situation", "say whether trafficking occurred or a potential situation was detected");
        }
        if (values.get("periodFrom") instanceof LocalDate from && values.get("periodTo") instanceof LocalDate to
                && to.isBefore(from)) {
            problems.put("periodTo", "the period cannot end before it starts");
        }
        if ("OTHER_AGENCY".equals(values.get("reportedTo")) && values.get("reportedToAgency") == null) {
            problems.put("reportedToAgency", "say which agency it was reported to");
        }
        if (!problems.isEmpty()) {
            throw new InvalidField(problems);
        }
        return values;
    }

    private void add(FormField field) {
        fields.put(field.name(), field);
    }
}
