package org.tiphotline.callbacks;

import java.time.Instant;
import java.util.UUID;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/**
 * A caller to call back, as the queue shows it: never the number, only its mask.
 *
 * @param status where it stands at the time it was read
 * @param reason why the latest call was not answered
 * @param calls how many unanswered calls from this number the task stands for
 * @param latestCall the call dialled back on (its provider carries the dial)
 * @param doNotCall why this caller must not be called; null when they may be
 * @param dueAt when it may be taken: now, or the opening of the next safe-hours window; null when it never may
 * @param takenBy the operator working it now; null when nobody is
 * @param closedAs how it ended; null while open
 * @param requestedBy the agency that asked the hotline to call back (an IVR danger alert); null when none did
 */
public record CallbackTask(UUID id, Status status, CallbackTasks.Reason reason, String callerMask, int calls, Instant firstCallAt,
        Instant lastCallAt, CallId latestCall, boolean urgent, DoNotCall doNotCall, int attempts, int maxAttempts,
        Instant dueAt, OperatorId takenBy, String takenByName, Instant takenAt, CallId dialledCall, ClosedAs closedAs,
        Instant closedAt, String requestedBy) {

    /** Why a caller must not be called. */
    public enum DoNotCall { SAID_NO, NOT_ASKED, WITHHELD, ASKED_NOT_TO_BE_CALLED }

    /** What an operator records after dialling. */
    public enum Outcome {
        REACHED, NO_ANSWER, SOMEONE_ELSE, WRONG_NUMBER, ASKED_NOT_TO_BE_CALLED;

        /** Reached nobody it was meant for: one attempt of the limited number. */
        boolean counts() {
            return this == NO_ANSWER || this == SOMEONE_ELSE;
        }
    }

    /** How a task ended. */
    public enum ClosedAs { REACHED, NOT_REACHED, WRONG_NUMBER, ASKED_NOT_TO_BE_CALLED, NOTED }

    /** Where the task stands, for the queue's order and words. */
    public enum Status { WAITING, LATER, TAKEN, DO_NOT_CALL, CLOSED }

    /** The queue changed for this task (opened, collapsed another call, taken, released, closed). */
    public record Changed(UUID task) {}
}
