package org.tiphotline.telephony.ivr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.calls.IvrQuestion;

/**
 * The hotline IVR, described once for every provider: the Asterisk adapter plays it over FastAGI, the Twilio
 * adapter renders it as TwiML, both from these menus. In order:
 * <ol>
 *   <li>{@code welcome}, then the language menu: digit n picks the n-th configured language; silence or a
 *       wrong digit on every attempt takes the first (the country's main language).</li>
 *   <li>{@code immediate-danger}: 1 yes, 2 no; silence or a wrong digit on every attempt is reported as
 *       {@code NO_INPUT}, which the core treats as urgent: urgency is never lost to a timeout.</li>
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
        this.menus = List.of(
                new IvrMenu(IvrQuestion.LANGUAGE, "language", languages, configured.getFirst(), attempts),
                new IvrMenu(IvrQuestion.IMMEDIATE_DANGER, "immediate-danger", orderedOf("1", "YES", "2", "NO"),
                        "NO_INPUT", attempts),
                new IvrMenu(IvrQuestion.CALLER_TYPE, "caller-type",
                        orderedOf("1", "AFFECTED_PERSON", "2", "SOMEONE_ELSE", "3", "PROFESSIONAL"), null, attempts));
    }

    /** The questions in the order they are asked. */
    public List<IvrMenu> menus() {
        return menus;
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
        menus.stream().skip(1).forEach(menu -> prompts.add(menu.prompt()));
        prompts.add(INVALID);
        prompts.add(CONFIDENTIALITY);
        return List.copyOf(prompts);
    }

    /** The words of a prompt in a language, the option prompts with their digit filled in; null if none. */
    public String text(String language, String prompt) {
        String text = IvrTexts.builtIn().text(language, prompt);
        if (text == null || !text.contains(IvrTexts.DIGIT)) {
            return text;
        }
        String digit = languageDigit(language);
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
