package org.tiphotline.exports;

import static org.tiphotline.exports.HtcdsLists.CASE_STATUS;
import static org.tiphotline.exports.HtcdsLists.FORCED_LABOUR_INDUSTRY;
import static org.tiphotline.exports.HtcdsLists.GENDER;
import static org.tiphotline.exports.HtcdsLists.METHOD_OF_RECRUITMENT;
import static org.tiphotline.exports.HtcdsLists.ORGANISATION_TYPE;
import static org.tiphotline.exports.HtcdsLists.TRAFFICKING_STATUS;
import static org.tiphotline.exports.HtcdsLists.TYPE_OF_EXPLOITATION;
import static org.tiphotline.exports.HtcdsLists.TYPE_OF_SEX_EXPLOITATION;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tiphotline.registry.CaseStatus;

/**
 * How every code list of the registry (the IOM standard format, {@code CaseForm}, and the case statuses) becomes
 * HTCDS v2 fields and values. Written out code by code on purpose: a new code in the form must fail the mapping test
 * until someone decides what it means in HTCDS, instead of silently leaving the export.
 *
 * <p>One of our codes may say more than one HTCDS field can: {@code DOMESTIC_LABOUR} is forced labour in the
 * households-as-employers industry, {@code ONLINE_SEXUAL_EXPLOITATION} is sexual exploitation by remote
 * interactive services. Where HTCDS has nothing close the code maps to nothing, and the field's original code
 * travels in an {@code ext_} column when it is worth keeping.
 */
public final class HtcdsMapping {

    /** One HTCDS field and the value it takes. */
    public record Value(String field, String code) {}

    /** Fields whose values pass through unchanged (ISO countries, the jurisdiction's own place names). */
    public static final Map<String, String> PASS_THROUGH = Map.of(
            "citizenship", HtcdsLists.CITIZENSHIP,
            "countryOfBirth", "ext_CountryOfBirth",
            "place", HtcdsLists.EVENT_STATE);

    /**
     * Fields of the form that no export carries, and why. Anything here is a decision, not an oversight: the mapping
     * test fails for any field of the form that is neither mapped, passed through, exported some other way
     * ({@link #EXPORTED_OTHERWISE}, the identifying export's personal columns) nor listed here.
     */
    public static final Map<String, String> NOT_EXPORTED;

    /** Fields that are not code lists but still reach an export, and as what. */
    public static final Map<String, String> EXPORTED_OTHERWISE = Map.of(
            "age", "ext_AgeBand (and ext_Age in identifying exports)",
            "periodFrom", "ext_Year");

    static {
        String narrative = "free text about people: narratives never leave in any export";
        String staff = "names and contacts of interviewers and referrers: not the person's data, and not HTCDS's";
        String noField = "HTCDS has no field for it";
        Map<String, String> left = new LinkedHashMap<>();
        left.put("expectedActivities", "what the person was promised (C.3) has no HTCDS field");
        left.put("travelledWith", "companions (C.9) have no HTCDS field; HTCDS keeps relationships on perpetrator "
                + "records");
        left.put("transitWith", "companions in transit (C.10) have no HTCDS field");
        left.put("transitActivities", "transit activities (C.10) have no HTCDS field");
        left.put("exploitationPrevented", "why exploitation never happened (D.16) has no HTCDS field");
        left.put("corroboration", "corroborative materials (E.17) describe the file, not the person, and have no "
                + "HTCDS field");
        left.put("entryCountry", "HTCDS places events by address; the country of entry (C.7) is not exported");
        left.put("destinationCountry", "HTCDS places events by address; the destination (C.8) is not exported");
        left.put("entryPlace", "a place named in free text (C.7) could point at the person; HTCDS wants an address");
        left.put("destinationPlace", "a place named in free text (C.8) could point at the person; HTCDS wants an "
                + "address");
        for (String text : List.of("entryHow", "recruitmentContactOther", "expectedActivitiesOther",
                "promisedBenefits", "transitPlaces", "entryControlOther", "activitiesOther", "exploitationControlOther",
                "exploitationPreventedOther", "corroborationOther", "votJustification", "decisionMakers",
                "assistanceSituation", "remarks", "referrerName", "screeningLocation")) {
            left.put(text, narrative);
        }
        for (String person : List.of("interviewerName", "interviewerOrganisation", "interviewerContact",
                "referrerAddress", "interpreterName")) {
            left.put(person, staff);
        }
        for (String typed : List.of("dateOfBirthEstimated", "periodTo", "screeningDate", "interpreter", "recruitment",
                "promisedSalaryUsd", "entryDate", "minorAtEntry", "travelledAlone", "transit",
                "transitEngagedInActivity", "ageAtActivityStart", "activityMonths", "exploited", "threatOfExploitation",
                "eligibleForAssistance", "needsAssistance")) {
            left.put(typed, noField);
        }
        NOT_EXPORTED = java.util.Collections.unmodifiableMap(left);
    }

