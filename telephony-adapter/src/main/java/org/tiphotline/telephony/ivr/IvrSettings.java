package org.tiphotline.telephony.ivr;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How patient the IVR is, for every provider.
 *
 * @param retries how many times a question is asked again after no input or a wrong digit
 * @param digitTimeout how long the IVR waits for a digit after a prompt
 */
@ConfigurationProperties("hotline.ivr")
public record IvrSettings(@DefaultValue("2") int retries, @DefaultValue("5s") Duration digitTimeout) {

    public IvrSettings {
        if (retries < 0 || retries > 5) {
            throw new IllegalArgumentException("hotline.ivr.retries must be between 0 and 5");
        }
        if (digitTimeout.isNegative() || digitTimeout.isZero() || digitTimeout.toSeconds() > 30) {
            throw new IllegalArgumentException("hotline.ivr.digit-timeout must be between 1 ms and 30 s");
        }
    }
}
