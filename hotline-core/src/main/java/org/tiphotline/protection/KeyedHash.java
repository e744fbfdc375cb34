package org.tiphotline.protection;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import org.springframework.stereotype.Component;

/**
 * A keyed hash (HMAC-SHA-256 with the protection keys' hash key) for short secrets that are only ever compared,
 * such as recovery codes: a stolen database alone does not let anyone test guesses against it.
 */
@Component
public class KeyedHash {

    private final KeyRing keys;

    public KeyedHash(KeyRing keys) {
        this.keys = keys;
    }

    /** {@code purpose} separates uses, so one use's hash is never valid for another. */
    public String of(String purpose, String value) {
        return of(keys.hashKey(), purpose, value);
    }

    /**
     * The value's hash under every hash key held, the active one first: what a stored hash is compared with, so a
     * recovery code made before a rotation of the hash key still works until the old key is retired.
     */
    public java.util.List<String> candidates(String purpose, String value) {
        return keys.hashKeys().stream().map(k -> of(k, purpose, value)).toList();
    }

    private static String of(javax.crypto.SecretKey key, String purpose, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((purpose + "\0").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC unavailable", e);
        }
    }
}
