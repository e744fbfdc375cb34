package org.tiphotline.telephony.ivr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.calls.IvrQuestion;

/** The one IVR description every provider renders: its menus, retries and safe defaults. */
class IvrScriptTest {

    private final IvrScript script = new IvrScript(new IvrSettings(2, Duration.ofSeconds(5)),
            new CallSettings(List.of("en", "es", "fr")));

    @Test
    void theQuestionsComeInOrderWithTheirDigits() {
        assertThat(script.menus()).extracting(IvrMenu::question).containsExactly(IvrQuestion.LANGUAGE,
                IvrQuestion.IMMEDIATE_DANGER, IvrQuestion.SAFE_TO_CALL_BACK, IvrQuestion.CALLER_TYPE);
        assertThat(menu(IvrQuestion.SAFE_TO_CALL_BACK).options()).containsExactly(java.util.Map.entry("1", "YES"),
                java.util.Map.entry("2", "NO"));
        assertThat(menu(IvrQuestion.LANGUAGE).options()).containsExactly(java.util.Map.entry("1", "en"),
                java.util.Map.entry("2", "es"), java.util.Map.entry("3", "fr"));
        assertThat(menu(IvrQuestion.IMMEDIATE_DANGER).options()).containsExactly(java.util.Map.entry("1", "YES"),
                java.util.Map.entry("2", "NO"));
        assertThat(menu(IvrQuestion.CALLER_TYPE).options().values()).containsExactly("AFFECTED_PERSON",
                "SOMEONE_ELSE", "PROFESSIONAL");
    }

    @Test
    void aWrongDigitOrSilenceIsAskedAgainTwiceThenTheSafeDefaultIsTaken() {
        IvrMenu danger = menu(IvrQuestion.IMMEDIATE_DANGER);
        assertThat(danger.interpret("7", 1)).isEqualTo(new IvrMenu.Step.AskAgain("invalid digit"));
        assertThat(danger.interpret("", 2)).isEqualTo(new IvrMenu.Step.AskAgain("no input"));
        // Urgency is never lost to silence: NO_INPUT is urgent in the core.
        assertThat(danger.interpret("", 3)).isEqualTo(new IvrMenu.Step.Answered("NO_INPUT", true));
        assertThat(danger.interpret("2", 3)).isEqualTo(new IvrMenu.Step.Answered("NO", false));

        assertThat(menu(IvrQuestion.LANGUAGE).interpret(null, 3)).isEqualTo(new IvrMenu.Step.Answered("en", true));
        assertThat(menu(IvrQuestion.CALLER_TYPE).interpret("7", 3)).isEqualTo(new IvrMenu.Step.NotAnswered());
    }

    @Test
    void silenceOrAWrongDigitAtTheCallbackQuestionIsNoAfterTheLastAttempt() {
        IvrMenu safe = menu(IvrQuestion.SAFE_TO_CALL_BACK);
        assertThat(safe.interpret("1", 1)).isEqualTo(new IvrMenu.Step.Answered("YES", false));
        assertThat(safe.interpret("", 1)).isEqualTo(new IvrMenu.Step.AskAgain("no input"));
        assertThat(safe.interpret("", 3)).isEqualTo(new IvrMenu.Step.Answered("NO", true));
        assertThat(safe.interpret("5", 3)).isEqualTo(new IvrMenu.Step.Answered("NO", true));
        assertThat(safe.interpret("2", 2)).isEqualTo(new IvrMenu.Step.Answered("NO", false));
    }

