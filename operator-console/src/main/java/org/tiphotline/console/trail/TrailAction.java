package org.tiphotline.console.trail;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What someone did, as the trail's filter and rows name it: the audit log's four actions and the sign-in log's
 * outcomes gathered in three.
 */
enum TrailAction {
    READ("Read"),
    CREATE("Created"),
    CHANGE("Changed"),
    EXPORT("Exported"),
    SIGN_IN("Signed in", "SIGNED_IN", "SSO_SIGNED_IN"),
    SIGN_IN_REFUSED("Sign-in refused", "FAILED", "LOCKED_OUT", "REFUSED_WHILE_THROTTLED", "SSO_REFUSED_UNKNOWN_USER",
            "SSO_REFUSED_DISABLED", "SSO_REFUSED_ROLE", "SSO_FAILED"),
    SIGN_OUT("Signed out", "SIGNED_OUT", "IDLE_TIMEOUT", "SESSION_LIMIT");

    final String words;
    /** The sign-in log's outcomes this action gathers; empty for the audit log's actions. */
    final Set<String> outcomes;

    TrailAction(String words, String... outcomes) {
        this.words = words;
        this.outcomes = Set.of(outcomes);
    }

    boolean fromSignIns() {
        return !outcomes.isEmpty();
    }

    static TrailAction of(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("action must be one of " + String.join(", ", names()), e);
        }
    }

    static List<String> names() {
        return Arrays.stream(values()).map(a -> a.name().toLowerCase(Locale.ROOT)).toList();
    }

    static TrailAction ofOutcome(String outcome) {
        return Arrays.stream(values()).filter(a -> a.outcomes.contains(outcome)).findFirst().orElse(SIGN_IN_REFUSED);
    }

    /** A sign-in log outcome in words, more precise than its action's. */
    static String outcomeWords(String outcome) {
        return switch (outcome) {
            case "SIGNED_IN" -> "Signed in";
            case "SSO_SIGNED_IN" -> "Signed in through single sign-on";
            case "FAILED" -> "Sign-in failed (wrong password or no such account)";
            case "LOCKED_OUT" -> "Sign-in refused: locked out after repeated failures";
            case "REFUSED_WHILE_THROTTLED" -> "Sign-in refused: too many tries, asked to wait";
            case "SSO_REFUSED_UNKNOWN_USER" -> "Single sign-on refused: no account here";
            case "SSO_REFUSED_DISABLED" -> "Single sign-on refused: the account is disabled";
            case "SSO_REFUSED_ROLE" -> "Single sign-on refused: a role the provider may not give";
            case "SSO_FAILED" -> "Single sign-on failed";
            case "SIGNED_OUT" -> "Signed out";
            case "IDLE_TIMEOUT" -> "Signed out after being idle";
            case "SESSION_LIMIT" -> "Signed out at the session's time limit";
            default -> "Sign-in event";
        };
    }
}
