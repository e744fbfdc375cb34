package org.tiphotline.calls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A provider's call id is refused before anything is stored when the table could not hold it. Found by the AGI
 * fuzzer: an {@code agi_uniqueid} with a NUL passed this check and failed only at PostgreSQL's insert.
 */
class CallRefTest {

    @Test
    void idsWithControlCharactersOrTooLongAreRefused() {
        for (String id : new String[] {"1761000000.\u0000", "17610\n00000.1", "\u0007", "x".repeat(129), " "}) {
            assertThatThrownBy(() -> new CallRef("asterisk", id)).as("%s", id)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatCode(() -> new CallRef("asterisk", "1761000000.11")).doesNotThrowAnyException();
        assertThatCode(() -> new CallRef("twilio", "CA" + "0".repeat(32))).doesNotThrowAnyException();
    }
}
