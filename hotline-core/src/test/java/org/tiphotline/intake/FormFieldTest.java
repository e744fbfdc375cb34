package org.tiphotline.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * Whole numbers are taken exactly or refused. Found by the form fuzzer: JSON numbers beyond int (Jackson reads
 * them as Long or BigInteger) were cut with intValue(), so -9223372036854775808 was stored as age 0 and
 * 4294967314 as 18, an adult, where the client had sent nothing like it.
 */
class FormFieldTest {

    private final FormField age = FormField.number("age", "A", "Age", 0, 120);
    private final LocalDate today = LocalDate.of(2026, 1, 1);

    @Test
    void numbersBeyondIntAreRefusedNotWrapped() {
        for (Number n : new Number[] {Long.MIN_VALUE, 4_294_967_296L + 18, new BigInteger("18446744073709551634"),
                4.294967314E9, Double.POSITIVE_INFINITY, Double.NaN, new BigDecimal("1e400")}) {
            assertThatThrownBy(() -> age.normalise(n, today)).as("%s", n).isInstanceOf(InvalidField.class);
        }
    }

    @Test
    void wholeNumbersInRangeAreKeptInAnyNumericType() {
        assertThat(age.normalise(18, today)).isEqualTo(18);
        assertThat(age.normalise(18L, today)).isEqualTo(18);
        assertThat(age.normalise(18.0, today)).isEqualTo(18);
        assertThat(age.normalise(new BigDecimal("18.000"), today)).isEqualTo(18);
        assertThatThrownBy(() -> age.normalise(17.5, today)).isInstanceOf(InvalidField.class);
    }

    /** Issue 17: "-5" typed in an age was told "must be a whole number", which it is; the limit is what it missed. */
    @Test
    void aNumberOutsideItsRangeIsToldTheLimitItCrossedOnEveryForm() {
        assertThat(problem("-5")).isEqualTo("must be 0 or more");
        assertThat(problem(-5)).isEqualTo("must be 0 or more");
        assertThat(problem("121")).isEqualTo("must be 120 or less");
        assertThat(problem("twelve")).isEqualTo("must be a whole number, written in digits");
        assertThat(problem("12.5")).contains("whole number");
        assertThat(age.normalise(" 7 ", today)).isEqualTo(7);
    }

    private String problem(Object typed) {
        try {
            age.normalise(typed, today);
        } catch (InvalidField e) {
            return e.problems().get("age");
        }
        throw new AssertionError(typed + " was accepted");
    }
}
