package org.tiphotline.telephony.twilio;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a webhook through only when {@code X-Twilio-Signature} proves Twilio sent it: HMAC-SHA1, keyed with the
 * account's auth token, over the URL Twilio called (the configured public base URL, the path and the query
 * string exactly as sent) followed by every form parameter's name and value, sorted by name. The query string is
 * part of the URL and not added again as parameters. Anything else gets 403 before a controller sees it, so
 * nothing is stored. The verified form parameters are handed on as the request attribute {@link #FORM}.
 */
final class TwilioSignature extends OncePerRequestFilter {

    /** The request attribute holding the verified form parameters, {@code Map<String, String>}. */
    static final String FORM = "twilio.form";
    static final String HEADER = "X-Twilio-Signature";
    /** Twilio's webhooks are a few kilobytes; anything far larger is not one. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioSignature.class);

    private final TwilioSettings settings;

    TwilioSignature(TwilioSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String signature = request.getHeader(HEADER);
        if (!"POST".equals(request.getMethod())) {
            refuse(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Twilio webhooks are POST requests");
            return;
        }
        byte[] body = read(request.getInputStream());
        if (body == null) {
            refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "request body too large");
            return;
        }
        String contentType = request.getContentType();
        if (body.length > 0 && (contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded"))) {
            refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "Twilio webhooks are application/x-www-form-urlencoded");
            return;
        }
        Map<String, List<String>> form = parse(new String(body, StandardCharsets.UTF_8));
        String url = settings.publicBaseUrl() + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        if (signature == null || !matches(signature, expected(settings.authToken(), url, form))) {
            // The path only: the query and form may carry a caller's number.
            log.warn("refused a Twilio webhook to {} with a {} signature", request.getRequestURI(),
                    signature == null ? "missing" : "wrong");
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "invalid or missing X-Twilio-Signature");
            return;
        }
        Map<String, String> single = new LinkedHashMap<>();
        form.forEach((name, values) -> single.put(name, values.getFirst()));
        request.setAttribute(FORM, Map.copyOf(single));
        chain.doFilter(request, response);
    }

    /** The signature Twilio computes for this URL and these parameters. */
    static String expected(String authToken, String url, Map<String, List<String>> form) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(form).forEach((name, values) -> values.stream().sorted()
                .forEach(value -> data.append(name).append(value)));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    private static boolean matches(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, List<String>> parse(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return form;
    }

    private static byte[] read(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(message);
    }
}
