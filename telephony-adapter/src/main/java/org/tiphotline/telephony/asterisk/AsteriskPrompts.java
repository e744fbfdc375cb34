package org.tiphotline.telephony.asterisk;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * Every sound file {@link HotlineIvr} plays, with the language directory Asterisk looks for it in: what the
 * shipped defaults must contain and what the start-up check asks Asterisk about.
 *
 * <p>Asterisk finds a relative sound under {@code sounds/<channel language>/}. Before the caller chooses, the
 * channel has the trunk's language, which the sample sets to the first of {@code hotline.calls.languages}: the
 * welcome and every option prompt play from there. After the choice, the IVR sets the channel's language.
 */
final class AsteriskPrompts {

    /**
     * One file the IVR needs.
     *
     * @param language the language it is heard in
     * @param prompt the IVR's prompt name
     * @param file relative to Asterisk's sounds directory and without extension ({@code es/hotline/invalid}),
     *     or absolute where {@code hotline.telephony.asterisk.sounds} names an absolute path
     */
    record Needed(String language, String prompt, String file) {}

    private AsteriskPrompts() {}

    /** @param settings with the IVR's defaults ({@link AsteriskSettings#withIvrDefaults}) */
    static List<Needed> needed(AsteriskSettings settings, IvrScript script) {
        String first = script.menus().getFirst().fallback();
        LinkedHashSet<Needed> needed = new LinkedHashSet<>();
        needed.add(in(first, first, IvrScript.WELCOME, settings));
        for (String option : script.menus().getFirst().options().values()) {
            needed.add(new Needed(option, IvrScript.languageOptionPrompt(option),
                    path(first, settings.sound(option, IvrScript.languageOptionPrompt(option)))));
        }
        for (String language : script.menus().getFirst().options().values()) {
            for (String prompt : script.promptsAfterChoice()) {
                needed.add(in(language, language, prompt, settings));
            }
        }
        return List.copyOf(new ArrayList<>(needed));
    }

    private static Needed in(String directory, String language, String prompt, AsteriskSettings settings) {
        return new Needed(language, prompt, path(directory, settings.sound(language, prompt)));
    }

    private static String path(String directory, String sound) {
        return sound.startsWith("/") ? sound : directory + "/" + sound;
    }
}
