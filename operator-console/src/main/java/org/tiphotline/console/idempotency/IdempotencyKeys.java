package org.tiphotline.console.idempotency;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.tiphotline.console.web.PayloadTooLarge;
import org.tiphotline.idempotency.IdempotentRequests;
import org.tiphotline.idempotency.IdempotentRequests.Claim;

/**
 * Every POST of the API that carries an {@code Idempotency-Key} header is run at most once per key: a repeat by
 * the same user (or the same anonymous session, on the public form) within the window gets the first answer again,
 * status and body, with {@code Idempotent-Replayed: true}; a concurrent duplicate waits for the first; the same key
 * with another body or endpoint is refused with 422. One mechanism for every create (screenings, online reports,
 * escalations, export requests, case merges and relations, documents, accounts, submits), so no controller has to
 * remember it. Runs after Spring Security (order 0, the security chain is -100): a request it refuses never claims a
 * key, and the user is known.
 */
@Component
@Order(0)
class IdempotencyKeys extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final IdempotentRequests requests;

    IdempotencyKeys(IdempotentRequests requests) {
        this.requests = requests;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null
                || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (!VALID_KEY.matcher(key).matches()) {
            refuse(response, 400, "invalid_idempotency_key",
                    "the Idempotency-Key header must be 1 to 255 visible ASCII characters");
            return;
        }
        String scope = scope(request);
        if (scope == null) {
            // No user and no session (a public request without its form's session is refused by CSRF anyway).
            chain.doFilter(request, response);
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLarge e) {
            refuse(response, 413, "too_large", e.getMessage());
            return;
        }
        Claim claim = requests.claim(scope, key, request.getMethod() + " " + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString()), body);
        switch (claim) {
            case Claim.Replay replay -> replay(response, replay);
            case Claim.UsedForAnotherRequest other -> refuse(response, 422, "idempotency_key_reused",
                    "this Idempotency-Key was already used for a different request; make a new key for each new "
                            + "submission");
            case Claim.StillRunning running -> {
                response.setHeader("Retry-After", "1");
                refuse(response, 409, "still_running",
                        "the first request with this Idempotency-Key is still running; try again in a moment");
            }
            case Claim.Run run -> runOnce(run.handle(), new Buffered(request, body), response, chain);
        }
    }

    private void runOnce(String handle, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        boolean stored = false;
        try {
            chain.doFilter(request, captured);
            int status = captured.getStatus();
            if (status >= 200 && status < 300) {
                requests.finish(handle, status, captured.getContentType(), captured.getContentAsByteArray());
                stored = true;
            }
        } finally {
            if (!stored) {
                // Refused or failed: nothing was created, and the person may correct the form and send it again.
                requests.release(handle);
            }
            captured.copyBodyToResponse();
        }
    }

    private static void replay(HttpServletResponse response, Claim.Replay replay) throws IOException {
        response.setStatus(replay.status());
        response.setHeader(REPLAYED, "true");
        if (replay.contentType() != null) {
            response.setContentType(replay.contentType());
        }
        if (replay.body() != null && replay.body().length > 0) {
            response.setContentLength(replay.body().length);
            response.getOutputStream().write(replay.body());
        }
    }

    private static String scope(HttpServletRequest request) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken)) {
            return "user:" + auth.getName();
        }
        HttpSession session = request.getSession(false);
        return session == null ? null : "session:" + session.getId();
    }

    private static void refuse(HttpServletResponse response, int status, String error, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}");
    }

    /** The body read once to fingerprint it, given again to the controller. */
    private static final class Buffered extends HttpServletRequestWrapper {

        private final byte[] body;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
        }
    }
}
