package org.tiphotline.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.testing.FakeData;

/** The audit key: a key of its own in the ring, added to a key file written before it existed. */
class AuditKeyTest {

    private static final OffsetDateTime AT = OffsetDateTime.parse("2025-03-03T10:00:00.123456Z");

    @Test
    void aKeyFileWithoutAnAuditKeyGetsOneAndKeepsEverythingElse(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("keys.properties");
        Properties before = new Properties();
        before.setProperty("active-key", "k1");
        before.setProperty("key.k1", FakeData.testKey("encryption k1"));
        before.setProperty("hash-key", FakeData.testKey("hash"));
        try (Writer out = Files.newBufferedWriter(keyFile)) {
            before.store(out, null);
        }
        byte[] sealed = new FieldCipher(KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1",
                FakeData.testKey("hash"))).encrypt("Testfirst Fakename", "test:1");

        KeyRing ring = KeyRing.loadOrCreate(keyFile);
        Properties after = new Properties();
        try (Reader in = Files.newBufferedReader(keyFile)) {
            after.load(in);
        }
        assertThat(after.getProperty("audit-key")).isNotBlank();
        after.remove("audit-key");
        assertThat(after).isEqualTo(before);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(new FieldCipher(ring).decrypt(sealed, "test:1")).isEqualTo("Testfirst Fakename");

        // Loaded again: the same audit key, so yesterday's MACs still fit.
        byte[] mac = row(new AuditMacs(ring));
        assertThat(row(new AuditMacs(KeyRing.loadOrCreate(keyFile)))).isEqualTo(mac);
        assertThat(row(new AuditMacs(FakeData.keyRing()))).isNotEqualTo(mac);
    }

    @Test
    void aRingWithoutAnAuditKeyRefusesToSealAndTheAuditKeyIsNeverTheHashKey() {
        KeyRing readOnly = KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1", FakeData.testKey("hash"));
        assertThatThrownBy(() -> row(new AuditMacs(readOnly))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("hotline.protection.audit-key");
        assertThatThrownBy(() -> KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1",
                FakeData.testKey("hash"), FakeData.testKey("hash"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be a hash key");
        assertThatThrownBy(() -> KeyRing.of(Map.of("k1", FakeData.testKey("encryption k1")), "k1",
                FakeData.testKey("hash"), " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hotline.protection.audit-key");
    }

    @Test
    void everyColumnOfARowCountsInItsMac() {
        AuditMacs macs = new AuditMacs(FakeData.keyRing());
        byte[] nonce = new byte[16];
        byte[] mac = row(macs);
        String[] fields = {"caller_number"};
        assertThat(macs.row(2, AT, "testoperator", "READ", "call", "c-1", fields, null, nonce)).isNotEqualTo(mac);
        assertThat(macs.row(1, AT.plusNanos(1000), "testoperator", "READ", "call", "c-1", fields, null, nonce))
                .isNotEqualTo(mac);
        assertThat(macs.row(1, AT, "testoperator2", "READ", "call", "c-1", fields, null, nonce)).isNotEqualTo(mac);
        assertThat(macs.row(1, AT, "testoperator", "CHANGE", "call", "c-1", fields, null, nonce)).isNotEqualTo(mac);
        assertThat(macs.row(1, AT, "testoperator", "READ", "case", "c-1", fields, null, nonce)).isNotEqualTo(mac);
        assertThat(macs.row(1, AT, "testoperator", "READ", "call", "c-2", fields, null, nonce)).isNotEqualTo(mac);
        assertThat(macs.row(1, AT, "testoperator", "READ", "call", "c-1", new String[] {"caller", "_number"}, null,
                nonce)).isNotEqualTo(mac);
        assertThat(macs.row(1, AT, "testoperator", "READ", "call", "c-1", fields, "{}", nonce)).isNotEqualTo(mac);
        assertThat(macs.row(1, AT, "testoperator", "READ", "call", "c-1", fields, null, new byte[16]))
                .isEqualTo(mac);
        byte[] otherNonce = new byte[16];
        otherNonce[0] = 1;
        assertThat(macs.row(1, AT, "testoperator", "READ", "call", "c-1", fields, null, otherNonce)).isNotEqualTo(mac);
    }

    private static byte[] row(AuditMacs macs) {
        return macs.row(1, AT, "testoperator", "READ", "call", "c-1", new String[] {"caller_number"}, null,
                new byte[16]);
    }
}
