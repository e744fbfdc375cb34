/**
 * The bridge to a task force's own Asterisk (20 or 22 LTS): the IVR over FastAGI, call tracking and control
 * over AMI.
 *
 * <p><b>Mechanism: Redirect into a Dial context.</b> The caller's channel is the call for its whole life; its
 * Uniqueid is the provider call id. After the IVR the dialplan holds it in {@code hotline-wait} (music on hold).
 * When the core's routing brain picks an operator, the adapter sets {@code HOTLINE_OPERATOR_ENDPOINT} on the
 * channel (AMI Setvar) and Redirects it to {@code hotline-connect}, whose {@code Dial} rings the operator's phone
 * with music for the caller. Asterisk reports the rest in its own standard events, correlated by the caller's
 * Uniqueid: {@code DialBegin} (ringing), {@code DialEnd} (ANSWER, or NOANSWER/BUSY/CHANUNAVAIL/CONGESTION: no
 * answer; CANCEL: ours or the caller's doing), {@code BridgeLeave} (the first party to leave a two-party bridge
 * hung up) and {@code Hangup}. Withdrawing an offer Redirects the caller back to {@code hotline-wait}, which
 * cancels the Dial.
 *
 * <p>Why not the alternatives: <i>Originate + Bridge</i> creates a new channel per attempt, Local channel halves
 * to filter, and a caller who sits in limbo if the application dies between the two actions; <i>Asterisk
 * queues</i> would make Asterisk a second routing brain, which the core must be the only one of. With Redirect
 * into Dial there are no Local channels, ringing and answer are Asterisk's own, and if the application dies the
 * caller keeps hearing music and the dialplan's timeout sends them to the fallback line.
 *
 * <p>Escalation: caller and operator are Redirected together into a ConfBridge named after the call and the
 * escalation line is Originated into it; a transfer is the same conference that the operator leaves once the
 * line answered and joined, so a caller is never alone with a line that does not answer. Operator and escalation
 * line are ConfBridge "marked" users and the caller's profile ends with the last of them, so a caller is never
 * left alone in a conference either; a caller who hangs up closes the conference for everyone.
 *
 * <p>Survival: {@link org.tiphotline.telephony.asterisk.AmiLink} keeps the link (ping, reconnect) and after
 * every connection the adapter resyncs from {@code CoreShowChannels}: records of calls that ended meanwhile are
 * closed, calls without a record get one, offers that rang out or were answered meanwhile are reported.
 */
package org.tiphotline.telephony.asterisk;
