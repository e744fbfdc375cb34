package org.tiphotline.telephony.ivr;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How patient the IVR is, for every provider.
 *
 * @param retries how many times a question is asked again after no input or a wrong digit
 * @param digitTimeout how long the IVR waits for a digit after a prompt
 * @param cannotSpeakFreely the digit a caller who is overheard presses at any question after the language
 */
@ConfigurationProperties("hotline.ivr")
public record IvrSettings(@DefaultValue("2") int retries, @DefaultValue("5s") Duration digitTimeout,
        @DefaultValue CannotSpeakFreely cannotSpeakFreely) {

    @ConstructorBinding
    public IvrSettings {
        if (retries < 0 || retries > 5) {
            throw new IllegalArgumentException("hotline.ivr.retries must be between 0 and 5");
        }
        if (digitTimeout.isNegative() || digitTimeout.isZero() || digitTimeout.toSeconds() > 30) {
            throw new IllegalArgumentException("hotline.ivr.digit-timeout must be between 1 ms and 30 s");
        }
        if (cannotSpeakFreely == null) {
            cannotSpeakFreely = CannotSpeakFreely.DEFAULT;
        }
    }

    /** The defaults for the "cannot speak freely" digit: offered, on 9, in the built-in words. */
    public IvrSettings(int retries, Duration digitTimeout) {
        this(retries, digitTimeout, CannotSpeakFreely.DEFAULT);
    }

    /**
     * The "cannot speak freely" choice. Its notice plays once, before the danger question.
     *
     * @param offered false: no notice, and the digit is an ordinary wrong digit
     * @param digit one of 0-9 that answers no question after the language (checked by {@link IvrScript})
     * @param prompt per language, the notice's words instead of the built-in ones, with {@code {digit}} where the
     *     digit is said (spoken by Twilio's {@code <Say>}; on Asterisk, record them and set the sound file)
     */
    public record CannotSpeakFreely(@DefaultValue("true") boolean offered, @DefaultValue("9") String digit,
            @DefaultValue({}) Map<String, String> prompt) {

        static final CannotSpeakFreely DEFAULT = new CannotSpeakFreely(true, "9", Map.of());

        public CannotSpeakFreely {
            prompt = prompt == null ? Map.of() : Map.copyOf(prompt);
            if (digit == null || !digit.matches("[0-9]")) {
                throw new IllegalArgumentException("hotline.ivr.cannot-speak-freely.digit must be one digit, 0-9");
            }
            prompt.forEach((language, words) -> {
                if (words == null || !words.contains(IvrTexts.DIGIT)) {
                    throw new IllegalArgumentException("hotline.ivr.cannot-speak-freely.prompt." + language
                            + " must say the digit: write " + IvrTexts.DIGIT + " where it is said");
                }
            });
        }
    }
}