    /** C.11 and D.14 means of control (both phases) to the HTCDS 2.0 methods-of-control yes/no fields. */
    public static final Map<String, String> MEANS_OF_CONTROL;

    /** Every code-list field's codes to their HTCDS values. */
    public static final Map<String, Map<String, List<Value>>> CODES;

    /** Case statuses to HTCDS case status (the case's own life, not the decision about the person). */
    public static final Map<CaseStatus, String> STATUS = Map.of(
            CaseStatus.POTENTIAL, "Active",
            CaseStatus.UNDER_ASSESSMENT, "Active",
            CaseStatus.CONFIRMED_VICTIM, "Active",
            CaseStatus.NOT_A_VICTIM, "Active",
            // Referral is where our process hands the case on; HTCDS has no open-and-referred status.
            CaseStatus.REFERRED, "ClosedReferred",
            CaseStatus.CLOSED, "Closed");

    /** HTCDS trafficking status when question 18 has not been answered yet. */
    public static final String UNDECIDED = "PossibleVictimOfTrafficking";

    static {
        Map<String, String> means = new LinkedHashMap<>();
        Map<String, String> byMeans = Map.ofEntries(
                Map.entry("PhysicalAbuse", "MethodsOfControlPhysicalAbuse"),
                Map.entry("PsychologicalAbuse", "MethodsOfControlPsychologicalAbuse"),
                Map.entry("SexualAbuse", "MethodsOfControlSexualAbuse"),
                // HTCDS threats cover harm "to the individual or another"; threats of the law have their own field.
                Map.entry("ThreatsToIndividual", "MethodsOfControlThreats"),
                Map.entry("ThreatsToFamily", "MethodsOfControlThreats"),
                Map.entry("ThreatOfLawEnforcement", "MethodsOfControlThreatOfLawEnforcement"),
                Map.entry("FalsePromises", "MethodsOfControlFalsePromises"),
                Map.entry("DenialOfMovement", "MethodsOfControlRestrictsMovement"),
                Map.entry("GivingOfDrugs", "MethodsOfControlPsychoactiveSubstances"),
                Map.entry("GivingOfAlcohol", "MethodsOfControlPsychoactiveSubstances"),
                Map.entry("DenialOfMedicalTreatment", "MethodsOfControlRestrictsMedicalCare"),
                Map.entry("DenialOfFoodDrink", "MethodsOfControlWithholdsNecessities"),
                Map.entry("WithholdingIdentityDocuments", "MethodsOfControlWithholdsDocuments"),
                Map.entry("WithholdingTravelDocuments", "MethodsOfControlWithholdsDocuments"),
                Map.entry("DebtBondage", "MethodsOfControlDebtBondage"));
        byMeans.forEach((m, field) -> {
            means.put("entry" + m, field);
            means.put("exploitation" + m, field);
        });
        means.put("exploitationExcessiveHours", "MethodsOfControlExcessiveWorkingHours");
        // HTCDS counts "preventing condom negotiation" as sexual abuse; refusing clients or acts has no field of its own.
        means.put("exploitationNoCondom", "MethodsOfControlSexualAbuse");
        means.put("exploitationNoRefusingClients", "MethodsOfControlOther");
        means.put("exploitationNoRefusingActs", "MethodsOfControlOther");
        MEANS_OF_CONTROL = Map.copyOf(means);

        Map<String, Map<String, List<Value>>> codes = new LinkedHashMap<>();
        codes.put("sex", Map.of(
                "FEMALE", one(GENDER, "Feminine"),
                "MALE", one(GENDER, "Masculine"),
                "TRANSGENDER_FEMALE", one(GENDER, "TransgenderFeminine"),
                "TRANSGENDER_MALE", one(GENDER, "TransgenderMasculine"),
                "UNKNOWN", one(GENDER, "NonSpecifiedUnknown")));
        codes.put("exploitationTypes", Map.of(
                "SEXUAL_EXPLOITATION", one(TYPE_OF_EXPLOITATION, "SexualExploitation"),
                "PORNOGRAPHY", two(TYPE_OF_EXPLOITATION, "SexualExploitation", TYPE_OF_SEX_EXPLOITATION, "Pornography"),
                "ONLINE_SEXUAL_EXPLOITATION", two(TYPE_OF_EXPLOITATION, "SexualExploitation", TYPE_OF_SEX_EXPLOITATION,
                        "RemoteInteractiveServices"),
                "LABOUR", one(TYPE_OF_EXPLOITATION, "ForcedLabour"),
                "DOMESTIC_LABOUR", two(TYPE_OF_EXPLOITATION, "ForcedLabour", FORCED_LABOUR_INDUSTRY,
                        "T_ActivitiesOfHouseholdsAsEmployers"),
                "FORCED_MARRIAGE", one(TYPE_OF_EXPLOITATION, "ForcedMarriage"),
                "CHILD_LABOUR", one(TYPE_OF_EXPLOITATION, "ChildLabour"),
                "BEGGING", one(TYPE_OF_EXPLOITATION, "ForcedBegging"),
                // Street vending is retail trade in ISIC (section G, 47.8-47.9).
                "STREET_SELLING", two(TYPE_OF_EXPLOITATION, "ForcedLabour", FORCED_LABOUR_INDUSTRY,
                        "G_WholesaleAndRetailTradeRepairOfMotorVehicles"),
                "OTHER", one(TYPE_OF_EXPLOITATION, "Other")));
        // D.12, what the person did at the last destination: the industry of the labour, or the kind of exploitation.
        codes.put("activities", Map.ofEntries(
                Map.entry("AGRICULTURAL_WORK", one(FORCED_LABOUR_INDUSTRY, "A_AgricultureForestryAndFishing")),
                Map.entry("BEGGING", one(TYPE_OF_EXPLOITATION, "ForcedBegging")),
                Map.entry("CHILD_CARE", one(FORCED_LABOUR_INDUSTRY, "T_ActivitiesOfHouseholdsAsEmployers")),
                Map.entry("CONSTRUCTION", one(FORCED_LABOUR_INDUSTRY, "F_Construction")),
                Map.entry("DOMESTIC_WORK", one(FORCED_LABOUR_INDUSTRY, "T_ActivitiesOfHouseholdsAsEmployers")),
                Map.entry("FACTORY_WORK", one(FORCED_LABOUR_INDUSTRY, "C_Manufacturing")),
                Map.entry("FISHING", one(FORCED_LABOUR_INDUSTRY, "A_AgricultureForestryAndFishing")),
                Map.entry("LOW_LEVEL_CRIMINAL_ACTIVITIES", one(TYPE_OF_EXPLOITATION, "Other")),
                Map.entry("MARRIAGE", one(TYPE_OF_EXPLOITATION, "ForcedMarriage")),
                // Not "ForcedMilitaryByNonStateActors": the form does not say who ran the military service.
                Map.entry("MILITARY_SERVICE", one(FORCED_LABOUR_INDUSTRY, "O_PublicAdministrationAndDefence")),
                Map.entry("MINING", one(FORCED_LABOUR_INDUSTRY, "B_MiningAndQuarrying")),
                Map.entry("PROSTITUTION", two(TYPE_OF_EXPLOITATION, "SexualExploitation", TYPE_OF_SEX_EXPLOITATION,
                        "Prostitution")),
                Map.entry("RESTAURANTS_AND_HOTEL_WORK", one(FORCED_LABOUR_INDUSTRY,
                        "I_AccommodationAndFoodServiceActivities")),
                Map.entry("STUDY", List.of()),
                Map.entry("SMALL_STREET_COMMERCE", one(FORCED_LABOUR_INDUSTRY,
                        "G_WholesaleAndRetailTradeRepairOfMotorVehicles")),
                Map.entry("TRADE", one(FORCED_LABOUR_INDUSTRY, "G_WholesaleAndRetailTradeRepairOfMotorVehicles")),
                Map.entry("TRANSPORT", one(FORCED_LABOUR_INDUSTRY, "H_TransportationAndStorage")),
                Map.entry("OTHER", List.of()),
                Map.entry("UNEMPLOYED", List.of())));
        codes.put("recruitmentContact", Map.of(
                // A personal contact may be family, friends or work: HTCDS's "Other" rather than a guess.
                "PERSONAL_CONTACT", one(METHOD_OF_RECRUITMENT, "Other"),
                "EMPLOYMENT_AGENCY", one(METHOD_OF_RECRUITMENT, "AtAPlaceOfBusiness"),
                "TRAVEL_AGENCY", one(METHOD_OF_RECRUITMENT, "AtAPlaceOfBusiness"),
                "INTERNET_ADVERTISEMENT", one(METHOD_OF_RECRUITMENT, "ThroughAnOnlineAdvertisement"),
                "NEWSPAPER_ADVERTISEMENT", one(METHOD_OF_RECRUITMENT, "ThroughANewspaperAdvert"),
                "RADIO_ADVERTISEMENT", one(METHOD_OF_RECRUITMENT, "Other"),
                "TELEVISION_ADVERTISEMENT", one(METHOD_OF_RECRUITMENT, "ThroughATelevisionAdvert"),
                "OTHER", one(METHOD_OF_RECRUITMENT, "Other")));
        // B: the referring organisation's type, where the referrer is an organisation HTCDS has a type for; the
        // original code always goes in ext_ReferrerType.
        codes.put("referrerType", Map.ofEntries(
                Map.entry("NGO", one(ORGANISATION_TYPE, "NGO")),
                Map.entry("INTERNATIONAL_ORGANIZATION", List.of()),
                Map.entry("LAW_ENFORCEMENT", one(ORGANISATION_TYPE, "LawEnforcement")),
                Map.entry("IMMIGRATION", one(ORGANISATION_TYPE, "ImmigrationService")),
                Map.entry("GOVERNMENT", one(ORGANISATION_TYPE, "CentralGovernmentOrganisation")),
                Map.entry("EMBASSY", one(ORGANISATION_TYPE, "CentralGovernmentOrganisation")),
                Map.entry("IOM_MISSION", List.of()),
                Map.entry("HOTLINE", List.of()),
                Map.entry("SELF_REFERRAL", List.of()),
                Map.entry("FAMILY", List.of()),
                Map.entry("FRIEND", List.of()),
                Map.entry("CLIENT", List.of()),
                Map.entry("OTHER", List.of())));
        codes.put("votDecision", Map.of(
                "YES", one(TRAFFICKING_STATUS, "ActualVictimOfTrafficking"),
                "NO", one(TRAFFICKING_STATUS, "NotAVictimOfTrafficking")));
        codes.put("traffickingScope", Map.of(
                "IN_COUNTRY", one("ext_TraffickingScope", "IN_COUNTRY"),
                "TRANSNATIONAL", one("ext_TraffickingScope", "TRANSNATIONAL"),
                "BOTH", one("ext_TraffickingScope", "BOTH")));
        for (Map.Entry<String, String> m : MEANS_OF_CONTROL.entrySet()) {
            Map<String, List<Value>> whoBy = new LinkedHashMap<>();
            // Who used it (recruiter, receiver, ...) HTCDS keeps on perpetrator records; here only whether it was used.
            for (String who : List.of("NOT_USED", "RECRUITER", "TRANSPORTER", "HARBOURER", "RECEIVER", "EXPLOITER",
                    "CLIENTS", "OTHER")) {
                whoBy.put(who, one(m.getValue(), "NOT_USED".equals(who) ? "FALSE" : "TRUE"));
            }
            codes.put(m.getKey(), whoBy);
        }
        codes.put("status", statusCodes());
        CODES = Map.copyOf(codes);
    }

