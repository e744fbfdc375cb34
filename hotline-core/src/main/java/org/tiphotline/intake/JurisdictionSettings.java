package org.tiphotline.intake;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The country profile the forms use: its name, the places (parishes, quarters) a situation can be located in, and
 * the time zone and locale its staff read dates in (a night shift in Kingston must not read UTC). Configuration,
 * not code: Jamaica and Saint Lucia differ only here.
 */
@ConfigurationProperties("hotline.jurisdiction")
public record JurisdictionSettings(@DefaultValue("Jamaica") String name, @DefaultValue("JM") String country,
        List<String> places, @DefaultValue("America/Jamaica") String timeZone, @DefaultValue("en-JM") String locale) {

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public JurisdictionSettings {
        places = places == null ? List.of() : List.copyOf(places);
        java.time.ZoneId.of(timeZone); // a misspelt zone fails at start-up, not on the first date shown
    }

    public JurisdictionSettings(String name, String country, List<String> places) {
        this(name, country, places, "America/Jamaica", "en-JM");
    }
}
