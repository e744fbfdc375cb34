package org.tiphotline.factors;

import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.OptionalLong;
import org.springframework.stereotype.Component;

/**
 * Authenticator-app codes (RFC 6238: SHA-1, 6 digits, 30-second steps, as every common app makes them). A code is
 * accepted one step either side of now, for clocks a little off, and only for a step later than the last one
 * accepted, so an overheard code cannot be replayed.
 */
@Component
public class TotpCodes {

    static final int PERIOD_SECONDS = 30;
    private static final int DRIFT_STEPS = 1;

    private final Clock clock;
    private final DefaultCodeGenerator generator = new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6);

    public TotpCodes(Clock clock) {
        this.clock = clock;
    }

    public String newSecret() {
        return new DefaultSecretGenerator(32).generate();
    }

    /** The step the code belongs to, if it is valid now and later than {@code lastStep}. */
    public OptionalLong match(String secret, String code, long lastStep) {
        if (code == null || !code.strip().matches("\\d{6}")) {
            return OptionalLong.empty();
        }
        byte[] given = code.strip().getBytes(StandardCharsets.US_ASCII);
        long now = clock.instant().getEpochSecond() / PERIOD_SECONDS;
        for (long step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
            if (step > lastStep && MessageDigest.isEqual(given,
                    codeAt(secret, step).getBytes(StandardCharsets.US_ASCII))) {
                return OptionalLong.of(step);
            }
        }
        return OptionalLong.empty();
    }

    /** The code of a time step: what the user's app shows during it. */
    public String codeAt(String secret, long step) {
        try {
            return generator.generate(secret, step);
        } catch (CodeGenerationException e) {
            throw new IllegalStateException("TOTP code generation failed", e);
        }
    }

    public long stepNow() {
        return clock.instant().getEpochSecond() / PERIOD_SECONDS;
    }
}
