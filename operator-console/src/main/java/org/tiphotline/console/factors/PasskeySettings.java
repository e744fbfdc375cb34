package org.tiphotline.console.factors;

import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The relying party passkeys are made for. A passkey works only on the host it was made on, so these name the
 * deployment's address; a wrong value makes every passkey fail, which is why there is no guessing here.
 *
 * @param rpId the host name users open (no scheme, no port), e.g. {@code hotline.example.org}
 * @param rpName the name the browser shows when it asks for the passkey
 * @param allowedOrigins the exact origins (scheme, host, port) the console is opened at
 */
@ConfigurationProperties("hotline.security.webauthn")
record PasskeySettings(String rpId, String rpName, Set<String> allowedOrigins) {

    PasskeySettings {
        if (rpId == null || rpId.isBlank()) {
            throw new IllegalArgumentException("hotline.security.webauthn.rp-id must name the console's host");
        }
        if (allowedOrigins == null || allowedOrigins.isEmpty()) {
            throw new IllegalArgumentException("hotline.security.webauthn.allowed-origins must list the console's"
                    + " address, e.g. https://" + rpId);
        }
        rpName = rpName == null || rpName.isBlank() ? "Trafficking hotline" : rpName;
        allowedOrigins = Set.copyOf(allowedOrigins);
    }
}