    @Test
    void theCallbackQuestionIsRightAfterTheDangerQuestionAndNeverAskedOfAWithheldNumber() {
        assertThat(script.menusFor("+1 555 0100 142")).extracting(IvrMenu::question).containsExactly(
                IvrQuestion.LANGUAGE, IvrQuestion.IMMEDIATE_DANGER, IvrQuestion.SAFE_TO_CALL_BACK,
                IvrQuestion.CALLER_TYPE);
        for (String withheld : new String[] {null, "", "anonymous", "Restricted", "12"}) {
            assertThat(script.menusFor(withheld)).as("caller id %s", withheld).extracting(IvrMenu::question)
                    .containsExactly(IvrQuestion.LANGUAGE, IvrQuestion.IMMEDIATE_DANGER, IvrQuestion.CALLER_TYPE);
            assertThat(script.next(menu(IvrQuestion.IMMEDIATE_DANGER), withheld).question())
                    .isEqualTo(IvrQuestion.CALLER_TYPE);
        }
        assertThat(script.next(menu(IvrQuestion.IMMEDIATE_DANGER), "+15550100142").question())
                .isEqualTo(IvrQuestion.SAFE_TO_CALL_BACK);
        assertThat(script.next(menu(IvrQuestion.CALLER_TYPE), "+15550100142")).isNull();
    }

    @Test
    void theCannotSpeakFreelyDigitWorksAtEveryQuestionAfterTheLanguageOnceEachWithoutUsingAnAttempt() {
        assertThat(script.quietDigit()).isEqualTo("9");
        assertThat(menu(IvrQuestion.LANGUAGE).interpret("9", 3)).as("not at the language menu")
                .isEqualTo(new IvrMenu.Step.Answered("en", true));
        for (IvrQuestion question : List.of(IvrQuestion.IMMEDIATE_DANGER, IvrQuestion.SAFE_TO_CALL_BACK,
                IvrQuestion.CALLER_TYPE)) {
            IvrMenu menu = menu(question);
            // On the last attempt too: it takes none, so the question can still be answered afterwards.
            assertThat(menu.interpret("9", 3)).as(question.name()).isEqualTo(new IvrMenu.Step.CannotSpeakFreely());
            assertThat(menu.interpret(" 9 ", 1)).isEqualTo(new IvrMenu.Step.CannotSpeakFreely());
            // A second press at the same question is a wrong digit: holding the key cannot keep the IVR asking.
            assertThat(menu.interpret("9", 1, true)).isEqualTo(new IvrMenu.Step.AskAgain("invalid digit"));
            assertThat(menu.interpret("1", 1, true)).isNotEqualTo(new IvrMenu.Step.CannotSpeakFreely());
        }
        assertThat(menu(IvrQuestion.SAFE_TO_CALL_BACK).interpret("9", 3, true))
                .isEqualTo(new IvrMenu.Step.Answered("NO", true));
        assertThat(script.noticeBefore(menu(IvrQuestion.IMMEDIATE_DANGER))).isTrue();
        assertThat(script.noticeBefore(menu(IvrQuestion.SAFE_TO_CALL_BACK))).isFalse();
        assertThat(script.text("es", IvrScript.CANNOT_SPEAK_FREELY))
                .isEqualTo("Si no puede hablar libremente, oprima 9 en cualquier momento.");
    }

