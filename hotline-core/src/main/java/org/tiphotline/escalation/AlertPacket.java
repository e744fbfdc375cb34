package org.tiphotline.escalation;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an alert tells an agency: what responders need to act and call back, naming no one. Identifying details of
 * the victim or caller are added only when the escalation's disclosure holds at the moment of sending (the
 * consent is still recorded, the victim is still under 18) and the channel is one that may carry them.
 *
 * @param danger the nature of the danger, as a code (the operator's own words are personal: in {@code identifying})
 * @param source who raised it: an operator, the caller's answer in the phone menu, a rule (a minor)
 * @param round 1 for the first alert, then one more each time nobody acknowledged in time
 * @param urgentCall the caller said someone is in immediate danger, or did not answer that question
 * @param situation what the report says so far without naming anyone; null before a report exists
 * @param disclosure why identifying details may be given; null: they may not
 * @param identifying the identifying details themselves; null unless given in this alert
 * @param identifyingWithheld why details that may be given are not in this alert (the channel); else null
 * @param callbackRoute how the agency reaches the hotline about this escalation: the line to call and the
 *     reference to give
 * @param acknowledgeUrl a signed, expiring link that acknowledges it without signing in; null when not configured
 *     and in supervisors' alerts (they do not acknowledge for the agency)
 * @param forSupervisors this copy goes to the hotline's supervisors: the agency has not acknowledged in time
 */
public record AlertPacket(String escalation, String agency, String agencyName, Escalation.Level level,
        Escalation.Danger danger, Escalation.Source source, Instant raisedAt, int round, String language,
        boolean urgentCall, Situation situation, Escalation.Disclosure disclosure, Map<String, String> identifying,
        String identifyingWithheld, CallbackRoute callbackRoute, String acknowledgeUrl, boolean forSupervisors) {

    /**
     * @param line the hotline's number for agencies to call back on; null when the deployment has not set one
     * @param reference what to give when calling: the escalation's short reference
     */
    public record CallbackRoute(String line, String reference) {}

    /**
     * @param place the jurisdiction's place code (a parish, a quarter), not an address
     * @param minorsInvolved null when the victim's age is not known
     */
    public record Situation(String place, List<String> exploitation, Boolean minorsInvolved, Integer peopleInvolved,
            String victimSex) {}
}
