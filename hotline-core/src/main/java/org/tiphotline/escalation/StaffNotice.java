package org.tiphotline.escalation;

/**
 * A notice to the hotline's own supervisors through their alert channels that is not about an escalation (an
 * urgent call nobody is free to take). Words for people, naming no one: no number, no caller's words.
 *
 * @param subject one line (an e-mail's subject)
 * @param text what happened and what to do, short enough for one SMS
 */
public record StaffNotice(String subject, String text) {
}