    @Test
    void theCannotSpeakFreelyDigitAndWordsAreSettingsAndTheChoiceCanBeWithdrawn() {
        IvrScript onZero = new IvrScript(new IvrSettings(2, Duration.ofSeconds(5), new IvrSettings.CannotSpeakFreely(
                true, "0", java.util.Map.of("en", "If someone can hear you, press {digit}."))),
                new CallSettings(List.of("en", "es")));
        assertThat(onZero.text("en", IvrScript.CANNOT_SPEAK_FREELY)).isEqualTo("If someone can hear you, press 0.");
        assertThat(onZero.text("es", IvrScript.CANNOT_SPEAK_FREELY)).contains("oprima 0");
        assertThat(onZero.menus().get(1).interpret("0", 1)).isEqualTo(new IvrMenu.Step.CannotSpeakFreely());
        assertThat(onZero.menus().get(1).interpret("9", 1)).isEqualTo(new IvrMenu.Step.AskAgain("invalid digit"));

        IvrScript without = new IvrScript(new IvrSettings(2, Duration.ofSeconds(5),
                new IvrSettings.CannotSpeakFreely(false, "9", java.util.Map.of())), new CallSettings(List.of("en")));
        assertThat(without.quietDigit()).isNull();
        assertThat(without.noticeBefore(without.menus().get(1))).isFalse();
        assertThat(without.promptsAfterChoice()).doesNotContain(IvrScript.CANNOT_SPEAK_FREELY);
        assertThat(without.menus().get(1).interpret("9", 1)).isEqualTo(new IvrMenu.Step.AskAgain("invalid digit"));

        assertThatThrownBy(() -> new IvrScript(new IvrSettings(2, Duration.ofSeconds(5),
                new IvrSettings.CannotSpeakFreely(true, "2", java.util.Map.of())), new CallSettings(List.of("en"))))
                .hasMessageContaining("cannot-speak-freely.digit: 2 already answers a question")
                .hasMessageContaining("[0, 4, 5, 6, 7, 8, 9]");
        assertThatThrownBy(() -> new IvrSettings.CannotSpeakFreely(true, "*", java.util.Map.of()))
                .hasMessageContaining("one digit, 0-9");
        assertThatThrownBy(() -> new IvrSettings.CannotSpeakFreely(true, "9", java.util.Map.of("en", "Press nine.")))
                .hasMessageContaining("must say the digit");
        assertThatThrownBy(() -> new IvrScript(new IvrSettings(2, Duration.ofSeconds(5),
                new IvrSettings.CannotSpeakFreely(true, "9", java.util.Map.of("de", "Drücken Sie {digit}."))),
                new CallSettings(List.of("en")))).hasMessageContaining("does not offer that language");
    }

    @Test
    void everyAnswerTheScriptCanGiveIsOneTheCoreAccepts() {
        for (IvrMenu menu : script.menus()) {
            for (String answer : menu.options().values()) {
                assertThat(menu.question().problemWith(answer)).as(menu.question() + " " + answer).isNull();
            }
            if (menu.fallback() != null) {
                assertThat(menu.question().problemWith(menu.fallback())).isNull();
            }
        }
    }

    @Test
    void settingsOutsideTheirRangeAreRefused() {
        assertThatThrownBy(() -> new IvrSettings(9, Duration.ofSeconds(5))).hasMessageContaining("retries");
        assertThatThrownBy(() -> new IvrSettings(2, Duration.ZERO)).hasMessageContaining("digit-timeout");
    }

    private IvrMenu menu(IvrQuestion question) {
        return script.menus().stream().filter(m -> m.question() == question).findFirst().orElseThrow();
    }

    @Test
    void everyLanguageWithTextsHasEveryPromptEnglishHasAndOptionsSayTheirDigit() {
        IvrTexts texts = IvrTexts.builtIn();
        assertThat(texts.languages()).contains("en", "es", "fr");
        List<String> prompts = new java.util.ArrayList<>(script.promptsAfterChoice());
        prompts.addAll(List.of(IvrScript.WELCOME, "hold", "fallback", "voicemail", "goodbye"));
        for (String language : texts.languages()) {
            for (String prompt : prompts) {
                assertThat(texts.text(language, prompt)).as("%s.%s", language, prompt).isNotBlank();
            }
            assertThat(texts.text(language, IvrScript.languageOptionPrompt(language))).contains(IvrTexts.DIGIT);
        }
        assertThat(script.promptsAfterChoice()).containsExactly(IvrScript.CANNOT_SPEAK_FREELY, "immediate-danger",
                "safe-to-call-back", "caller-type", IvrScript.INVALID, IvrScript.CONFIDENTIALITY);
        for (String language : texts.languages()) {
            assertThat(texts.text(language, IvrScript.CANNOT_SPEAK_FREELY)).as(language).contains(IvrTexts.DIGIT);
        }
        assertThat(script.languageDigit("fr")).isEqualTo("3");
        assertThat(script.text("es", "language-es")).isEqualTo("Para español, oprima 2.");
        assertThat(script.languageDigit("de")).isNull();
    }
}
