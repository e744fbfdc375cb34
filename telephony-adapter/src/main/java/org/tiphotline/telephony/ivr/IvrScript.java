package org.tiphotline.telephony.ivr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.protection.CallerNumbers;

/**
 * The hotline IVR, described once for every provider: the Asterisk adapter plays it over FastAGI, the Twilio
 * adapter renders it as TwiML, the simulated line takes its answers in this order. In order:
 * <ol>
 *   <li>{@code welcome}, then the language menu: digit n picks the n-th configured language; silence or a
 *       wrong digit on every attempt takes the first (the country's main language).</li>
 *   <li>{@code cannot-speak-freely} (when offered): a notice, "if you cannot speak freely, press 9 at any time".
 *       From here on that digit, at any question, is reported as {@code CANNOT_SPEAK_FREELY} (once per call) and
 *       the question is asked again without using an attempt.</li>
 *   <li>{@code immediate-danger}: 1 yes, 2 no; silence or a wrong digit on every attempt is reported as
 *       {@code NO_INPUT}, which the core treats as urgent: urgency is never lost to a timeout.</li>
 *   <li>{@code safe-to-call-back}: 1 yes, 2 no; silence or a wrong digit on every attempt is no. Right after the
 *       danger question, so a caller who hangs up soon after has answered it; never asked when the caller's
 *       number is withheld or unusable (there is nothing to call back).</li>
 *   <li>{@code caller-type}: 1 the person affected, 2 someone else, 3 a professional or public agent; on
 *       silence nothing is reported and the call goes on ("not said"): guessing would falsify statistics.</li>
 *   <li>{@code confidentiality}: a notice, no answer expected.</li>
 * </ol>
 * After a wrong digit or silence the {@code invalid} prompt plays before the question is asked again.
 */
@Component
public class IvrScript {

    public static final String WELCOME = "welcome";
    public static final String INVALID = "invalid";
    public static final String CONFIDENTIALITY = "confidentiality";
    /** The notice of the "cannot speak freely" digit, played once before the danger question. */
    public static final String CANNOT_SPEAK_FREELY = "cannot-speak-freely";

    private final List<IvrMenu> menus;
    private final IvrSettings settings;

    public IvrScript(IvrSettings settings, CallSettings calls) {
        this.settings = settings;
        int attempts = settings.retries() + 1;
        Map<String, String> languages = new LinkedHashMap<>();
        List<String> configured = calls.languages();
        for (int i = 0; i < configured.size() && i < 9; i++) {
            languages.put(Integer.toString(i + 1), configured.get(i));
        }
        IvrSettings.CannotSpeakFreely quiet = settings.cannotSpeakFreely();
        quiet.prompt().keySet().stream().filter(language -> !configured.contains(language)).findFirst()
                .ifPresent(language -> {
                    throw new IllegalArgumentException("hotline.ivr.cannot-speak-freely.prompt." + language
                            + ": the IVR does not offer that language (hotline.calls.languages: " + configured + ")");
                });
        // Never at the language menu: there 9 may be the ninth language, and the caller has heard no notice yet.
        String digit = quiet.offered() ? quiet.digit() : null;
        List<String> choices = quietDigitChoices(menus(languages, configured.getFirst(), attempts, null));
        if (digit != null && !choices.contains(digit)) {
            throw new IllegalArgumentException("hotline.ivr.cannot-speak-freely.digit: " + digit + " already "
                    + "answers a question of the IVR; choose one of " + choices);
        }
        this.menus = menus(languages, configured.getFirst(), attempts, digit);
    }

    private static List<IvrMenu> menus(Map<String, String> languages, String first, int attempts, String digit) {
        return List.of(
                new IvrMenu(IvrQuestion.LANGUAGE, "language", languages, first, attempts),
                new IvrMenu(IvrQuestion.IMMEDIATE_DANGER, "immediate-danger", orderedOf("1", "YES", "2", "NO"),
                        "NO_INPUT", attempts, digit),
                new IvrMenu(IvrQuestion.SAFE_TO_CALL_BACK, "safe-to-call-back", orderedOf("1", "YES", "2", "NO"),
                        "NO", attempts, digit),
                new IvrMenu(IvrQuestion.CALLER_TYPE, "caller-type",
                        orderedOf("1", "AFFECTED_PERSON", "2", "SOMEONE_ELSE", "3", "PROFESSIONAL"), null, attempts,
                        digit));
    }

