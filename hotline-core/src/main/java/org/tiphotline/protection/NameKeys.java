package org.tiphotline.protection;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import org.springframework.stereotype.Component;

/**
 * Keys for finding similar names without storing them readable: each word of a name is reduced to how it sounds
 * (Soundex: "Smith" and "Smyth" are both S530) and that code is hashed with the installation's secret key. Two
 * records share a key when a word of their names sounds alike; the keys alone give no name back, and without the
 * key nobody can test a guess against them.
 */
@Component
public class NameKeys {

    private final KeyRing keys;

    public NameKeys(KeyRing keys) {
        this.keys = keys;
    }

    /**
     * The keys of every word of these names (two letters or more), without repeats. During a rotation of the hash
     * key, under both keys: a record written now still shares keys with one not yet recomputed.
     */
    public List<byte[]> of(String... names) {
        Set<String> codes = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null) {
                continue;
            }
            String plain = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                    .toUpperCase(Locale.ROOT);
            for (String word : plain.split("[^A-Z]+")) {
                if (word.length() >= 2) {
                    codes.add(soundex(word));
                }
            }
        }
        return keys.hashKeys().stream().flatMap(key -> codes.stream().map(code -> hash(key, code))).toList();
    }

    /** American Soundex: the first letter and three digits for the consonant groups that follow. */
    static String soundex(String word) {
        String groups = "01230120022455012623010202";
        StringBuilder code = new StringBuilder().append(word.charAt(0));
        char last = groups.charAt(word.charAt(0) - 'A');
        for (int i = 1; i < word.length() && code.length() < 4; i++) {
            char c = word.charAt(i);
            char digit = groups.charAt(c - 'A');
            if (digit != '0' && digit != last) {
                code.append(digit);
            }
            // H and W do not separate two letters of the same group; vowels do.
            if (c != 'H' && c != 'W') {
                last = digit;
            }
        }
        while (code.length() < 4) {
            code.append('0');
        }
        return code.toString();
    }

    private static byte[] hash(javax.crypto.SecretKey key, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(("name:" + code).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC unavailable", e);
        }
    }
}
