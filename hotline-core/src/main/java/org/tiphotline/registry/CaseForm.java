package org.tiphotline.registry;

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
 * The IOM "Standard format to register information about a human trafficking situation" (Saint Lucia
 * recommendations, 2018), sections A to E, field by field, with the seed's options as code lists. Where the seed
 * gives no options (C.1, how the person entered the process) the field is free text. Each means of control
 * (C.11, D.14) is one field listing who used it; {@code NOT_USED} says it was asked and not used, an empty field
 * that nobody knows yet. Where the seed offers "other" and asks to specify it, the specification is a free-text
 * field of its own, personal like all free text. The seed's D.13 repeats "threat of action by law enforcement, who
 * by?" from the D.14 list: it is asked once, in D.14.
 */
@Component
public class CaseForm {

    /**
     * Raised each time the fields change meaning, so stored answers can be read with the definition they had.
     * 2: C.3 has the seed's own list (no MARRIAGE); C.7/C.8 places, C.10 yes/no and the "other, specify" texts added.
     */
    public static final int VERSION = 2;

    static final List<String> EXPLOITATION = SeedCodes.TRAFFICKING_TYPES;
    static final List<String> ACTIVITIES = List.of("AGRICULTURAL_WORK", "BEGGING", "CHILD_CARE", "CONSTRUCTION",
            "DOMESTIC_WORK", "FACTORY_WORK", "FISHING", "LOW_LEVEL_CRIMINAL_ACTIVITIES", "MARRIAGE", "MILITARY_SERVICE",
            "MINING", "PROSTITUTION", "RESTAURANTS_AND_HOTEL_WORK", "STUDY", "SMALL_STREET_COMMERCE", "TRADE",
            "TRANSPORT", "OTHER");
    /**
     * C.3, what the person believed they would do: the seed's own list, which unlike C.10 and D.12 has no marriage
     * (nobody migrates for work expecting to be married off).
     */
    static final List<String> EXPECTED_ACTIVITIES = ACTIVITIES.stream().filter(a -> !a.equals("MARRIAGE")).toList();
    static final List<String> COMPANIONS = List.of("HUSBAND", "WIFE", "PARTNER", "RELATIVE", "FRIEND", "RECRUITER",
            "TRANSPORTER", "UNKNOWN_PERSONS", "OTHER");
    static final List<String> CONTROLLERS = List.of("NOT_USED", "RECRUITER", "TRANSPORTER", "HARBOURER", "RECEIVER",
            "OTHER");
    static final List<String> EXPLOITERS = List.of("NOT_USED", "RECEIVER", "EXPLOITER", "CLIENTS", "OTHER");
    static final List<String> MEANS_OF_CONTROL = List.of("PhysicalAbuse", "PsychologicalAbuse", "SexualAbuse",
            "ThreatsToIndividual", "ThreatOfLawEnforcement", "ThreatsToFamily", "FalsePromises",
            "DenialOfMovement", "GivingOfDrugs", "GivingOfAlcohol", "DenialOfMedicalTreatment", "DenialOfFoodDrink",
            "WithholdingIdentityDocuments", "WithholdingTravelDocuments", "DebtBondage");

    private static final String A = "A. Registration data";
    private static final String B = "B. Case and interview data";
    private static final String C = "C. Entry into trafficking";
    private static final String D = "D. Exploitation phase";
    private static final String E = "E. Corroboration and decision";

    private final Map<String, FormField> fields = new LinkedHashMap<>();
    private final Clock clock;

