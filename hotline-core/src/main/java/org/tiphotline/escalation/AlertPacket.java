package org.tiphotline.escalation;

import java.time.Instant;

/**
 * What an alert tells an agency. Nothing here identifies the victim or the caller: identifying details are
 * added only under the consent and override rules (not built yet), so an alert that leaves today carries
 * what a responder needs to act and call back, and nothing that names anyone.
 *
 * @param round 1 for the first alert, then one more each time nobody acknowledged in time
 * @param urgentCall the caller said someone is in immediate danger, or did not answer that question
 * @param callbackRoute how the agency reaches the hotline about this escalation (its public reference)
 * @param acknowledgeUrl a signed, expiring link that acknowledges it without signing in; null when not configured
 */
public record AlertPacket(String escalation, String agency, String agencyName, Escalation.Level level,
        String reason, Instant raisedAt, int round, String language, boolean urgentCall,
        String callbackRoute, String acknowledgeUrl) {}
