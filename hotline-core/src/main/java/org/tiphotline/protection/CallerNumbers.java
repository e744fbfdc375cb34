package org.tiphotline.protection;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import org.springframework.stereotype.Component;

/**
 * Caller numbers as the system may hold them: normalised, hashed with a secret key (so repeat callers can be
 * matched without decrypting, and the hash cannot be reversed by trying every number), and masked for display.
 */
@Component
public class CallerNumbers {

    private final KeyRing keys;

    public CallerNumbers(KeyRing keys) {
        this.keys = keys;
    }

    /** Keeps a leading '+' and the digits: "+1 (876) 555-0100" and "+18765550100" are one caller. */
    public static String normalise(String number) {
        if (number == null) {
            return null;
        }
        String digits = number.replaceAll("[^0-9]", "");
        if (digits.isEmpty()) {
            return null;
        }
        return number.strip().startsWith("+") ? "+" + digits : digits;
    }

    /** A number is usable when it has 3 to 20 digits; anything else (anonymous, withheld, garbage) is none. */
    public static boolean isUsable(String number) {
        String n = normalise(number);
        if (n == null) {
            return false;
        }
        int digits = n.startsWith("+") ? n.length() - 1 : n.length();
        return digits >= 3 && digits <= 20;
    }

    /**
     * A number a telephony provider may be asked to dial: a normalised one (3-20 digits, optionally after +), so
     * nothing else can ride into a dial string. Throws IllegalArgumentException otherwise, naming no digit.
     */
    public static String requireDiallable(String number) {
        if (number == null || !number.matches("\\+?[0-9]{3,20}")) {
            throw new IllegalArgumentException("a number to dial is 3-20 digits, optionally after +");
        }
        return number;
    }

    public byte[] hash(String number) {
        String n = normalise(number);
        return n == null ? null : hash(keys.hashKey(), n);
    }

    /**
     * The number's hash under every hash key held, the active one first: one element except during a rotation of
     * the hash key, when a lookup by number must find rows not yet rehashed too. Empty for no usable number.
     */
    public java.util.List<byte[]> hashes(String number) {
        String n = normalise(number);
        return n == null ? java.util.List.of() : keys.hashKeys().stream().map(k -> hash(k, n)).toList();
    }

    private static byte[] hash(javax.crypto.SecretKey key, String normalised) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC unavailable", e);
        }
    }

    /** Shows only the last two digits: enough to tell two callers apart on screen, not to dial anyone. */
    public static String mask(String number) {
        String n = normalise(number);
        if (n == null) {
            return "withheld";
        }
        return "•••• " + n.substring(Math.max(0, n.length() - 2));
    }
}
