package org.tiphotline.console.factors;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.factors.SecondFactors;

/** An administrator removes a user's second factors (a lost phone or key); the user enrols again at next sign-in. */
@RestController
class AdminFactorReset {

    private final SecondFactors factors;

    AdminFactorReset(SecondFactors factors) {
        this.factors = factors;
    }

    @PostMapping("/api/admin/users/{username}/factors/reset")
    ResponseEntity<Map<String, Object>> reset(@PathVariable String username, Authentication admin) {
        if (!factors.reset(admin.getName(), username)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(Map.of("error", "not_found", "message", "there is no user with that username"));
        }
        return ResponseEntity.ok(Map.of("username", username, "reset", true));
    }
}
