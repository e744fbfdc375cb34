package org.tiphotline.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each rule of the password policy, at its edge, and what it must not demand. */
class PasswordPolicyTest {

    private final PasswordPolicy policy = new PasswordPolicy();

    @Test
    void theBreachedPasswordListShipsWithTheBuild() {
        assertThat(policy.listed()).isGreaterThan(90_000);
    }

    @Test
    void twelveCharactersIsTheLeast() {
        assertThatThrownBy(() -> policy.check("quiet-lake9", "someone"))
                .isInstanceOf(PasswordRefused.class).hasMessageContaining("at least 12");
        assertThatCode(() -> policy.check("quiet-lake-9", "someone")).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check("", "someone")).isInstanceOf(PasswordRefused.class)
                .hasMessageContaining("required");
        assertThatThrownBy(() -> policy.check(null, "someone")).isInstanceOf(PasswordRefused.class);
    }

    @Test
    void charactersAreCountedNotBytesOrUtf16Units() {
        // Eleven emoji are 22 UTF-16 units: still eleven characters, too short.
        assertThatThrownBy(() -> policy.check("\uD83C\uDF4B".repeat(11), "someone"))
                .isInstanceOf(PasswordRefused.class).hasMessageContaining("at least 12");
        assertThatCode(() -> policy.check("día de lluvia en Kingston", "someone")).doesNotThrowAnyException();
    }

    @Test
    void longPassphrasesAreAllowedUpTo128() {
        String sixtyFour = "correct horse battery staple and a slow walk along the harbour..";
        assertThat(sixtyFour).hasSize(64);
        assertThatCode(() -> policy.check(sixtyFour, "someone")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("w".repeat(100) + " some words at the end ok", "someone"))
                .doesNotThrowAnyException();
        String max = "tide and wind ".repeat(10).substring(0, 128);
        assertThatCode(() -> policy.check(max, "someone")).doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check(max + "x", "someone")).isInstanceOf(PasswordRefused.class)
                .hasMessageContaining("at most 128");
    }

    @Test
    void commonAndBreachedPasswordsAreRefusedWhateverTheirCase() {
        for (String breached : new String[] {"123qweasdzxc", "qwerty123456", "123456789012", "123QWEasdzxc", "QWERTYqwerty"}) {
            assertThatThrownBy(() -> policy.check(breached, "someone")).as(breached)
                    .isInstanceOf(PasswordRefused.class).hasMessageContaining("common or breached");
        }
    }

    @Test
    void thePasswordMustNotContainTheUsername() {
        assertThatThrownBy(() -> policy.check("Testoperator-forever", "testoperator"))
                .isInstanceOf(PasswordRefused.class).hasMessageContaining("username");
        assertThatCode(() -> policy.check("Testoperator-forever", "someone")).doesNotThrowAnyException();
    }

    @Test
    void noCompositionRules() {
        // Only lower-case letters, no digit or symbol: a passphrase is accepted as it is.
        assertThatCode(() -> policy.check("mangoes ripen slowly in june", "someone")).doesNotThrowAnyException();
        assertThatCode(() -> policy.check("zqxvbnmlkjhgp", "someone")).doesNotThrowAnyException();
    }

    @Test
    void oneTimePasswordsAreRandomReadableAndPassThePolicy() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String oneTime = policy.oneTime();
            assertThat(oneTime).matches("[a-hjkmnp-z2-9]{5}(-[a-hjkmnp-z2-9]{5}){3}");
            assertThatCode(() -> policy.check(oneTime, "someone")).doesNotThrowAnyException();
            seen.add(oneTime);
        }
        assertThat(seen).hasSize(200);
    }
}
