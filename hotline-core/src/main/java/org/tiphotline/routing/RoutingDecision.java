package org.tiphotline.routing;

import java.time.Instant;
import org.tiphotline.calls.CallId;
import org.tiphotline.operators.OperatorId;

/** What a decision of {@link RoutingBrain} asks of the telephony and the supervisors; {@link Router} carries it out. */
sealed interface RoutingDecision permits RoutingDecision.Offer, RoutingDecision.Withdraw,
        RoutingDecision.WrapUpOverdue {

    /** Ring {@code operator} with {@code call}. */
    record Offer(CallId call, OperatorId operator) implements RoutingDecision {}

    /**
     * Stop ringing {@code operator}: the call is back in the queue. {@code rangOut}: the offer timed out (else the
     * operator went away while it rang), which the operator is told in those words.
     */
    record Withdraw(CallId call, OperatorId operator, boolean rangOut) implements RoutingDecision {

        Withdraw(CallId call, OperatorId operator) {
            this(call, operator, true);
        }
    }

    /** The operator's after-call work has run past its maximum and they stay in it: the supervisors are alerted. */
    record WrapUpOverdue(OperatorId operator, Instant since) implements RoutingDecision {}
}