    public CaseForm(JurisdictionSettings jurisdiction, Clock clock) {
        this.clock = clock;
        add(FormField.personal("firstNames", A, "First name(s)", FormField.Kind.TEXT, 200));
        add(FormField.personal("familyNames", A, "Family name(s)", FormField.Kind.TEXT, 200));
        add(FormField.code("sex", A, "Sex",
                SeedCodes.SEXES));
        add(FormField.typed("countryOfBirth", A, "Country of birth", FormField.Kind.COUNTRY));
        add(FormField.personal("placeOfBirth", A, "Place of birth", FormField.Kind.TEXT, 200));
        add(FormField.personal("lastResidence", A, "Last place of residence in country of origin",
                FormField.Kind.TEXT, 300));
        add(FormField.personal("dateOfBirth", A, "Date of birth", FormField.Kind.DATE, 10));
        add(FormField.typed("dateOfBirthEstimated", A, "Is the date of birth an estimate?", FormField.Kind.BOOLEAN));
        add(FormField.number("age", A, "Age (in number of years)", 0, 120));
        add(FormField.typed("citizenship", A, "Citizenship", FormField.Kind.COUNTRY));
        add(FormField.personal("ethnicity", A, "Ethnicity", FormField.Kind.TEXT, 100));
        add(FormField.personal("identityDocument", A, "Identity document (type, country, number and expiry date)",
                FormField.Kind.TEXT, 300));
        add(new FormField("place", A, "Place (" + jurisdiction.name() + ") where the situation occurred",
                FormField.Kind.CODE, jurisdiction.places(), false, 0, 0));
        add(FormField.typed("periodFrom", A, "Date or start of the period of the situation", FormField.Kind.DATE));
        add(FormField.typed("periodTo", A, "End of that period", FormField.Kind.DATE));
        add(FormField.codes("exploitationTypes", A, "Type of trafficking", EXPLOITATION));

        add(FormField.code("referrerType", B, "Type of referring organization/individual", List.of("NGO",
                "INTERNATIONAL_ORGANIZATION", "LAW_ENFORCEMENT", "IMMIGRATION", "GOVERNMENT", "EMBASSY", "IOM_MISSION",
                "HOTLINE", "SELF_REFERRAL", "FAMILY", "FRIEND", "CLIENT", "OTHER")));
        add(FormField.personal("referrerName", B, "Name/location of referring organization/individual",
                FormField.Kind.TEXT, 300));
        add(FormField.typed("screeningDate", B, "Screening date", FormField.Kind.DATE));
        add(FormField.personal("screeningLocation", B, "Screening location", FormField.Kind.TEXT, 200));
        add(FormField.personal("interviewerName", B, "Name of interviewer", FormField.Kind.TEXT, 200));
        add(FormField.personal("interviewerOrganisation", B, "Name of organization/institution", FormField.Kind.TEXT,
                200));
        add(FormField.personal("interviewerContact", B, "Contact details of interviewer", FormField.Kind.TEXT, 300));
        add(FormField.personal("referrerAddress", B, "Address and telephone number of referring organization",
                FormField.Kind.TEXT, 300));
        add(FormField.personal("languages", B, "Interviewee's language(s)", FormField.Kind.TEXT, 200));
        add(FormField.typed("interpreter", B, "Interpreter?", FormField.Kind.BOOLEAN));
        add(FormField.personal("interpreterName", B, "Name of interpreter", FormField.Kind.TEXT, 200));
        add(FormField.personal("guardians", B,
                "If minor: name(s), address(es) and telephone number of parent(s) or guardian(s)", FormField.Kind.TEXT,
                1000));

        add(FormField.personal("entryHow", C, "1. How did the individual enter the process?", FormField.Kind.TEXT,
                1000));
        add(FormField.typed("recruitment", C, "2. Did entry into the process involve recruitment?",
                FormField.Kind.BOOLEAN));
        add(FormField.code("recruitmentContact", C, "2. How was the contact with the recruiter initiated?",
                List.of("PERSONAL_CONTACT", "EMPLOYMENT_AGENCY", "TRAVEL_AGENCY", "INTERNET_ADVERTISEMENT",
                        "NEWSPAPER_ADVERTISEMENT", "RADIO_ADVERTISEMENT", "TELEVISION_ADVERTISEMENT", "OTHER")));
        add(FormField.personal("recruitmentContactOther", C, "2. Other way the contact was initiated, specify",
                FormField.Kind.TEXT, 200));
        add(FormField.codes("expectedActivities", C,
                "3. If labour migration, what activity did the individual believe they would do?",
                EXPECTED_ACTIVITIES));
        add(FormField.personal("expectedActivitiesOther", C, "3. Other activity they believed they would do, specify",
                FormField.Kind.TEXT, 200));
        add(FormField.number("promisedSalaryUsd", C, "4. Promised salary (equivalent in US$ per month)", 0,
                1_000_000));
        add(FormField.personal("promisedBenefits", C, "4. Other benefits promised", FormField.Kind.TEXT, 500));
        add(FormField.typed("entryDate", C, "5. Month/year the individual entered the process (any day of it)",
                FormField.Kind.DATE));
        add(FormField.typed("minorAtEntry", C, "6. Minor at the time of entry into the process?",
                FormField.Kind.BOOLEAN));
        add(FormField.typed("entryCountry", C, "7. Country the individual entered the process from",
                FormField.Kind.COUNTRY));
        add(FormField.personal("entryPlace", C, "7. Place the individual entered the process from",
                FormField.Kind.TEXT, 200));
        add(FormField.typed("destinationCountry", C, "8. Country of the last (or intended) destination",
                FormField.Kind.COUNTRY));
        add(FormField.personal("destinationPlace", C, "8. Place of the last (or intended) destination",
                FormField.Kind.TEXT, 200));
        add(FormField.typed("travelledAlone", C, "9. Did the individual travel alone?", FormField.Kind.BOOLEAN));
        add(FormField.codes("travelledWith", C, "9. If not, who with?", COMPANIONS));
        add(FormField.typed("transit", C, "10. Did the individual spend time in transit places/countries?",
                FormField.Kind.BOOLEAN));
        add(FormField.codes("transitWith", C, "10. Who did the individual travel with in transit?", COMPANIONS));
        add(FormField.typed("transitEngagedInActivity", C, "10. Did he or she engage in any activity in transit?",
                FormField.Kind.BOOLEAN));
        add(FormField.codes("transitActivities", C, "10. Activities engaged in while in transit", ACTIVITIES));
        add(FormField.personal("transitPlaces", C, "10. Transit places/countries and the activities in each",
                FormField.Kind.TEXT, 1000));
        for (String means : MEANS_OF_CONTROL) {
            add(FormField.codes("entry" + means, C, "11. " + words(means) + ": who by", CONTROLLERS));
        }
        add(FormField.personal("entryControlOther", C, "11. Other means of control, specify", FormField.Kind.TEXT,
                500));

        add(FormField.codes("activities", D, "12. Activities undertaken since arrival at the last destination",
                concat(ACTIVITIES, List.of("UNEMPLOYED"))));
        add(FormField.personal("activitiesOther", D, "12. Other activity since arrival, specify", FormField.Kind.TEXT,
                200));
        add(FormField.number("ageAtActivityStart", D, "13. Age when the activity began", 0, 120));
        add(FormField.number("activityMonths", D, "13. How long the main activity lasted (months)", 0, 1200));
        for (String means : MEANS_OF_CONTROL) {
            add(FormField.codes("exploitation" + means, D, "14. " + words(means) + ": who by", CONTROLLERS));
        }
        add(FormField.codes("exploitationExcessiveHours", D, "14. Excessive working hours: who by", EXPLOITERS));
        add(FormField.codes("exploitationNoRefusingClients", D,
                "14. If prostitution: denial of freedom to refuse clients, who by", EXPLOITERS));
        add(FormField.codes("exploitationNoRefusingActs", D,
                "14. If prostitution: denial of freedom to refuse certain acts, who by", EXPLOITERS));
        add(FormField.codes("exploitationNoCondom", D,
                "14. If prostitution: denial of freedom to use a condom, who by", EXPLOITERS));
        add(FormField.personal("exploitationControlOther", D, "14. Other means of control, specify",
                FormField.Kind.TEXT, 500));
        add(FormField.typed("exploited", D, "15. Did the individual experience exploitation?",
                FormField.Kind.BOOLEAN));
        add(FormField.typed("threatOfExploitation", D,
                "16. If not, was there a real and substantial threat of exploitation?", FormField.Kind.BOOLEAN));
        add(FormField.code("exploitationPrevented", D, "16. Why did exploitation never take place?",
                List.of("RESCUE", "ESCAPE", "OTHER")));
        add(FormField.personal("exploitationPreventedOther", D, "16. Other reason exploitation never took place, "
                + "specify", FormField.Kind.TEXT, 300));

        add(FormField.codes("corroboration", E, "17. Additional corroborative materials", List.of(
                "POLICE_OR_OFFICIAL_REPORTS", "IDENTITY_DOCUMENTS", "TRAVEL_DOCUMENTS", "MEDICAL_REPORTS",
                "EMPLOYMENT_CONTRACT_OR_OFFER", "PERSONAL_WRITINGS", "HOTLINE_REPORTS", "OTHER")));
        add(FormField.personal("corroborationOther", E, "17. Other corroborative materials, specify",
                FormField.Kind.TEXT, 300));
        add(FormField.code("votDecision", E, "18. Is the individual a victim of trafficking?", List.of("YES", "NO")));
        add(FormField.personal("votJustification", E, "18. Justify this decision", FormField.Kind.TEXT, 4000));
        add(FormField.personal("decisionMakers", E, "19. Decision made by whom (names)", FormField.Kind.TEXT, 500));
        add(FormField.code("traffickingScope", E, "20. If a victim: in-country or transnational trafficking?",
                List.of("IN_COUNTRY", "TRANSNATIONAL", "BOTH")));
        add(FormField.typed("eligibleForAssistance", E, "21. If a victim: eligible for the assistance programme?",
                FormField.Kind.BOOLEAN));
        add(FormField.typed("needsAssistance", E, "22. If not a victim: in need of assistance?",
                FormField.Kind.BOOLEAN));
        add(FormField.personal("assistanceSituation", E, "22. If so, the individual's situation",
                FormField.Kind.TEXT, 2000));
        add(FormField.personal("remarks", E, "23. Additional remarks", FormField.Kind.TEXT, 4000));
    }

    public Collection<FormField> fields() {
        return fields.values();
    }

    public FormField field(String name) {
        FormField field = name == null ? null : fields.get(name);
        if (field == null) {
            throw new InvalidField(String.valueOf(name).length() > 40 ? "field" : String.valueOf(name),
                    "the standard format has no such field");
        }
        return field;
    }

    /** A typed value in stored form, or null when cleared; rules within one field only. */
    public Object normalise(FormField field, Object raw) {
        Object value = field.normalise(raw, LocalDate.now(clock));
        if (value instanceof List<?> codes && codes.size() > 1 && codes.contains("NOT_USED")) {
            throw new InvalidField(field.name(), "'not used' cannot go with who used it");
        }
        return value;
    }

    private void add(FormField field) {
        fields.put(field.name(), field);
    }

    private static String words(String camel) {
        String spaced = camel.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
