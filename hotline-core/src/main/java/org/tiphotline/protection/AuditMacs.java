package org.tiphotline.protection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.OffsetDateTime;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.springframework.stereotype.Component;

/**
 * The three HMACs under the audit key: of one audit row's content, of one link of the chain, and of a published
 * head. Each starts with its own label, so that one kind can never pass for another, and every value is written
 * with its length first (null as length -1), so that no two different contents give the same bytes.
 */
@Component
public class AuditMacs {

    private final KeyRing keys;

    public AuditMacs(KeyRing keys) {
        this.keys = keys;
    }

    /** The MAC of an audit row: every column that says who did what to which record when, its id and nonce. */
    public byte[] row(long id, OffsetDateTime at, String actor, String action, String entity, String entityId,
            String[] fields, String changes, byte[] nonce) {
        Input in = new Input(keys.auditKey(), "tiphotline audit row v1").number(id).time(at).text(actor).text(action)
                .text(entity).text(entityId).number(fields == null ? -1 : fields.length);
        if (fields != null) {
            for (String field : fields) {
                in.text(field);
            }
        }
        return in.text(changes).bytes(nonce).done();
    }

    /** The hash of chain entry {@code seq}, linking it to the one before ({@code previous}; null for the start). */
    byte[] link(byte[] previous, long seq, String kind, long auditId, byte[] rowMac, OffsetDateTime sealedAt) {
        return new Input(keys.auditKey(), "tiphotline audit chain v1").bytes(previous).number(seq).text(kind)
                .number(auditId).bytes(rowMac).time(sealedAt).done();
    }

    /** The signature of a published head: the chain's entry {@code seq} had {@code hash} at {@code at}. */
    byte[] head(long seq, byte[] hash, Instant at) {
        return new Input(keys.auditKey(), "tiphotline audit head v1").number(seq).bytes(hash)
                .number(micros(at)).done();
    }

    /** PostgreSQL keeps microseconds: the MAC covers exactly what the column holds. */
    static long micros(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
    }

    private static final class Input {

        private final Mac mac;
        private final ByteBuffer number = ByteBuffer.allocate(Long.BYTES);

        Input(SecretKey key, String label) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 unavailable", e);
            }
            text(label);
        }

        Input number(long value) {
            mac.update(number.clear().putLong(value).array());
            return this;
        }

        Input time(OffsetDateTime at) {
            return number(at == null ? Long.MIN_VALUE : micros(at.toInstant()));
        }

        Input text(String value) {
            return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        Input bytes(byte[] value) {
            number(value == null ? -1 : value.length);
            if (value != null) {
                mac.update(value);
            }
            return this;
        }

        byte[] done() {
            return mac.doFinal();
        }
    }
}