    private HtcdsMapping() {
    }

    /** The HTCDS values one of our codes stands for (possibly none); unknown field or code: an exception. */
    public static List<Value> map(String field, String code) {
        Map<String, List<Value>> codes = CODES.get(field);
        if (codes == null || !codes.containsKey(code)) {
            throw new IllegalArgumentException("no HTCDS mapping for " + field + "=" + code);
        }
        return codes.get(code);
    }

    /** Every HTCDS field the mapping may produce, extension fields included. */
    public static Set<String> producedFields() {
        Set<String> fields = new java.util.TreeSet<>();
        CODES.values().forEach(codes -> codes.values().forEach(values -> values.forEach(v -> fields.add(v.field()))));
        fields.addAll(PASS_THROUGH.values());
        return fields;
    }

    private static Map<String, List<Value>> statusCodes() {
        Map<String, List<Value>> status = new LinkedHashMap<>();
        STATUS.forEach((s, code) -> status.put(s.name(), one(CASE_STATUS, code)));
        return status;
    }

    private static List<Value> one(String field, String code) {
        return List.of(new Value(field, code));
    }

    private static List<Value> two(String field, String code, String field2, String code2) {
        List<Value> values = new ArrayList<>();
        values.add(new Value(field, code));
        values.add(new Value(field2, code2));
        return List.copyOf(values);
    }
}
