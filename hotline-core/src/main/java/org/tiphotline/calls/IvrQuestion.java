package org.tiphotline.calls;

import java.util.Set;

/**
 * The IVR's questions and the answers the core accepts. Every provider reports answers in these terms;
 * how each renders the question (sound files, TwiML, buttons) is the provider's business.
 */
public enum IvrQuestion {
    LANGUAGE(Set.of()),
    /** "Are you or someone else in immediate danger?" A timeout counts as yes: urgency is never lost to silence. */
    IMMEDIATE_DANGER(Set.of("YES", "NO", "NO_INPUT")),
    CALLER_TYPE(Set.of("AFFECTED_PERSON", "SOMEONE_ELSE", "PROFESSIONAL")),
    /**
     * "Is it safe to call you back on this number?" Silence counts as no: a callback that reaches the wrong
     * person can cost the caller their safety, so only a spoken yes allows one. Never asked of a withheld number.
     */
    SAFE_TO_CALL_BACK(Set.of("YES", "NO")),
    /**
     * The caller pressed the "cannot speak freely" digit (someone may be listening): the operator's console opens
     * in the yes/no script. Reported only when pressed; there is no other answer.
     */
    CANNOT_SPEAK_FREELY(Set.of("YES"));

    private final Set<String> answers;

    IvrQuestion(Set<String> answers) {
        this.answers = answers;
    }

    /** Null when the answer is acceptable; otherwise what is wrong with it. Languages are checked by the caller. */
    public String problemWith(String answer) {
        if (answer == null || answer.isBlank()) {
            return "an answer is required";
        }
        if (this == LANGUAGE) {
            return answer.matches("[a-z]{2,3}") ? null : "language must be an ISO 639 code such as 'en'";
        }
        return answers.contains(answer) ? null : "answer must be one of " + answers.stream().sorted().toList();
    }
}
