package org.tiphotline.accounts;

import java.util.Map;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Argon2id hashes with Spring Security's current parameters, prefixed with their id so a later algorithm can
 * take over hash by hash. One place, because the web sign-in and the first-administrator command must agree.
 */
public final class PasswordHashing {

    private PasswordHashing() {
    }

    public static PasswordEncoder encoder() {
        return new DelegatingPasswordEncoder("argon2",
                Map.of("argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()));
    }
}
