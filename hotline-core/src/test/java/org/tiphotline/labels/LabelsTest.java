package org.tiphotline.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.intake.SeedCodes;
import org.tiphotline.registry.CaseStatus;
import org.tiphotline.routing.Presence;

class LabelsTest {

    @Test
    void everyCodeOfTheSeedsFormsAndTheCallsHasWordsOfItsOwn() {
        var codes = new java.util.ArrayList<String>();
        codes.addAll(SeedCodes.TRAFFICKING_TYPES);
        codes.addAll(SeedCodes.SEXES);
        codes.addAll(SeedCodes.REPORTED_TO);
        codes.addAll(SeedCodes.SITUATIONS);
        Arrays.stream(CallOutcome.values()).map(Enum::name).forEach(codes::add);
        Arrays.stream(CallEventType.values()).map(Enum::name).forEach(codes::add);
        Arrays.stream(CaseStatus.values()).map(Enum::name).forEach(codes::add);
        Arrays.stream(Presence.values()).map(Enum::name).forEach(codes::add);
        assertThat(codes).allSatisfy(code -> assertThat(Labels.all()).containsKey("code." + code));
    }

    @Test
    void aKindSpecificWordingWinsAndAnUnlabelledCodeStillReadsAsASentence() {
        assertThat(Labels.of(null, "POTENTIAL")).isEqualTo("Potential victim");
        assertThat(Labels.of("presence", "AWAY")).isEqualTo("Away");
        assertThat(Labels.of(null, "SOMETHING_NOBODY_LABELLED")).isEqualTo("Something nobody labelled");
        assertThat(Labels.of(null, "ThreatsToFamily")).isEqualTo("Threats to family");
        assertThat(Labels.of(null, null)).isEmpty();
        assertThat(Labels.all()).containsEntry("country.JM", "Jamaica").containsEntry("country.LC", "St. Lucia");
    }

    @Test
    void aLanguageWithoutTranslationsGetsTheEnglishWordsAndABadLanguageCodeIsNotALookup() {
        assertThat(Labels.all("xx")).isSameAs(Labels.all());
        assertThat(Labels.all("../../etc")).isSameAs(Labels.all());
        assertThat(Labels.all(null)).isSameAs(Labels.all());
    }
}
