package org.tiphotline.telephony.asterisk;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * How the hotline reaches a task force's own Asterisk. Nothing here is personal data; the AMI password is a
 * secret and comes from the environment in production ({@code ops/production.env.example}).
 *
 * @param endpoints operator username → the dial string of their phone, e.g. {@code operator1: PJSIP/operator1}
 * @param escalationDial how to dial an escalation number, {@code {number}} replaced by it
 * @param sounds per language, prompt name → sound file; a prompt not listed plays {@code hotline/<prompt>} in
 *     the channel's language (Asterisk looks in {@code sounds/<language>/hotline/})
 */
@ConfigurationProperties("hotline.telephony.asterisk")
public record AsteriskSettings(
        @DefaultValue("false") boolean enabled,
        @DefaultValue Agi agi,
        @DefaultValue Ami ami,
        @DefaultValue Dialplan dialplan,
        @DefaultValue({}) Map<String, String> endpoints,
        @DefaultValue("PJSIP/{number}@escalation-trunk") String escalationDial,
        @DefaultValue("25") int ringSeconds,
        @DefaultValue({}) Map<String, Map<String, String>> sounds) {

    /** Where the shipped prompts are, under each language's sounds directory. */
    public static final String DEFAULT_DIRECTORY = "hotline/";

    public AsteriskSettings {
        endpoints = Map.copyOf(endpoints);
        sounds = Map.copyOf(sounds);
        if (!escalationDial.contains("{number}")) {
            throw new IllegalArgumentException("hotline.telephony.asterisk.escalation-dial must contain {number}");
        }
    }

    /**
     * These settings with the default sound of every prompt that says a digit and is not listed in
     * {@code sounds}: a language option's digit depends on the order of {@code hotline.calls.languages}, the
     * "cannot speak freely" notice's on {@code hotline.ivr.cannot-speak-freely.digit}, so their default files carry
     * the digit ({@code hotline/language-fr-2}, {@code hotline/cannot-speak-freely-9}) and one set of files serves
     * every deployment.
     */
    public AsteriskSettings withIvrDefaults(IvrScript script) {
        Map<String, Map<String, String>> withDefaults = new java.util.HashMap<>(sounds);
        script.menus().getFirst().options().forEach((digit, language) -> {
            Map<String, String> forLanguage = new java.util.HashMap<>(withDefaults.getOrDefault(language, Map.of()));
            forLanguage.putIfAbsent(IvrScript.languageOptionPrompt(language),
                    DEFAULT_DIRECTORY + languageOptionSound(language, digit));
            if (script.quietDigit() != null) {
                forLanguage.putIfAbsent(IvrScript.CANNOT_SPEAK_FREELY,
                        DEFAULT_DIRECTORY + quietNoticeSound(script.quietDigit()));
            }
            withDefaults.put(language, Map.copyOf(forLanguage));
        });
        return new AsteriskSettings(enabled, agi, ami, dialplan, endpoints, escalationDial, ringSeconds,
                withDefaults);
    }

    /** The default sound file name (without directory) of the "cannot speak freely" notice on a digit. */
    public static String quietNoticeSound(String digit) {
        return IvrScript.CANNOT_SPEAK_FREELY + "-" + digit;
    }

    /** The default sound file name (without directory) of a language's option prompt on a digit. */
    public static String languageOptionSound(String language, String digit) {
        return IvrScript.languageOptionPrompt(language) + "-" + digit;
    }

    /** The sound file for a prompt in a language. */
    public String sound(String language, String prompt) {
        Map<String, String> forLanguage = language == null ? null : sounds.get(language);
        String file = forLanguage == null ? null : forLanguage.get(prompt);
        return file != null ? file : DEFAULT_DIRECTORY + prompt;
    }

    /**
     * @param bindAddress where the FastAGI server listens: the address Asterisk reaches, never a public one
     * @param threads at most this many IVRs at once (each holds a thread only while its IVR plays)
     */
    public record Agi(@DefaultValue("127.0.0.1") String bindAddress, @DefaultValue("4573") int port,
            @DefaultValue("200") int threads) {}

    /**
     * @param pingInterval how often the link is checked; a link that misses {@code pingsMissed} pings in a row
     *     is dropped and opened again
     * @param actionTimeout how long an action waits for Asterisk's response
     */
    public record Ami(@DefaultValue("127.0.0.1") String host, @DefaultValue("5038") int port,
            @DefaultValue("tiphotline") String username, @DefaultValue("") String password,
            @DefaultValue("10s") Duration pingInterval, @DefaultValue("2") int pingsMissed,
            @DefaultValue("5s") Duration actionTimeout, @DefaultValue("2s") Duration retryInterval) {}

    /** The contexts of {@code ops/asterisk/extensions.conf} the adapter moves callers into. */
    public record Dialplan(@DefaultValue("hotline-inbound") String inbound,
            @DefaultValue("hotline-wait") String waiting, @DefaultValue("hotline-connect") String connect,
            @DefaultValue("hotline-conference") String conference) {}
}
