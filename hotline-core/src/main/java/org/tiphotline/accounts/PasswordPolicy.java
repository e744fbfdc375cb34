package org.tiphotline.accounts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The password rules of ASVS 5.0 level 2 (V6.2): at least 12 characters, passphrases up to 128, not one of the
 * common or breached passwords, not the user's own name; no composition rules and no expiry, which only push
 * people to predictable patterns. The list is the 100,000 most common passwords of breach corpora that the
 * nbvcxz library ships in its jar, so nothing is fetched at run time.
 */
@Component
public class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;

    private static final String LIST = "dictionaries/passwords.txt";
    /** No 0/O, 1/l/I: a one-time password is read off a screen and typed. */
    private static final char[] ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();

    private final Set<String> common;
    private final SecureRandom random = new SecureRandom();

    public PasswordPolicy() {
        common = load();
    }

    /** Refuses a password that breaks a rule, saying which; a password that passes is not echoed anywhere. */
    public void check(String password, String username) {
        if (password == null || password.isEmpty()) {
            throw new PasswordRefused("a password is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            throw new PasswordRefused("a password needs at least " + MIN_LENGTH + " characters; a few words make a "
                    + "good one");
        }
        if (length > MAX_LENGTH) {
            throw new PasswordRefused("a password may have at most " + MAX_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (common.contains(lower)) {
            throw new PasswordRefused("this password is on a list of common or breached passwords: choose another");
        }
        if (username != null && username.length() >= 3 && lower.contains(username.toLowerCase(Locale.ROOT))) {
            throw new PasswordRefused("a password must not contain the username");
        }
    }

    /** A one-time password of 20 random characters (about 99 bits) in groups of five, which the policy accepts. */
    public String oneTime() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                b.append('-');
            }
            b.append(ONE_TIME_ALPHABET[random.nextInt(ONE_TIME_ALPHABET.length)]);
        }
        return b.toString();
    }

    /** How many listed passwords are checked against: a list that failed to load must not pass silently. */
    int listed() {
        return common.size();
    }

    private static Set<String> load() {
        InputStream in = PasswordPolicy.class.getClassLoader().getResourceAsStream(LIST);
        if (in == null) {
            throw new IllegalStateException("the common-password list " + LIST + " is not on the classpath");
        }
        Set<String> words = new HashSet<>(200_000);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    words.add(line.strip().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the common-password list", e);
        }
        return Set.copyOf(words);
    }
}
