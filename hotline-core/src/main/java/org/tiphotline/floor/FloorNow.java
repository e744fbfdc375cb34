package org.tiphotline.floor;

import java.time.Instant;
import java.util.List;

/**
 * The floor at {@code at}, as the routing tables and the call table hold it: calls waiting for an operator
 * (queued or ringing) and since when the longest has waited, the urgent ones among them, calls still in the phone
 * menu, and every seated operator's presence since when, with their display name (staff data: supervisors and the
 * wall display may see it). Nothing about callers.
 *
 * @param longestWaitingSince when the call waiting longest reached the queue; null when none waits
 */
public record FloorNow(Instant at, int waiting, int urgentWaiting, Instant longestWaitingSince, int inIvr,
        List<OperatorState> operators) {

    public FloorNow {
        operators = List.copyOf(operators);
    }

    /** How long the longest-waiting call has waited at {@code at}, in whole seconds; 0 when none waits. */
    @com.fasterxml.jackson.annotation.JsonProperty
    public long longestWaitSeconds() {
        return longestWaitingSince == null ? 0 : Math.max(0, java.time.Duration.between(longestWaitingSince, at)
                .toSeconds());
    }

    /**
     * One seated operator: {@code presence} is the routing presence's name (the page says it in words through the
     * labels), {@code since} when it began, {@code awayReason} why an away operator is away (BREAK, TRAINING,
     * MEETING, OTHER; words: labels {@code away.*}), null otherwise.
     */
    public record OperatorState(long operator, String name, String presence, Instant since, String awayReason) {

        /** An operator with no away reason. */
        public OperatorState(long operator, String name, String presence, Instant since) {
            this(operator, name, presence, since, null);
        }
    }
}
