package org.tiphotline.escalation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an alert tells an agency: what responders need to act and call back, naming no one. Identifying details of
 * the victim or caller are added only when the escalation's disclosure holds at the moment of sending (the
 * consent is still recorded, the victim is still under 18) and the channel is one that may carry them.
 *
 * @param round 1 for the first alert, then one more each time nobody acknowledged in time
 * @param urgentCall the caller said someone is in immediate danger, or did not answer that question
 * @param situation what the report says so far without naming anyone; null before a report exists
 * @param disclosure why identifying details may be given; null: they may not
 * @param identifying the identifying details themselves; null unless given in this alert
 * @param identifyingWithheld why details that may be given are not in this alert (the channel); else null
 * @param callbackRoute how the agency reaches the hotline about this escalation (its public reference)
 * @param acknowledgeUrl a signed, expiring link that acknowledges it without signing in; null when not configured
 */
public record AlertPacket(String escalation, String agency, String agencyName, Escalation.Level level,
        String reason, Instant raisedAt, int round, String language, boolean urgentCall, Situation situation,
        Escalation.Disclosure disclosure, Map<String, String> identifying, String identifyingWithheld,
        String callbackRoute, String acknowledgeUrl) {

    /**
     * @param place the jurisdiction's place code (a parish, a quarter), not an address
     * @param minorsInvolved null when the victim's age is not known
     */
    public record Situation(String place, List<String> exploitation, Boolean minorsInvolved, Integer peopleInvolved,
            String victimSex) {}
}
