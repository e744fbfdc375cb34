package org.tiphotline.intake;

import java.util.List;

/**
 * Code lists the seed's forms share (hotline, screening, online, standard format): one list each, so a kind of
 * trafficking added to one form is a kind of trafficking everywhere. The migrations' check constraints repeat them
 * on purpose, as the last line of defence.
 */
public final class SeedCodes {

    /** "Type of trafficking": the same options on every form of the seed. */
    public static final List<String> TRAFFICKING_TYPES = List.of("SEXUAL_EXPLOITATION", "PORNOGRAPHY",
            "ONLINE_SEXUAL_EXPLOITATION", "LABOUR", "DOMESTIC_LABOUR", "FORCED_MARRIAGE", "CHILD_LABOUR", "BEGGING",
            "STREET_SELLING", "OTHER");

    /** "Sex of the victim". */
    public static final List<String> SEXES = List.of("FEMALE", "MALE", "TRANSGENDER_FEMALE", "TRANSGENDER_MALE",
            "UNKNOWN");

    /** "Have you reported this potential case?" */
    public static final List<String> REPORTED_TO = List.of("NO_REPORT", "NTF", "POLICE", "OTHER_AGENCY");

    /** "The human trafficking effectively occurred / a potential situation was detected". */
    public static final List<String> SITUATIONS = List.of("OCCURRED", "POTENTIAL");

    private SeedCodes() {
    }
}
