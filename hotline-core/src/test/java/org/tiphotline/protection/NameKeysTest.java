package org.tiphotline.protection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tiphotline.testing.FakeData;

class NameKeysTest {

    @Test
    void soundexGroupsHowNamesSound() {
        assertThat(NameKeys.soundex("SMITH")).isEqualTo(NameKeys.soundex("SMYTH")).isEqualTo("S530");
        assertThat(NameKeys.soundex("ROBERT")).isEqualTo("R163").isEqualTo(NameKeys.soundex("RUPERT"));
        assertThat(NameKeys.soundex("ASHCRAFT")).isEqualTo("A261");
        assertThat(NameKeys.soundex("TYMCZAK")).isEqualTo("T522");
        assertThat(NameKeys.soundex("JOHN")).isNotEqualTo(NameKeys.soundex("MARY"));
    }

    @Test
    void similarNamesShareAKeyAndTheKeysDependOnTheInstallationsSecret() {
        NameKeys keys = new NameKeys(FakeData.keyRing());
        List<String> johnSmith = hex(keys.of("John", "Smith"));
        assertThat(hex(keys.of("Jon Smyth"))).containsExactlyInAnyOrderElementsOf(johnSmith);
        assertThat(hex(keys.of("Jöhn-SMITH"))).as("accents, case and punctuation").containsExactlyElementsOf(johnSmith);
        assertThat(hex(keys.of("Mary Quentin"))).doesNotContainAnyElementsOf(johnSmith);
        assertThat(keys.of("J", null, " ")).as("single letters and blanks give no key").isEmpty();

        NameKeys elsewhere = new NameKeys(KeyRing.of(java.util.Map.of("k1", FakeData.testKey("other encryption")),
                "k1", FakeData.testKey("another installation's hash key")));
        assertThat(hex(elsewhere.of("John", "Smith"))).doesNotContainAnyElementsOf(johnSmith);
    }

    private static List<String> hex(List<byte[]> keys) {
        return keys.stream().map(HexFormat.of()::formatHex).toList();
    }
}
