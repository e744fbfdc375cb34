package org.tiphotline.exports;

import java.util.List;
import java.util.Map;

/**
 * The HTCDS field names and picklist values this system emits, as published by the HTCDS project (IOM,
 * github.com/UNMigration/HTCDS). Kept as literal copies so that a test can hold every mapped value against them: a
 * value that is not on its list would make the export unreadable by other HTCDS systems.
 *
 * <p>Sources (the official field workbook "HTCDS Field Standards 2.0.ods" is binary and could not be read here, so
 * each list names the text file it was taken from):
 * <ul>
 * <li>{@link #SURVEY}: {@code Toolkit/Survey/htcds_xlsform.xml} (the project's ODK survey toolkit, the version with
 * the consent, citizenship and trafficking-status fields introduced in 1.0): gender, trafficking status, type of
 * exploitation, type of sex exploitation, forced labour industry (ISIC tier 1), method of recruitment, case status,
 * consent.
 * <li>{@link #FIELD_DEFINITIONS}: {@code Field Definitions.md} (which describes the 2.0 additions): the
 * {@code MethodsOfControl…} yes/no fields. The survey toolkit lists a slightly different, older multi-select
 * ({@code PhysicalThreats}, {@code ThreatsLawEnforcement}, ...); the 2.0 definitions win.
 * <li>{@link #FIELD_REFERENCE}: {@code HTCDS Field Reference.md}: organisation type ({@code org_Type}), person names
 * and birth date, historic trafficking event place ({@code hte_Country}, {@code hte_State}, {@code hte_Date}).
 * </ul>
 * Countries are ISO 3166-1 alpha-2 in HTCDS, as in the registry, so they pass through unchanged.
 */
public final class HtcdsLists {

    public static final String SURVEY = "https://github.com/UNMigration/HTCDS/blob/master/Toolkit/Survey/htcds_xlsform.xml";
    public static final String FIELD_DEFINITIONS = "https://github.com/UNMigration/HTCDS/blob/master/Field%20Definitions.md";
    public static final String FIELD_REFERENCE = "https://github.com/UNMigration/HTCDS/blob/master/HTCDS%20Field%20Reference.md";

    public static final String GENDER = "prs_Gender";
    public static final String CITIZENSHIP = "prs_Citizenship";
    public static final String FIRST_NAME = "prs_FirstName";
    public static final String SECOND_NAME = "prs_SecondName";
    public static final String BIRTHDATE = "prs_Birthdate";
    public static final String TRAFFICKING_STATUS = "vic_TraffickingStatus";
    public static final String TYPE_OF_EXPLOITATION = "vic_TypeOfExploitation";
    public static final String TYPE_OF_SEX_EXPLOITATION = "vic_TypeOfSexExploitation";
    public static final String FORCED_LABOUR_INDUSTRY = "vic_ForcedLabourIndustry";
    public static final String METHOD_OF_RECRUITMENT = "vic_MethodOfRecruitment";
    public static final String CASE_STATUS = "cas_Status";
    public static final String CONSENT = "con_Consent";
    public static final String ORGANISATION_TYPE = "org_Type";
    public static final String EVENT_COUNTRY = "hte_Country";
    public static final String EVENT_STATE = "hte_State";
    public static final String EVENT_DATE = "hte_Date";

    /** Yes/no fields: HTCDS checkboxes, written TRUE or FALSE like the survey's consent. */
    public static final List<String> BOOLEAN = List.of("TRUE", "FALSE");

    /** Picklists by field; for {@code MethodsOfControl…} fields see {@link #METHODS_OF_CONTROL}. */
    public static final Map<String, List<String>> PICKLISTS = Map.of(
            GENDER, List.of("Feminine", "Masculine", "TransgenderFeminine", "TransgenderMasculine", "NonConforming",
                    "NonSpecifiedUnknown"),
            TRAFFICKING_STATUS, List.of("PossibleVictimOfTrafficking", "ActualVictimOfTrafficking",
                    "NotAVictimOfTrafficking"),
            TYPE_OF_EXPLOITATION, List.of("ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage",
                    "Servitude", "ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption",
                    "Surrogacy", "Other"),
            TYPE_OF_SEX_EXPLOITATION, List.of("Prostitution", "Pornography", "RemoteInteractiveServices",
                    "PrivateSexualServices"),
            FORCED_LABOUR_INDUSTRY, List.of("A_AgricultureForestryAndFishing", "B_MiningAndQuarrying",
                    "C_Manufacturing", "D_ElectricityGasSteamAndAirConditioningSupply",
                    "E_WaterSupplySewerageWasteManagement", "F_Construction",
                    "G_WholesaleAndRetailTradeRepairOfMotorVehicles", "H_TransportationAndStorage",
                    "I_AccommodationAndFoodServiceActivities", "J_InformationAndCommunication",
                    "K_FinancialAndInsuranceActivities", "L_RealEstateActivities",
                    "M_ProfessionalScientificAndTechnicalActivities", "N_AdministrativeAndSupportServiceActivities",
                    "O_PublicAdministrationAndDefence", "P_Education", "Q_HumanHealthAndSocialWorkActivities",
                    "R_ArtsEntertainmentAndRecreation", "S_OtherServiceActivities",
                    "T_ActivitiesOfHouseholdsAsEmployers", "U_ActivitiesOfExtraterritorialOrganizations"),
            METHOD_OF_RECRUITMENT, List.of("AtAPlaceOfBusiness", "AtAnEducationalInstitution", "AtWork",
                    "ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement", "ThroughATelevisionAdvert",
                    "ThroughANewspaperAdvert", "ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents", "Other"),
            CASE_STATUS, List.of("Active", "FollowUp", "Closed", "ClosedReferred"),
            CONSENT, BOOLEAN,
            ORGANISATION_TYPE, List.of("NGO", "LawEnforcement", "HealthServiceOrganisation",
                    "CentralGovernmentOrganisation", "LocalGovernmentOrganisation", "ImmigrationService",
                    "LegalService", "CorporateBusiness"));

    /** The 2.0 methods-of-control fields, each a yes/no of its own. */
    public static final List<String> METHODS_OF_CONTROL = List.of("MethodsOfControlDebtBondage",
            "MethodsOfControlTakesEarnings", "MethodsOfControlRestrictsFinancialAccess", "MethodsOfControlThreats",
            "MethodsOfControlPsychologicalAbuse", "MethodsOfControlPhysicalAbuse", "MethodsOfControlSexualAbuse",
            "MethodsOfControlFalsePromises", "MethodsOfControlPsychoactiveSubstances",
            "MethodsOfControlRestrictsMovement", "MethodsOfControlRestrictsMedicalCare",
            "MethodsOfControlExcessiveWorkingHours", "MethodsOfControlUsesChildren",
            "MethodsOfControlThreatOfLawEnforcement", "MethodsOfControlWithholdsNecessities",
            "MethodsOfControlWithholdsDocuments", "MethodsOfControlOther");

    /** Fields HTCDS has no equivalent for that the export still carries, under this prefix so nobody mistakes them. */
    public static final String EXTENSION_PREFIX = "ext_";

    private HtcdsLists() {
    }
}
