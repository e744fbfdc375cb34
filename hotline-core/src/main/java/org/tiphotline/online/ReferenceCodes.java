package org.tiphotline.online;

import java.security.SecureRandom;

/**
 * Reference codes for reporters ({@code R-XXXX-XXXX}): read over the phone and copied by hand, so the alphabet
 * leaves out the characters people confuse (0/O, 1/I/L, U/V); drawn from a SecureRandom so that one code says
 * nothing about another (29^8, about 5 * 10^11, codes).
 */
final class ReferenceCodes {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ";

    private final SecureRandom random = new SecureRandom();

    String next() {
        StringBuilder code = new StringBuilder("R-");
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }
}