    /** Every question in the order they are asked of a caller whose number can be called back. */
    public List<IvrMenu> menus() {
        return menus;
    }

    /**
     * The questions asked of this caller: without the callback question when their number is withheld or
     * unusable (nothing could be called back, and asking would tell an overhearer the hotline calls people).
     */
    public List<IvrMenu> menusFor(String callerNumber) {
        return CallerNumbers.isUsable(callerNumber) ? menus
                : menus.stream().filter(menu -> menu.question() != IvrQuestion.SAFE_TO_CALL_BACK).toList();
    }

    /** The question after this one for this caller, or null after the last. */
    public IvrMenu next(IvrMenu menu, String callerNumber) {
        List<IvrMenu> asked = menusFor(callerNumber);
        int at = asked.indexOf(menu);
        return at >= 0 && at + 1 < asked.size() ? asked.get(at + 1) : null;
    }

    /** The "cannot speak freely" digit, or null when that choice is not offered. */
    public String quietDigit() {
        return settings.cannotSpeakFreely().offered() ? settings.cannotSpeakFreely().digit() : null;
    }

    /** Whether the "cannot speak freely" notice plays before this question: the first after the language. */
    public boolean noticeBefore(IvrMenu menu) {
        return quietDigit() != null && menus.indexOf(menu) == 1;
    }

    /** The digits the "cannot speak freely" choice could be given: those no question after the language uses. */
    public List<String> quietDigitChoices() {
        return quietDigitChoices(menus);
    }

    private static List<String> quietDigitChoices(List<IvrMenu> menus) {
        java.util.Set<String> used = new java.util.HashSet<>();
        menus.stream().skip(1).forEach(menu -> used.addAll(menu.options().keySet()));
        return java.util.stream.IntStream.rangeClosed(0, 9).mapToObj(Integer::toString)
                .filter(d -> !used.contains(d)).toList();
    }

    public IvrSettings settings() {
        return settings;
    }

    /** The language menu's prompt for one option, e.g. {@code language-es}: "para español, oprima 2". */
    public static String languageOptionPrompt(String language) {
        return "language-" + language;
    }

    /**
     * The digit that chooses a language in this deployment (its place in {@code hotline.calls.languages}), or
     * null for a language not offered.
     */
    public String languageDigit(String language) {
        for (Map.Entry<String, String> option : menus.getFirst().options().entrySet()) {
            if (option.getValue().equals(language)) {
                return option.getKey();
            }
        }
        return null;
    }

    /**
     * Every prompt the IVR plays in a language once the caller has chosen it (the language menu's own prompts,
     * {@code welcome} and the option prompts, play before and are not in it).
     */
    public List<String> promptsAfterChoice() {
        List<String> prompts = new java.util.ArrayList<>();
        if (quietDigit() != null) {
            prompts.add(CANNOT_SPEAK_FREELY);
        }
        menus.stream().skip(1).forEach(menu -> prompts.add(menu.prompt()));
        prompts.add(INVALID);
        prompts.add(CONFIDENTIALITY);
        return List.copyOf(prompts);
    }

    /**
     * The words of a prompt in a language, with their digit filled in (a language option's, or the "cannot speak
     * freely" digit in its notice, whose words a deployment may set); null if none.
     */
    public String text(String language, String prompt) {
        boolean notice = CANNOT_SPEAK_FREELY.equals(prompt);
        String configured = notice ? settings.cannotSpeakFreely().prompt().get(language) : null;
        String text = configured != null ? configured : IvrTexts.builtIn().text(language, prompt);
        if (text == null || !text.contains(IvrTexts.DIGIT)) {
            return text;
        }
        String digit = notice ? quietDigit() : languageDigit(language);
        return digit == null ? null : text.replace(IvrTexts.DIGIT, digit);
    }

    private static Map<String, String> orderedOf(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
