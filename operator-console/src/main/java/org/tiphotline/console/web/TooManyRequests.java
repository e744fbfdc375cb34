package org.tiphotline.console.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The one shape of a rate limit's refusal: 429, Retry-After, and the same wait in words and in seconds. */
public final class TooManyRequests {

    private TooManyRequests() {
    }

    /** Seconds until {@code millis} have passed, rounded up and at least one: Retry-After takes whole seconds. */
    public static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    /** {@code message} is our own text, never the client's: it goes into the JSON as it is, quotes escaped. */
    public static void answer(HttpServletResponse response, long seconds, String message) throws IOException {
        response.setStatus(429);
        response.setHeader("Retry-After", Long.toString(seconds));
        response.setContentType("application/json");
        response.getWriter().write("{\"error\":\"too_many_requests\",\"message\":\""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"retryAfterSeconds\":" + seconds + "}");
    }
}
