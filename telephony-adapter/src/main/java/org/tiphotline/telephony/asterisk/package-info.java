/**
 * The bridge to a task force's own Asterisk (20 or 22 LTS): the IVR over FastAGI, call tracking and control
 * over AMI.
 *
 * <p><b>Mechanism: Redirect into a Dial context.</b> The caller's channel is the call for its whole life; its
 * Uniqueid is the provider call id. After the IVR the dialplan holds it in {@code hotline-wait} (music on hold).
 * When the core's routing brain picks an operator, the adapter sets {@code HOTLINE_OPERATOR_ENDPOINT},
 * {@code HOTLINE_RING_SECONDS} and an offer number {@code HOTLINE_OFFER} on the channel (AMI Setvar) and Redirects
 * it to {@code hotline-connect}, whose {@code Dial} rings the operator's phone with music for the caller.
 * Asterisk reports the rest in its own standard events, correlated by the caller's Uniqueid: {@code DialBegin}
 * (ringing), {@code DialEnd} (ANSWER, or NOANSWER/BUSY/CHANUNAVAIL/CONGESTION: no answer; CANCEL: ours or the
 * caller's doing), {@code BridgeLeave} (the first party to leave a two-party bridge hung up) and {@code Hangup}.
 * Withdrawing an offer Redirects the caller back to {@code hotline-wait}, which cancels the Dial.
 *
 * <p><b>A Dial that creates no channel</b> (the operator's phone is not registered: Asterisk logs "Could not
 * create dialog to invalid URI" and DIALSTATUS is CHANUNAVAIL) sends no DialBegin and no DialEnd. So after every
 * unanswered Dial the dialplan raises {@code UserEvent(HotlineDialFailed)} with DIALSTATUS and the offer number it
 * dialled ({@link org.tiphotline.telephony.asterisk.HotlineDialFailedEvent}). When no DialBegin came for that
 * offer, the phone is taken as not connected: the core records the offer as unanswered with "phone not
 * connected", the operator is shown as such (not set away: they never heard a ring) and is skipped by routing,
 * and the caller goes to the next operator at once. Asterisk's {@code DeviceStateChange} for the operator's
 * endpoint tells when the phone is back (UNAVAILABLE: still unreachable); after an AMI reconnection every phone is
 * given the benefit of the doubt again, since a refusal costs one immediate report, not a wait.
 *
 * <p>Classes by job: {@code AsteriskLine} (the core's commands), {@code CallTracking} (Asterisk's events),
 * {@code AsteriskEscalation} (conference and transfer), {@code AsteriskResync} (after each connection),
 * {@code AsteriskCalls} (the state they share), {@code AmiLink} (the connection), {@code HotlineIvr} (FastAGI),
 * {@code CommandHandover}, {@code CommandListener} and {@code CommandCarrier} (commands from a node without the
 * link), {@code SharedCalls} (what the nodes share in PostgreSQL).
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
 * <p>IVR prompts: Asterisk answers {@code result=-1} to STREAM FILE both for a missing sound file and for a caller
 * who hung up during it. A hang-up is known from the channel (the HANGUP line, 511 for the next command, the
 * socket closing), so on -1 the IVR asks the channel's status; a live caller hears the default language's prompt
 * (or the question's silence) and a configuration fault is logged.
 *
 * <p>Survival: {@link org.tiphotline.telephony.asterisk.AmiLink} keeps the link (ping, reconnect) and after
 * every connection the adapter resyncs from {@code CoreShowChannels}: records of calls that ended meanwhile are
 * closed, calls without a record get one, offers that rang out or were answered meanwhile are reported, and an
 * offer withdrawn while nobody held the link but still ringing is sent back to music on hold. A command the core
 * gives while the link is down is not lost either: it is handed over like a follower's (below) and carried out
 * after the resync if it is still valid (an offer that still stands), which replaced the in-memory list of connects
 * held while AMI was down. A new leader after a takeover runs the same resync; what it must know of calls it never
 * rang comes from the call records (who is offered the call, who talks on it) and the channel list (the operator's
 * leg, the conference).
 *
 * <p><b>Two nodes.</b> FastAGI is served by every node (the sample dialplan tries the second when the first does
 * not answer). The AMI link is held by the leading node only ({@link org.tiphotline.cluster.Leadership}): taken on
 * {@code Gained}, let go at once on {@code Lost} and when the node stops, so there is one AMI connection acting and
 * the other node ready. Routing may decide on either node: a node whose link is not held and resynced hands its
 * command over durably (V49's {@code asterisk_command}, plus a {@code NOTIFY} on commit carrying the id only, never
 * a number; the leader also looks at its resync and every 3 s in case one was missed). The leader claims commands
 * in order with {@code FOR UPDATE SKIP LOCKED}, decides each one's fate and marks it done in that transaction, then
 * acts: once while it lives, at most once across its death, which the core's own timeouts cover (an offer rings
 * out). Numbers travel encrypted and are erased once the command is done. The leader with a synced link acts
 * directly, as a single node always did. Shared state, field by field:
 * <ul>
 * <li>{@code AsteriskCalls.live} (LiveCall by Uniqueid): a follower's IVR writes the caller's Uniqueid, channel and
 *     an arrival number from a PostgreSQL sequence (V50's {@code asterisk_channel}); the leader loads it when it
 *     must ring or escalate that call, and reports the caller's hang-up from its row when it never needed it. The
 *     leader's own IVR callers stay in memory: their channels exist before any later channel list is asked for.
 *     The rest of a LiveCall (ringing, talking, the operator's leg, the conference) is the leader's alone, from
 *     its own commands and Asterisk's events, re-derived after a takeover from the records and the channel list.</li>
 * <li>{@code arrivals}: the leader's in memory, the followers' as the sequence; a resync reads both before it asks
 *     for the channel list, and keeps the records of callers numbered after either.</li>
 * <li>offer numbers: from the clock ({@code HOTLINE_OFFER}), so a new leader never repeats one an earlier leader
 *     made; a late report of an earlier leader's offer is then ignored and the core's offer timeout settles it.</li>
 * <li>{@code rungEndpoints}: re-derived at every resync from the operators' phones set on the administration
 *     page, so a new leader knows whose device state an event is before it rings anyone.</li>
 * <li>unreachable phones ({@code CallTracking}): V50's {@code asterisk_unreachable_phone}, so a new leader gives
 *     each the benefit of the doubt again and tells routing, as after a reconnection.</li>
 * <li>connects held while the link was down: V49's table (above). The link's state for {@code cannotCallBack}
 *     on a follower: V50's {@code asterisk_link}, written by the leader.</li>
 * <li>callbacks in progress ({@code AsteriskCallbacks}): only the leader dials and follows them; after a takeover
 *     the resync keeps those Asterisk still carries open and reconciliation closes the rest.</li>
 * </ul>
 */
package org.tiphotline.telephony.asterisk;
