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
                IvrQuestion.IMMEDIATE_DANGER, IvrQuestion.CALLER_TYPE);
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
        assertThat(menu(IvrQuestion.CALLER_TYPE).interpret("9", 3)).isEqualTo(new IvrMenu.Step.NotAnswered());
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
        assertThat(script.promptsAfterChoice()).containsExactly("immediate-danger", "caller-type",
                IvrScript.INVALID, IvrScript.CONFIDENTIALITY);
        assertThat(script.languageDigit("fr")).isEqualTo("3");
        assertThat(script.text("es", "language-es")).isEqualTo("Para español, oprima 2.");
        assertThat(script.languageDigit("de")).isNull();
    }
}
