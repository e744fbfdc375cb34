package org.tiphotline.console.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/** After login each role lands on its own page. */
class RoleLanding implements AuthenticationSuccessHandler {

    static String pageFor(Authentication auth) {
        boolean reviewer = auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_SUPERVISOR")
                || a.getAuthority().equals("ROLE_DATA_MANAGER"));
        boolean operator = auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_OPERATOR"));
        boolean liaison = auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_LIAISON"));
        return reviewer ? "/supervisor.html" : operator ? "/console.html" : liaison ? "/liaison.html"
                : "/account.html";
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        response.sendRedirect(request.getContextPath() + pageFor(authentication));
    }
}
