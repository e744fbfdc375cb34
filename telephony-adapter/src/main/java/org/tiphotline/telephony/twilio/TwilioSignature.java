package org.tiphotline.telephony.twilio;

import com.twilio.security.RequestValidator;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a webhook through only when {@code X-Twilio-Signature} proves Twilio sent it. The check itself is the
 * Twilio SDK's {@link RequestValidator}, the implementation Twilio keeps: it knows the URL with and without its
 * default port and the {@code bodySHA256} form Twilio uses for JSON bodies. This filter only decides which URL
 * was called (the configured public base URL, the path and the query string exactly as sent, since a proxy in
 * front changes what the servlet sees) and what the parameters are. Anything unsigned gets 403 before a
 * controller sees it, so nothing is stored. The verified form parameters are handed on as the request attribute
 * {@link #FORM}.
 */
final class TwilioSignature extends OncePerRequestFilter {

    /** The request attribute holding the verified form parameters, {@code Map<String, String>}. */
    static final String FORM = "twilio.form";
    static final String HEADER = "X-Twilio-Signature";
    /** Twilio's webhooks are a few kilobytes; anything far larger is not one. */
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final String FORM_TYPE = "application/x-www-form-urlencoded";
    private static final String JSON_TYPE = "application/json";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioSignature.class);

    private final TwilioSettings settings;
    private final RequestValidator validator;

    TwilioSignature(TwilioSettings settings) {
        this.settings = settings;
        this.validator = new RequestValidator(settings.authToken());
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
        String contentType = request.getContentType() == null ? ""
                : request.getContentType().toLowerCase(Locale.ROOT);
        boolean json = contentType.startsWith(JSON_TYPE);
        if (body.length > 0 && !json && !contentType.startsWith(FORM_TYPE)) {
            refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "Twilio webhooks are application/x-www-form-urlencoded or application/json");
            return;
        }
        String pathAndQuery = request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        String text = new String(body, StandardCharsets.UTF_8);
        Map<String, List<String>> form;
        try {
            form = json ? Map.of() : parse(text);
        } catch (IllegalArgumentException malformed) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "the form body is not URL-encoded");
            return;
        }
        if (form.values().stream().anyMatch(values -> values.size() > 1)) {
            // Twilio never repeats a parameter in a webhook, and its validator signs one value per name.
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "a form parameter is repeated");
            return;
        }
        Map<String, String> single = new LinkedHashMap<>();
        form.forEach((name, values) -> single.put(name, values.getFirst()));
        if (signature == null || !signedForAnyBase(pathAndQuery, json, text, single, signature)) {
            // The path only: the query and form may carry a caller's number.
            log.warn("refused a Twilio webhook to {} with a {} signature", request.getRequestURI(),
                    signature == null ? "missing" : "wrong");
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "invalid or missing X-Twilio-Signature");
            return;
        }
        request.setAttribute(FORM, Map.copyOf(single));
        chain.doFilter(request, response);
    }

    /**
     * Behind a load balancer every node checks against the same configured addresses, never the request's Host or
     * {@code X-Forwarded-*} headers (which a client can set): the public address first, then the others Twilio is
     * told to call (the fallback URL at a node's own address).
     */
    private boolean signedForAnyBase(String pathAndQuery, boolean json, String body, Map<String, String> form,
            String signature) {
        if (signed(settings.publicBaseUrl() + pathAndQuery, json, body, form, signature)) {
            return true;
        }
        for (String base : settings.otherBaseUrls()) {
            if (signed(base + pathAndQuery, json, body, form, signature)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A JSON body is signed through its SHA-256 in the {@code bodySHA256} query parameter (part of the signed
     * URL); a form body through its parameters.
     */
    private boolean signed(String url, boolean json, String body, Map<String, String> form, String signature) {
        if (!json) {
            return validator.validate(url, form, signature);
        }
        if (!url.contains("bodySHA256=")) {
            return false;
        }
        try {
            return validator.validate(url, body, signature);
        } catch (URISyntaxException e) {
            return false;
        }
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
