package org.tiphotline.telephony.ivr;

import java.util.Map;
import java.util.Objects;
import org.tiphotline.calls.IvrQuestion;

/**
 * One question of the IVR: the prompt to play, the digits that answer it, and the answer taken when the caller
 * gives none or a wrong one on every attempt. A null {@code fallback} means nothing is reported (the answer stays
 * "not said"), which is only ever the case for a question whose silence must not be guessed.
 *
 * @param options digit → answer, in the order the prompt lists them
 * @param quietDigit the "cannot speak freely" digit where this question takes it, else null
 */
public record IvrMenu(IvrQuestion question, String prompt, Map<String, String> options, String fallback,
        int attempts, String quietDigit) {

    public IvrMenu {
        Objects.requireNonNull(question);
        Objects.requireNonNull(prompt);
        options = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
        if (options.isEmpty() || attempts < 1) {
            throw new IllegalArgumentException(question + ": a menu needs options and at least one attempt");
        }
        if (quietDigit != null && options.containsKey(quietDigit)) {
            throw new IllegalArgumentException(question + ": digit " + quietDigit + " already answers it, so it "
                    + "cannot also mean \"I cannot speak freely\"");
        }
    }

    public IvrMenu(IvrQuestion question, String prompt, Map<String, String> options, String fallback, int attempts) {
        this(question, prompt, options, fallback, attempts, null);
    }

    /** What to do with the digits a caller pressed (empty or null: nothing) on the given attempt (1-based). */
    public Step interpret(String digits, int attempt) {
        return interpret(digits, attempt, false);
    }

    /**
     * As {@link #interpret(String, int)}; {@code quietHeardHere}: the caller already pressed the "cannot speak
     * freely" digit at this question, so pressing it again is a wrong digit (one free repeat per question: a
     * caller holding the key cannot keep the IVR asking forever).
     */
    public Step interpret(String digits, int attempt, boolean quietHeardHere) {
        String pressed = digits == null ? null : digits.strip();
        if (quietDigit != null && !quietHeardHere && quietDigit.equals(pressed)) {
            return new Step.CannotSpeakFreely();
        }
        String answer = pressed == null ? null : options.get(pressed);
        if (answer != null) {
            return new Step.Answered(answer, false);
        }
        if (attempt < attempts) {
            return new Step.AskAgain(digits == null || digits.isBlank() ? "no input" : "invalid digit");
        }
        return fallback == null ? new Step.NotAnswered() : new Step.Answered(fallback, true);
    }

    /** The outcome of one attempt at a menu. */
    public sealed interface Step {

        /** {@code defaulted}: the caller did not choose it; the menu's fallback was taken. */
        record Answered(String answer, boolean defaulted) implements Step {}

        /** Play the "sorry, I did not get that" prompt and the menu again. */
        record AskAgain(String why) implements Step {}

        /** Out of attempts and no safe default: report nothing and go on. */
        record NotAnswered() implements Step {}

        /**
         * The caller pressed the "cannot speak freely" digit: report it (once per call) and ask the same question
         * again, on the same attempt and without the "invalid" prompt.
         */
        record CannotSpeakFreely() implements Step {}
    }
}
