package org.tiphotline.intake;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The country profile the forms use: its name and the places (parishes, quarters) a situation can be
 * located in. Configuration, not code: Jamaica and Saint Lucia differ only here.
 */
@ConfigurationProperties("hotline.jurisdiction")
public record JurisdictionSettings(@DefaultValue("Jamaica") String name, @DefaultValue("JM") String country,
        List<String> places) {

    public JurisdictionSettings {
        places = places == null ? List.of() : List.copyOf(places);
    }
}
