package org.tiphotline.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.testing.FakeData;

/** Adding keys to the ring and retiring them, as the documented rotation does (docs/operations.md, Keys). */
class KeyRingRotationTest {

    private static final String ROW = "call.caller_number:00000000-0000-0000-0000-000000000001";
    private static final String NUMBER = "+1 (555) 010-0142";

    @Test
    void theEmbeddedKeyFileTakesANewActiveKeyAndHashKeyAndLaterLetsTheOldOnesGo(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("keys.properties");
        KeyRing first = KeyRing.loadOrCreate(keyFile);
        assertThat(first.hashKeyIds()).containsExactly("h1");
        byte[] underK1 = new FieldCipher(first).encrypt("Testfirst Fakename", ROW);
        byte[] hashH1 = new CallerNumbers(first).hash(NUMBER);
        String codeH1 = new KeyedHash(first).of("recovery", "ABCD-EFGH");

        // The administrator's step: a new key and hash key, made active (openssl rand -base64 32 each).
        Files.writeString(keyFile, "key.k2=" + FakeData.testKey("encryption k2") + "\nactive-key=k2\n"
                + "hash-key.h2=" + FakeData.testKey("hash h2") + "\nactive-hash-key=h2\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        KeyRing rotated = KeyRing.loadOrCreate(keyFile);
        assertThat(rotated.activeKeyId()).isEqualTo("k2");
        assertThat(rotated.keyIds()).containsExactly("k1", "k2");
        assertThat(rotated.hashKeyIds()).containsExactly("h2", "h1");
        FieldCipher cipher = new FieldCipher(rotated);
        assertThat(cipher.decrypt(underK1, ROW)).isEqualTo("Testfirst Fakename");
        byte[] underK2 = cipher.reencrypt(underK1, ROW);
        assertThat(FieldCipher.keyIdOf(underK1)).isEqualTo("k1");
        assertThat(FieldCipher.keyIdOf(underK2)).isEqualTo("k2");
        assertThat(underK2).startsWith(FieldCipher.headerOf("k2"));
        assertThat(cipher.decrypt(underK2, ROW)).isEqualTo("Testfirst Fakename");
        CallerNumbers numbers = new CallerNumbers(rotated);
        assertThat(numbers.hash(NUMBER)).isNotEqualTo(hashH1);
        assertThat(numbers.hashes(NUMBER)).containsExactly(numbers.hash(NUMBER), hashH1);
        assertThat(new KeyedHash(rotated).candidates("recovery", "ABCD-EFGH")).hasSize(2).contains(codeH1)
                .startsWith(new KeyedHash(rotated).of("recovery", "ABCD-EFGH"));

        // Retired: the old lines removed; what k2 wrote still reads, the old hash is no longer made.
        List<String> kept = Files.readAllLines(keyFile).stream()
                .filter(l -> !l.startsWith("key.k1=") && !l.startsWith("hash-key=")).toList();
        Files.write(keyFile, kept);
        KeyRing retired = KeyRing.loadOrCreate(keyFile);
        assertThat(retired.keyIds()).containsExactly("k2");
        assertThat(retired.hashKeyIds()).containsExactly("h2");
        assertThat(new FieldCipher(retired).decrypt(underK2, ROW)).isEqualTo("Testfirst Fakename");
        assertThatThrownBy(() -> new FieldCipher(retired).decrypt(underK1, ROW))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'k1', which is not configured");
        assertThat(new CallerNumbers(retired).hashes(NUMBER)).containsExactly(numbers.hash(NUMBER));
    }

    @Test
    void aHashKeyIdGivenTwiceOrAnActiveHashKeyNotHeldIsRefused(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("keys.properties");
        KeyRing.loadOrCreate(keyFile);
        Files.writeString(keyFile, "hash-key.h1=" + FakeData.testKey("x") + "\n", StandardOpenOption.APPEND);
        assertThatThrownBy(() -> KeyRing.loadOrCreate(keyFile)).hasMessageContaining("hash key id 'h1' is given twice");

        Map<String, String> hashKeys = new LinkedHashMap<>();
        hashKeys.put("h1", FakeData.testKey("hash"));
        assertThatThrownBy(() -> KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1", hashKeys, "h2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("active hash key id 'h2' is not among the configured hash keys [h1]");
        hashKeys.put("bad id!", FakeData.testKey("hash"));
        assertThatThrownBy(() -> KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1", hashKeys, "h1"))
                .hasMessageContaining("key id 'bad id!' must be");
    }

    @Test
    void duringARotationNamesGetKeysUnderBothHashKeysSoOldAndNewRecordsStillMeet() {
        KeyRing before = FakeData.keyRing();
        KeyRing during = KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1",
                Map.of("h1", FakeData.testKey("hash"), "h2", FakeData.testKey("hash h2")), "h2");
        KeyRing after = KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1",
                Map.of("h2", FakeData.testKey("hash h2")), "h2");
        List<String> old = hex(new NameKeys(before).of("Testfirst", "Fakename"));
        List<String> both = hex(new NameKeys(during).of("Testfirst", "Fakename"));
        List<String> fresh = hex(new NameKeys(after).of("Testfirst", "Fakename"));
        assertThat(old).doesNotContainAnyElementsOf(fresh);
        assertThat(both).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(old.stream(),
                fresh.stream()).toList());
    }

    private static List<String> hex(List<byte[]> keys) {
        return keys.stream().map(HexFormat.of()::formatHex).toList();
    }
}
