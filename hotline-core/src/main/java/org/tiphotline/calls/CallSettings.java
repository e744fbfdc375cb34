package org.tiphotline.calls;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param languages the languages the hotline answers in (ISO 639 codes), first is the IVR's default */
@ConfigurationProperties("hotline.calls")
public record CallSettings(@DefaultValue("en") List<String> languages) {

    public CallSettings {
        languages = List.copyOf(languages);
        if (languages.isEmpty()) {
            throw new IllegalArgumentException("hotline.calls.languages needs at least one language");
        }
    }
}
