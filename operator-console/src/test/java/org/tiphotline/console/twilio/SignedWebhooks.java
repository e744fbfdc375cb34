package org.tiphotline.console.twilio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/**
 * Sends webhooks the way Twilio does: a form POST to the application, signed with {@code X-Twilio-Signature} =
 * Base64(HMAC-SHA1(auth token, the public URL Twilio called + each form parameter's name and value, sorted by
 * name)), written here from Twilio's documentation and independent of both the SDK's validator and the
 * application's check.
 */
public final class SignedWebhooks {

    /** A webhook's answer: the status and, for TwiML, the parsed document. */
    public record Reply(int status, String body) {

        public Document twiml() {
            try {
                var factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(
                        StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new AssertionError("not TwiML (status " + status + "): " + body, e);
            }
        }
    }

    private final String localBase;
    private final String publicBase;
    private final String authToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public SignedWebhooks(String localBase, String publicBase, String authToken) {
        this.localBase = localBase;
        this.publicBase = publicBase;
        this.authToken = authToken;
    }

    /** Posts {@code form} to {@code pathAndQuery}, signed for the public URL. */
    public Reply post(String pathAndQuery, Map<String, String> form) {
        return send(pathAndQuery, form, sign(authToken, publicBase + pathAndQuery, form));
    }

    /** Posts with the given signature header value (null: no header). */
    public Reply send(String pathAndQuery, Map<String, String> form, String signature) {
        if (pathAndQuery.startsWith("/twilio/voice")) {
            // Twilio's From on a new call is the caller's number: it goes in, it must never come back out.
            org.tiphotline.console.testing.NumberWatch.callerNumber(form.get("From"));
        }
        StringBuilder body = new StringBuilder();
        form.forEach((name, value) -> body.append(body.isEmpty() ? "" : "&").append(encode(name)).append('=')
                .append(encode(value)));
        return sendBody(pathAndQuery, body.toString(), signature);
    }

    /** Posts an already encoded form body with the given signature header value (null: no header). */
    Reply sendBody(String pathAndQuery, String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("User-Agent", "TwilioProxy/1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            org.tiphotline.console.testing.NumberWatch.received("webhook " + pathAndQuery, response.body());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new AssertionError("webhook " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Posts a JSON body the way Twilio signs one: the body's SHA-256 (hex) goes into the {@code bodySHA256} query
     * parameter, and the signature covers the URL with that parameter and no body parameters.
     */
    Reply postJson(String path, String json, String bodyForSignature) {
        String query = "?bodySHA256=" + sha256Hex(bodyForSignature);
        String signature = sign(authToken, publicBase + path + query, Map.of());
        HttpRequest request = HttpRequest.newBuilder(URI.create(localBase + path + query))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            org.tiphotline.console.testing.NumberWatch.received("webhook " + path, response.body());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new AssertionError("webhook " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The signature Twilio sends for this URL and form. Also used by the webhook benchmark. */
    public static String sign(String authToken, String url, Map<String, String> form) {
        List<String> names = new ArrayList<>(form.keySet());
        names.sort(null);
        StringBuilder data = new StringBuilder(url);
        for (String name : names) {
            data.append(name).append(form.get(name));
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The application's settings for a test against Twilio on loopback: its REST API is the stub at {@code apiPort}. */
    public static Map<String, String> settings(String accountSid, String authToken, String publicBase, int apiPort,
            String fallbackNumber) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("hotline.telephony.twilio.enabled", "true");
        settings.put("hotline.telephony.twilio.account-sid", accountSid);
        settings.put("hotline.telephony.twilio.auth-token", authToken);
        settings.put("hotline.telephony.twilio.public-base-url", publicBase);
        settings.put("hotline.telephony.twilio.api-base-url", "http://127.0.0.1:" + apiPort);
        settings.put("hotline.telephony.twilio.fallback-number", fallbackNumber);
        return settings;
    }

    /** The parameters Twilio sends with every voice webhook of a call (fictional numbers only). */
    public static Map<String, String> call(String callSid, String accountSid) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("AccountSid", accountSid);
        form.put("ApiVersion", "2010-04-01");
        form.put("CallSid", callSid);
        form.put("CallStatus", "ringing");
        form.put("Called", "+15550100000");
        form.put("Caller", "+15550100142");
        form.put("Direction", "inbound");
        form.put("From", "+15550100142");
        form.put("To", "+15550100000");
        return form;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
