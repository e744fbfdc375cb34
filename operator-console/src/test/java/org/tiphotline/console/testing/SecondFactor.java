package org.tiphotline.console.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tiphotline.factors.TotpCodes;
import tools.jackson.databind.JsonNode;

/**
 * A user's authenticator app, as tests hold it: enrols through the console's API (as the enrolment page does) and
 * makes the codes the app would show, from the application's own clock.
 */
public final class SecondFactor {

    private final String secret;
    private final List<String> recoveryCodes;
    private final TotpCodes codes;

    private SecondFactor(String secret, List<String> recoveryCodes, TotpCodes codes) {
        this.secret = secret;
        this.recoveryCodes = recoveryCodes;
        this.codes = codes;
    }

    /** Enrols an app for the signed-in (half-signed-in) client; afterwards that client is fully signed in. */
    public static SecondFactor enrol(ConsoleClient client, RunningHotline hotline) {
        ConsoleClient.Response started = client.post("/api/factors/totp", Map.of());
        if (started.status() != 200) {
            throw new IllegalStateException("enrolment refused: " + started.status() + " " + started.body());
        }
        String secret = started.body().get("secret").asString();
        TotpCodes codes = hotline.bean(TotpCodes.class);
        ConsoleClient.Response confirmed = client.post("/api/factors/totp/confirm",
                Map.of("code", codes.codeAt(secret, codes.stepNow())));
        if (confirmed.status() != 200) {
            throw new IllegalStateException("confirmation refused: " + confirmed.status() + " " + confirmed.body());
        }
        List<String> recovery = new ArrayList<>();
        for (JsonNode code : confirmed.body().get("recoveryCodes")) {
            recovery.add(code.asString());
        }
        return new SecondFactor(secret, recovery, codes);
    }

    /** What the app shows {@code steps} 30-second steps from now. */
    public String code(int steps) {
        return codes.codeAt(secret, codes.stepNow() + steps);
    }

    public String codeNow() {
        return code(0);
    }

    /** The app's key, for tests that check it is stored nowhere in clear. */
    public String secret() {
        return secret;
    }

    public List<String> recoveryCodes() {
        return recoveryCodes;
    }
}
