package org.tiphotline.console.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.tiphotline.console.factors.SecondFactorGate;

/** After login each role lands on its own page; a user who still owes a second factor lands on enrolment. */
public class RoleLanding implements AuthenticationSuccessHandler {

    private final SecondFactorGate factorGate;

    public RoleLanding(SecondFactorGate factorGate) {
        this.factorGate = factorGate;
    }

    public static String pageFor(Authentication auth) {
        String role = auth.getAuthorities().stream().map(a -> a.getAuthority()).filter(a -> a.startsWith("ROLE_"))
                .findFirst().orElse("");
        return switch (role) {
            case "ROLE_SUPERVISOR" -> "/supervisor.html";
            case "ROLE_DATA_MANAGER", "ROLE_DATA_MANAGEMENT_LEADER" -> "/registry.html";
            case "ROLE_OPERATOR" -> "/console.html";
            case "ROLE_LIAISON" -> "/liaison.html";
            case "ROLE_AGENCY_REPORTER" -> "/screening.html";
            default -> "/account.html";
        };
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        response.sendRedirect(request.getContextPath()
                + (factorGate.owesSecondFactor(authentication) ? "/factors.html" : pageFor(authentication)));
    }
}
