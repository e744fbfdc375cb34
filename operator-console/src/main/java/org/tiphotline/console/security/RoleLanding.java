package org.tiphotline.console.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/** After login each role lands on its own page. */
public class RoleLanding implements AuthenticationSuccessHandler {

    public static String pageFor(Authentication auth) {
        String role = auth.getAuthorities().stream().map(a -> a.getAuthority()).filter(a -> a.startsWith("ROLE_"))
                .findFirst().orElse("");
        return switch (role) {
            case "ROLE_SUPERVISOR" -> "/supervisor.html";
            case "ROLE_DATA_MANAGER", "ROLE_DATA_MANAGEMENT_LEADER" -> "/registry.html";
            case "ROLE_OPERATOR" -> "/console.html";
            case "ROLE_LIAISON" -> "/liaison.html";
            case "ROLE_AGENCY_REPORTER" -> "/screening.html";
            case "ROLE_ADMIN" -> "/admin.html";
            case "ROLE_WALLBOARD" -> "/wallboard.html";
            case "ROLE_AUDITOR" -> "/trail.html";
            default -> "/account.html";
        };
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        response.sendRedirect(request.getContextPath() + pageFor(authentication));
    }
}
