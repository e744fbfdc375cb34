package org.tiphotline.console.trail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tiphotline.protection.rotation.Reencryption;
import org.tiphotline.retention.RetentionBatches;

/** The trail names the system's own writers by what they are: a key rotation is not "the phone line". */
class TrailWordsActorsTest {

    @Test
    void theSystemsOwnWritersAreNamedByWhatTheyDo() {
        assertThat(TrailWords.systemActor(Reencryption.ACTOR)).isEqualTo("Key rotation (automatic)");
        assertThat(TrailWords.systemActor(RetentionBatches.ACTOR)).isEqualTo("Retention (automatic)");
        assertThat(TrailWords.systemActor("system:callbacks")).isEqualTo("Callbacks (automatic)");
        assertThat(TrailWords.systemActor("system:twilio")).isEqualTo("The phone line (twilio)");
        assertThat(TrailWords.systemActor("someone")).isNull();
    }
}
