package org.tiphotline.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.testing.FakeData;

class FieldCipherTest {

    private static final String SECRET = "Testfirst Fakename lives at 1 Test Street";
    private static final String ROW = "hotline_report.personal:00000000-0000-0000-0000-000000000001";

    private final FieldCipher cipher = new FieldCipher(FakeData.keyRing("k1", "k1"));

    @Test
    void whatIsEncryptedDecryptsToTheSameText() {
        byte[] sealed = cipher.encrypt(SECRET, ROW);

        assertThat(cipher.decrypt(sealed, ROW)).isEqualTo(SECRET);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("Fakename").doesNotContain("Test");
    }

    @Test
    void nonUnicodeAndLongTextRoundTrips() {
        String text = "Ñandú • 测试 ✓ ".repeat(500);
        assertThat(cipher.decrypt(cipher.encrypt(text, ROW), ROW)).isEqualTo(text);
        assertThat(cipher.decrypt(cipher.encrypt("", ROW), ROW)).isEmpty();
    }

    @Test
    void theSameTextEncryptsDifferentlyEachTime() {
        assertThat(cipher.encrypt(SECRET, ROW)).isNotEqualTo(cipher.encrypt(SECRET, ROW));
    }

    @Test
    void nothingStaysNothing() {
        assertThat(cipher.encrypt(null, ROW)).isNull();
        assertThat(cipher.decrypt(null, ROW)).isNull();
    }

    @Test
    void aCiphertextCopiedToAnotherRowDoesNotDecrypt() {
        byte[] sealed = cipher.encrypt(SECRET, ROW);
        String otherRow = "hotline_report.personal:00000000-0000-0000-0000-000000000002";

        assertThatThrownBy(() -> cipher.decrypt(sealed, otherRow))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(otherRow)
                .hasMessageNotContaining("Fakename");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "call.caller_number:" + ROW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void afterRotationOldCiphertextStillDecryptsAndNewCiphertextUsesTheNewKey() {
        byte[] underK1 = cipher.encrypt(SECRET, ROW);
        assertThat(keyIdOf(underK1)).isEqualTo("k1");

        FieldCipher rotated = new FieldCipher(FakeData.keyRing("k2", "k1", "k2"));
        assertThat(rotated.decrypt(underK1, ROW)).isEqualTo(SECRET);

        byte[] underK2 = rotated.encrypt(SECRET, ROW);
        assertThat(keyIdOf(underK2)).isEqualTo("k2");
        assertThat(rotated.decrypt(underK2, ROW)).isEqualTo(SECRET);

        // The old ring never knew k2, and a ring that retired k1 cannot read what k1 wrote.
        assertThatThrownBy(() -> cipher.decrypt(underK2, ROW)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("k2");
        FieldCipher k2Only = new FieldCipher(FakeData.keyRing("k2", "k2"));
        assertThatThrownBy(() -> k2Only.decrypt(underK1, ROW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSameKeyIdWithOtherKeyMaterialDoesNotDecrypt() {
        byte[] sealed = cipher.encrypt(SECRET, ROW);
        KeyRing impostor = KeyRing.of(Map.of("k1", FakeData.testKey("not the real k1")), "k1",
                FakeData.testKey("hash"));
        assertThatThrownBy(() -> new FieldCipher(impostor).decrypt(sealed, ROW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void changingAnySingleByteMakesDecryptionFail() {
        byte[] sealed = cipher.encrypt(SECRET, ROW);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            int position = i;
            assertThatThrownBy(() -> cipher.decrypt(tampered, ROW)).as("byte %d flipped", position)
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> cipher.decrypt(Arrays.copyOf(sealed, sealed.length - 1), ROW))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyRingsRejectBadConfiguration() {
        String key = FakeData.testKey("x");
        assertThatThrownBy(() -> KeyRing.of(Map.of("k1", key), "k9", key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k9");
        assertThatThrownBy(() -> KeyRing.of(Map.of("k1", "c2hvcnQ="), "k1", key))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> KeyRing.of(Map.of("bad id!", key), "bad id!", key))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyRing.of(Map.of(), "k1", key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyRing.of(Map.of("k1", key), "k1", " "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadOrCreateWritesAPrivateKeyFileOnceAndReloadsTheSameKeys(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("data/keys.properties");

        KeyRing created = KeyRing.loadOrCreate(keyFile);
        assertThat(keyFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(keyFile.resolveSibling("keys.properties.tmp")).doesNotExist();
        byte[] fileBefore = Files.readAllBytes(keyFile);

        byte[] sealed = new FieldCipher(created).encrypt(SECRET, ROW);
        String number = "+1 (555) 010-0123";
        byte[] hash = new CallerNumbers(created).hash(number);

        KeyRing reloaded = KeyRing.loadOrCreate(keyFile);
        assertThat(Files.readAllBytes(keyFile)).isEqualTo(fileBefore);
        assertThat(reloaded.activeKeyId()).isEqualTo(created.activeKeyId());
        assertThat(new FieldCipher(reloaded).decrypt(sealed, ROW)).isEqualTo(SECRET);
        assertThat(new CallerNumbers(reloaded).hash(number)).isEqualTo(hash);

        // Another data directory gets other keys.
        KeyRing elsewhere = KeyRing.loadOrCreate(dir.resolve("other/keys.properties"));
        assertThatThrownBy(() -> new FieldCipher(elsewhere).decrypt(sealed, ROW))
                .isInstanceOf(IllegalStateException.class);
        assertThat(new CallerNumbers(elsewhere).hash(number)).isNotEqualTo(hash);
    }

    private static String keyIdOf(byte[] sealed) {
        return new String(sealed, 2, sealed[1], StandardCharsets.US_ASCII);
    }
}
