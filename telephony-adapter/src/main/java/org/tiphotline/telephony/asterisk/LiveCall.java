package org.tiphotline.telephony.asterisk;

import org.tiphotline.operators.OperatorId;

/**
 * What the adapter knows of one call on Asterisk. Touched by the AMI event thread and the core's routing thread;
 * the mutable fields are guarded by the object's own monitor, never held while the core or Asterisk is called.
 */
final class LiveCall {

    final String uniqueId;
    /** From the arrival counter when the IVR registered it; 0 when the resync found it. */
    final long arrival;
    volatile String channel;
    OperatorId ringing;
    /** The username of the operator it rings at, to tell routing when their phone cannot be reached. */
    String ringingUsername;
    /**
     * Which connect the dialplan is dialling: the dialplan copies it before its Dial and reports it back when the
     * Dial failed without a channel, so a late report never settles a newer offer.
     */
    long offer;
    /** The operator's channel while it rings or talks. */
    String operatorUniqueId;
    String operatorChannel;
    OperatorId talking;
    /** The adapter moved the call into a conference: bridge changes from now on are its own doing. */
    boolean conferencing;
    /** The escalation line is in the conference. */
    boolean escalationJoined;
    /** A transfer succeeded: the operator leaves as soon as the escalation line is in the conference. */
    boolean operatorLeaves;
    boolean endReported;
    /** Registered by another node's IVR (V50's asterisk_channel): its row goes when the channel does. */
    volatile boolean shared;

    LiveCall(String uniqueId, String channel, long arrival) {
        this.uniqueId = uniqueId;
        this.channel = channel;
        this.arrival = arrival;
    }

    /** Marks the end reported once; {@code talkingOnly}: only a two-party call an operator answered. */
    synchronized boolean endOnce(boolean talkingOnly) {
        if (endReported || talkingOnly && (talking == null || conferencing)) {
            return false;
        }
        endReported = true;
        return true;
    }
}
