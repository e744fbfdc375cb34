package org.tiphotline.telephony.twilio;

import com.twilio.jwt.accesstoken.AccessToken;
import com.twilio.jwt.accesstoken.VoiceGrant;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;

/**
 * The browser phone's credentials: a short-lived access token with a Voice grant that lets the signed-in
 * operator's console receive the calls the adapter rings at {@code <Client>} {@link #identity}. Operators only;
 * the identity is the operator's id, never their name, since Twilio sees it.
 */
@RestController
@ConditionalOnProperty(prefix = "hotline.telephony.twilio", name = "enabled", havingValue = "true")
class TwilioTokens {

    private final TwilioSettings settings;
    private final Operators operators;

    TwilioTokens(TwilioSettings settings, Operators operators) {
        this.settings = settings;
        this.operators = operators;
    }

    /** The client identity the console registers with and {@code <Dial><Client>} rings. */
    static String identity(OperatorId operator) {
        return "operator-" + operator.value();
    }

    @GetMapping("/api/twilio/token")
    ResponseEntity<Map<String, Object>> token(Authentication auth) {
        Operator operator = auth == null ? null : operators.byUsername(auth.getName()).orElse(null);
        if (operator == null || operator.role() != Role.OPERATOR) {
            return error(HttpStatus.FORBIDDEN, "only operators have a browser phone");
        }
        if (!settings.browserPhone()) {
            return error(HttpStatus.SERVICE_UNAVAILABLE, "the browser phone is not configured: set "
                    + "hotline.telephony.twilio.api-key-sid and api-key-secret");
        }
        int ttl = (int) settings.tokenTtl().toSeconds();
        String token = new AccessToken.Builder(settings.accountSid(), settings.apiKeySid(),
                settings.apiKeySecret().getBytes(StandardCharsets.UTF_8))
                .identity(identity(operator.id())).ttl(ttl)
                .grant(new VoiceGrant().setIncomingAllow(true)).build().toJwt();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("identity", identity(operator.id()));
        body.put("expiresInSeconds", ttl);
        body.put("ringsPhone", settings.operatorPhones().containsKey(operator.username()));
        return ResponseEntity.ok().header("Cache-Control", "no-store").body(body);
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("error", status.name().toLowerCase(java.util.Locale.ROOT),
                "message", message));
    }
}
