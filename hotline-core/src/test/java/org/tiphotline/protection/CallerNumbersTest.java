package org.tiphotline.protection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tiphotline.testing.FakeData;

class CallerNumbersTest {

    private final CallerNumbers numbers = new CallerNumbers(FakeData.keyRing());

    @Test
    void oneNumberWrittenTwoWaysIsOneCaller() {
        assertThat(CallerNumbers.normalise("+1 (555) 010-0123")).isEqualTo("+15550100123");
        assertThat(numbers.hash("+1 (555) 010-0123")).isEqualTo(numbers.hash("+15550100123"))
                .isEqualTo(numbers.hash(" +1.555.010.0123 "));
    }

    @Test
    void differentNumbersHashDifferently() {
        assertThat(numbers.hash("+15550100123")).isNotEqualTo(numbers.hash("+15550100124"));
        // The leading '+' is part of the number: an international and a local form are not merged.
        assertThat(numbers.hash("+15550100123")).isNotEqualTo(numbers.hash("15550100123"));
    }

    @Test
    void theHashDependsOnTheSecretHashKey() {
        KeyRing otherHashKey = KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1",
                FakeData.testKey("another hash key"));
        byte[] ours = numbers.hash("+15550100123");

        assertThat(new CallerNumbers(otherHashKey).hash("+15550100123")).isNotEqualTo(ours);
        assertThat(ours).hasSize(32);
        assertThat(new String(ours, StandardCharsets.ISO_8859_1)).doesNotContain("5550100123");
    }

    @Test
    void withheldNumbersHaveNoHash() {
        assertThat(numbers.hash(null)).isNull();
        assertThat(numbers.hash("anonymous")).isNull();
    }

    @Test
    void theMaskShowsOnlyTheLastTwoDigits() {
        assertThat(CallerNumbers.mask("+1 (555) 010-0123")).isEqualTo("•••• 23");
        assertThat(CallerNumbers.mask("+15550100147")).isEqualTo("•••• 47");
        assertThat(CallerNumbers.mask("+15550100147")).doesNotContain("555").doesNotContain("01");
        assertThat(CallerNumbers.mask(null)).isEqualTo("withheld");
        assertThat(CallerNumbers.mask("Anonymous")).isEqualTo("withheld");
    }

    @Test
    void onlyNumbersWithThreeToTwentyDigitsAreUsable() {
        assertThat(CallerNumbers.isUsable("+1 (555) 010-0123")).isTrue();
        assertThat(CallerNumbers.isUsable("555")).isTrue();
        assertThat(CallerNumbers.isUsable("12")).isFalse();
        assertThat(CallerNumbers.isUsable("+" + "5".repeat(21))).isFalse();
        assertThat(CallerNumbers.isUsable("anonymous")).isFalse();
        assertThat(CallerNumbers.isUsable("")).isFalse();
        assertThat(CallerNumbers.isUsable(null)).isFalse();
    }
}
