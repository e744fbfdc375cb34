package org.tiphotline.console.live;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.AwayReason;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.Router;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.routing.RoutingSettings;
import org.tiphotline.routing.StateCause;

/**
 * What an operator's console is told of their own state: the presence, why they are away and who set it (a
 * supervisor by name, since the console says "Your supervisor ... set you away"), since when, and the maximum of
 * after-call work so the console can show the time left. Codes, worded by the page through the labels.
 */
@Component
public class PresenceWords {

    private final Operators operators;
    private final RoutingSettings settings;

    PresenceWords(Operators operators, RoutingSettings settings) {
        this.operators = operators;
        this.settings = settings;
    }

    /** As the last decision left the operator (a console opening, an answer to a choice that changed nothing). */
    public Map<String, Object> of(RoutingView routing, OperatorId operator) {
        return routing.seat(operator)
                .map(s -> words(s.presence(), s.reason(), s.cause(), s.byUser(), s.since()))
                .orElseGet(() -> words(Presence.AWAY, null, null, null, null));
    }

    /**
     * As a decision changed it. Runs inside the router's lock: the database is asked only for a supervisor's name,
     * which a supervisor's setting someone away alone needs (rare, and never on a caller's path).
     */
    Map<String, Object> of(Router.PresenceChanged changed) {
        return words(changed.presence(), changed.reason(), changed.cause(), changed.byUser(), changed.since());
    }

    private Map<String, Object> words(Presence presence, AwayReason reason, StateCause cause, Long byUser,
            Instant since) {
        Map<String, Object> words = new LinkedHashMap<>();
        words.put("presence", presence);
        words.put("reason", reason);
        words.put("setBy", cause == null ? null : cause.setBy());
        words.put("cause", cause);
        if (byUser != null && cause == StateCause.SUPERVISOR) {
            words.put("byName", operators.byId(new OperatorId(byUser)).map(Operator::displayName).orElse(null));
        }
        words.put("since", since);
        if (presence == Presence.WRAP_UP && settings.wrapUpLimited()) {
            words.put("wrapUpMaxSeconds", settings.wrapUpMax().toSeconds());
            words.put("wrapUpOverdue", settings.wrapUpOverdue());
        }
        return words;
    }
}
