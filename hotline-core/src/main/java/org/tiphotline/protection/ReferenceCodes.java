package org.tiphotline.protection;

import java.security.SecureRandom;

/**
 * Reference codes for reporters ({@code R-XXXX-XXXX} online, {@code S-XXXX-XXXX} screening): read over the phone and copied by hand, so the alphabet
 * leaves out the characters people confuse (0/O, 1/I/L, U/V); drawn from a SecureRandom so that one code says
 * nothing about another (29^8, about 5 * 10^11, codes).
 */
public final class ReferenceCodes {

    public static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ";

    private final SecureRandom random = new SecureRandom();

    /** A new code with this channel's letter in front. */
    public String next(char channel) {
        StringBuilder code = new StringBuilder().append(channel).append('-');
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }
}
