package org.tiphotline.protection;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * A key of one record's own (crypto-shredding): the record's content is sealed with a random AES-256 key, and that
 * key is stored only wrapped by the key ring ({@link FieldCipher}, so a rotation re-wraps it like any encrypted
 * value and never reads the content). Destroying the wrapped key makes every copy of the content unreadable, backups
 * of the content included.
 *
 * <p>Sealed layout: {@code 0x02 | 12-byte nonce | ciphertext with 16-byte tag}, bound to where it is stored.
 */
@Component
public class DataKeys {

    private static final byte FORMAT = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final FieldCipher cipher;
    private final SecureRandom random = new SecureRandom();

    public DataKeys(FieldCipher cipher) {
        this.cipher = cipher;
    }

    /** A fresh key and its wrapped form, bound to the row that will hold it. */
    public record DataKey(SecretKey key, byte[] wrapped) {}

    public DataKey generate(String wrappedBoundTo) {
        byte[] material = new byte[32];
        random.nextBytes(material);
        SecretKey key = new SecretKeySpec(material, "AES");
        return new DataKey(key, cipher.encryptBytes(material, wrappedBoundTo));
    }

    /** The key a wrapped one holds; throws as {@link FieldCipher#decryptBytes} does when it cannot be unwrapped. */
    public SecretKey unwrap(byte[] wrapped, String wrappedBoundTo) {
        return new SecretKeySpec(cipher.decryptBytes(wrapped, wrappedBoundTo), "AES");
    }

    public byte[] seal(byte[] plaintext, SecretKey key, String boundTo) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            aes.updateAAD(boundTo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] sealed = aes.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    public byte[] open(byte[] stored, SecretKey key, String boundTo) {
        if (stored == null || stored.length < 1 + NONCE_BYTES + TAG_BITS / 8 || stored[0] != FORMAT) {
            throw new IllegalStateException("sealed content for " + boundTo + " is truncated or not in this format");
        }
        try {
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_BYTES));
            aes.updateAAD(boundTo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return aes.doFinal(stored, 1 + NONCE_BYTES, stored.length - 1 - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            // Where it was bound, never the content.
            throw new IllegalStateException("sealed content for " + boundTo + " failed authentication", e);
        }
    }
}
