package org.tiphotline.console.quiet;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param coverStory what the operator says if someone else answers or listens, shown above the yes/no script: a
 *     reason to call that explains the call without the hotline in it
 */
@ConfigurationProperties("hotline.quiet-mode")
record QuietModeSettings(
        @DefaultValue("This is the pharmacy returning your call about your prescription.") String coverStory) {

    QuietModeSettings {
        if (coverStory == null || coverStory.isBlank() || coverStory.length() > 300
                || coverStory.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("hotline.quiet-mode.cover-story must be 1-300 printable characters");
        }
        coverStory = coverStory.strip();
    }
}
