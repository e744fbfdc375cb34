package org.tiphotline.routing;

/**
 * Why an operator is away, beside routing's {@link Presence#AWAY} (which stays the routing fact): what the supervisors'
 * floor and the shift report show. {@code OTHER}: away for no reason given, or for one the hotline does not name.
 */
public enum AwayReason {
    BREAK, TRAINING, MEETING, OTHER
}
