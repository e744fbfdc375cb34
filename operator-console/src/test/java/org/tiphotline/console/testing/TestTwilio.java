package org.tiphotline.console.testing;

import java.util.Map;

/** The settings of a hotline on a (fake) Twilio account whose REST API is a local stub. */
public final class TestTwilio {

    private TestTwilio() {
    }

    /** Twilio voice on, with the browser phone's API key, against the stub at {@code apiPort}. */
    public static void voice(Map<String, String> settings, String account, int apiPort, String publicBase) {
        settings.put("hotline.telephony.twilio.enabled", "true");
        settings.put("hotline.telephony.twilio.account-sid", account);
        settings.put("hotline.telephony.twilio.auth-token", "test-only-twilio-auth-token");
        settings.put("hotline.telephony.twilio.public-base-url", publicBase);
        settings.put("hotline.telephony.twilio.api-base-url", "http://127.0.0.1:" + apiPort);
        settings.put("hotline.telephony.twilio.fallback-number", "+15550100911");
        settings.put("hotline.telephony.twilio.api-key-sid", "SK" + "0".repeat(31) + "8");
        settings.put("hotline.telephony.twilio.api-key-secret", "test-only-api-key-secret-0123456789");
    }

    /** SMS alerts on, through Twilio's Messaging API at the stub on {@code apiPort}, from a fake number. */
    public static void messaging(Map<String, String> settings, String account, int apiPort) {
        settings.put("hotline.alerts.sms.enabled", "true");
        settings.put("hotline.alerts.sms.account-sid", account);
        settings.put("hotline.alerts.sms.auth-token", "test-only-messaging-token");
        settings.put("hotline.alerts.sms.from", "+15550100000");
        settings.put("hotline.alerts.sms.api-base-url", "http://127.0.0.1:" + apiPort);
    }

    /** A started stub of Twilio's Messaging API that accepts every message of {@code account} (see {@link #sent}). */
    public static com.github.tomakehurst.wiremock.WireMockServer messagingApi(String account) {
        var api = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().bindAddress("127.0.0.1")
                        .dynamicPort());
        api.start();
        api.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(messagesPath(account)).willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"SM" + "0".repeat(32) + "\", \"status\": \"queued\"}")));
        return api;
    }

    private static com.github.tomakehurst.wiremock.matching.UrlPattern messagesPath(String account) {
        return com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/2010-04-01/Accounts/" + account
                + "/Messages.json");
    }

    /** The fields of a form-encoded body (what Twilio's Messaging API receives), decoded. */
    public static Map<String, String> formFields(String body) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return form;
    }
}
