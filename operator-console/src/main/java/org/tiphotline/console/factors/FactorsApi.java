package org.tiphotline.console.factors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.factors.SecondFactors;

/**
 * The signed-in user's own second factors: what is enrolled, enrolling an authenticator app, and completing the
 * sign-in with an app code or a recovery code. These (with the enrolment page) are all a half-signed-in user
 * reaches. Someone who already has a factor must use it before adding another: a password alone never enrols.
 */
@RestController
class FactorsApi {

    record Code(String code) {}

    /** Why a password alone does not add a factor (here and in {@link PasskeyGuard}). */
    static final String FACTOR_FIRST = "sign in with your existing second factor before enrolling another";
    private static final String WRONG_APP_CODE =
            "that code is wrong, expired or already used: enter the code your app shows now";

    private final SecondFactors factors;
    private final SecondFactorGate gate;
    private final SecondFactorSettings settings;

    FactorsApi(SecondFactors factors, SecondFactorGate gate, SecondFactorSettings settings) {
        this.factors = factors;
        this.gate = gate;
        this.settings = settings;
    }

    @GetMapping("/api/factors")
    Map<String, Object> status(Authentication auth) {
        String me = auth.getName();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("required", gate.required(auth));
        body.put("complete", gate.hasSecondFactor(auth));
        body.put("authenticatorApp", factors.hasTotp(me));
        body.put("passkey", factors.hasPasskey(me));
        body.put("recoveryCodesLeft", factors.recoveryCodesLeft(me));
        return body;
    }

    @PostMapping("/api/factors/totp")
    ResponseEntity<Map<String, Object>> startTotp(Authentication auth) {
        if (factors.hasFactor(auth.getName()) && !gate.hasSecondFactor(auth)) {
            return refuse(HttpStatus.FORBIDDEN, "factor_first", FACTOR_FIRST);
        }
        try {
            SecondFactors.TotpEnrolment started = factors.startTotp(auth.getName(), settings.issuer());
            return ResponseEntity.ok(Map.of("secret", started.secret(), "otpauthUri", started.otpauthUri()));
        } catch (SecondFactors.AlreadyEnrolledException e) {
            return refuse(HttpStatus.CONFLICT, "already_enrolled", e.getMessage());
        }
    }

    /** The first code from the app: confirms it, completes this sign-in, and shows the recovery codes once. */
    @PostMapping("/api/factors/totp/confirm")
    ResponseEntity<Map<String, Object>> confirmTotp(@RequestBody Code code, Authentication auth,
            HttpServletRequest request, HttpServletResponse response) {
        List<String> recovery = factors.confirmTotp(auth.getName(), code.code());
        if (recovery.isEmpty()) {
            return wrongCode();
        }
        gate.completeWithTotp(request, response);
        return ResponseEntity.ok(Map.of("recoveryCodes", recovery));
    }

    @PostMapping("/api/factors/totp/verify")
    ResponseEntity<Map<String, Object>> verifyTotp(@RequestBody Code code, HttpServletRequest request,
            HttpServletResponse response, Authentication auth) {
        return completeIf(factors::verifyTotp, code, auth, request, response, WRONG_APP_CODE);
    }

    @PostMapping("/api/factors/recovery")
    ResponseEntity<Map<String, Object>> useRecoveryCode(@RequestBody Code code, HttpServletRequest request,
            HttpServletResponse response, Authentication auth) {
        return completeIf(factors::useRecoveryCode, code, auth, request, response,
                "that recovery code is wrong or already used");
    }

    /** Completes the sign-in if {@code check} accepts the code; refused while too many wrong codes lock it. */
    private ResponseEntity<Map<String, Object>> completeIf(BiPredicate<String, String> check, Code code,
            Authentication auth, HttpServletRequest request, HttpServletResponse response, String wrong) {
        String me = auth.getName();
        if (factors.isLocked(me)) {
            return refuse(HttpStatus.TOO_MANY_REQUESTS, "locked",
                    "too many wrong codes: try again in 15 minutes, or ask an administrator");
        }
        if (!check.test(me, code.code())) {
            return refuse(HttpStatus.BAD_REQUEST, "wrong_code", wrong);
        }
        gate.completeWithTotp(request, response);
        return ResponseEntity.ok(Map.of("complete", true, "recoveryCodesLeft", factors.recoveryCodesLeft(me)));
    }

    private static ResponseEntity<Map<String, Object>> wrongCode() {
        return refuse(HttpStatus.BAD_REQUEST, "wrong_code", WRONG_APP_CODE);
    }

    private static ResponseEntity<Map<String, Object>> refuse(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).body(Map.of("error", error, "message", message));
    }
}
