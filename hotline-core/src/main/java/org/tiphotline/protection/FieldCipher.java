package org.tiphotline.protection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.springframework.stereotype.Component;

/**
 * Authenticated encryption (AES-256-GCM) of personal fields. The ciphertext carries its key id, so old rows
 * stay readable after the active key rotates, and is bound to where it is stored (the associated data names
 * table, column and row), so a ciphertext copied onto another row fails to decrypt instead of lying.
 *
 * <p>Layout: {@code 0x01 | key id length | key id | 12-byte nonce | ciphertext with 16-byte tag}.
 */
@Component
public class FieldCipher {

    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final KeyRing keys;
    private final SecureRandom random = new SecureRandom();

    public FieldCipher(KeyRing keys) {
        this.keys = keys;
    }

    public byte[] encrypt(String plaintext, String boundTo) {
        return plaintext == null ? null : encryptBytes(plaintext.getBytes(StandardCharsets.UTF_8), boundTo);
    }

    public String decrypt(byte[] stored, String boundTo) {
        byte[] plain = decryptBytes(stored, boundTo);
        return plain == null ? null : new String(plain, StandardCharsets.UTF_8);
    }

    /** Files (documents attached to cases) as well as text: the same format, the same binding to their row. */
    public byte[] encryptBytes(byte[] plaintext, String boundTo) {
        if (plaintext == null) {
            return null;
        }
        String keyId = keys.activeKeyId();
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.encryptionKey(keyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(2 + id.length + NONCE_BYTES + sealed.length)
                    .put(FORMAT).put((byte) id.length).put(id).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /**
     * The same plaintext, bound to the same place, under the active key: what a key rotation writes back. Throws
     * as {@link #decryptBytes} does when the stored ciphertext cannot be read.
     */
    public byte[] reencrypt(byte[] stored, String boundTo) {
        return encryptBytes(decryptBytes(stored, boundTo), boundTo);
    }

    /**
     * The leading bytes every ciphertext under this key starts with (format, id length, id): a row is under
     * another key exactly when its first bytes differ, which SQL can test without any key.
     */
    public static byte[] headerOf(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(2 + id.length).put(FORMAT).put((byte) id.length).put(id).array();
    }

    /** The key id a stored ciphertext names, or null when it is not in this format. */
    public static String keyIdOf(byte[] stored) {
        if (stored == null || stored.length < 2 || stored[0] != FORMAT || stored.length < 2 + stored[1]
                || stored[1] < 0) {
            return null;
        }
        return new String(stored, 2, stored[1], StandardCharsets.US_ASCII);
    }

    public byte[] decryptBytes(byte[] stored, String boundTo) {
        if (stored == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(stored);
        byte[] id;
        byte[] nonce = new byte[NONCE_BYTES];
        byte[] sealed;
        try {
            if (in.get() != FORMAT) {
                throw new IllegalStateException("unknown ciphertext format for " + boundTo);
            }
            id = new byte[in.get()];
            in.get(id);
            in.get(nonce);
            sealed = new byte[in.remaining()];
            in.get(sealed);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalStateException("ciphertext for " + boundTo + " is truncated or corrupt", e);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keys.encryptionKey(new String(id, StandardCharsets.US_ASCII)),
                    new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            // Never include the ciphertext or plaintext: only where it was bound.
            throw new IllegalStateException("ciphertext for " + boundTo + " failed authentication", e);
        }
    }
}
