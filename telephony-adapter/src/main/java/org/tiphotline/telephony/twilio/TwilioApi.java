package org.tiphotline.telephony.twilio;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few Twilio REST requests the hotline makes, over the JDK's HTTP client: it never retries a request on its
 * own (a repeated POST could dial the police twice, a real harm) and every request has a deadline suited to a
 * live call. The SDK's client retries and builds its URLs on api.twilio.com, which tests cannot stand in for.
 */
final class TwilioApi {

    /** A REST request that failed; the message carries Twilio's status and error code, never call data. */
    static final class Failure extends RuntimeException {
        private final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TwilioSettings settings;
    private final HttpClient http;
    private final String authorization;

    TwilioApi(TwilioSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.accountSid() + ":" + settings.authToken()).getBytes(StandardCharsets.UTF_8));
    }

    /** Moves a live call to the TwiML at {@code path} on our public address (a webhook of ours). */
    void redirect(String callSid, String path) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Url", settings.publicBaseUrl() + path);
        form.put("Method", "POST");
        post("/Calls/" + sid(callSid) + ".json", form);
    }

    /**
     * Dials {@code to} into the conference {@code conference} (created if it does not exist yet), calling from
     * {@code from} (the hotline's own Twilio number). Twilio reports the participant's call to
     * {@code statusPath} (answered, completed, or why not) and the conference's joins and leaves to
     * {@code conferencePath}.
     */
    void addParticipant(String conference, String from, String to, String statusPath, String conferencePath) {
        addParticipant(conference, from, to, statusPath, conferencePath, "escalation", 45);
    }

    /** As above, with the participant's label and how long its phone rings; {@code conferencePath} may be null. */
    void addParticipant(String conference, String from, String to, String statusPath, String conferencePath,
            String label, int timeoutSeconds) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("From", from);
        form.put("To", to);
        form.put("Label", label);
        form.put("Timeout", Integer.toString(timeoutSeconds));
        form.put("EarlyMedia", "false");
        form.put("Beep", "false");
        form.put("EndConferenceOnExit", "false");
        form.put("StatusCallback", settings.publicBaseUrl() + statusPath);
        form.put("StatusCallbackMethod", "POST");
        form.put("StatusCallbackEvent", "answered completed");
        if (conferencePath != null) {
            form.put("ConferenceStatusCallback", settings.publicBaseUrl() + conferencePath);
            form.put("ConferenceStatusCallbackMethod", "POST");
            form.put("ConferenceStatusCallbackEvent", "join leave");
        }
        post("/Conferences/" + URLEncoder.encode(conference, StandardCharsets.UTF_8) + "/Participants.json", form);
    }

    /**
     * Rings a supervisor's phone ({@code to}) into the call's conference: {@code mode} holds Twilio's parameters for
     * how they are in it ({@code Muted}, or {@code Coaching} with {@code CallSidToCoach}). No status callback: the
     * conference's own joins and leaves report them. Returns the new participant's CallSid.
     */
    String addSupervisor(String conference, String from, String to, Map<String, String> mode, int timeoutSeconds) {
        return addLeg(conference, from, to, "supervisor", mode, timeoutSeconds);
    }

    /**
     * Rings {@code to} into the conference as a participant labelled {@code label} (a supervisor, a colleague asked,
     * an interpreter line), with Twilio's parameters {@code how}; the conference's joins and leaves report it.
     * Returns the new participant's CallSid.
     */
    String addLeg(String conference, String from, String to, String label, Map<String, String> how,
            int timeoutSeconds) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("From", from);
        form.put("To", to);
        form.put("Label", label);
        form.put("Timeout", Integer.toString(timeoutSeconds));
        form.put("EarlyMedia", "false");
        form.put("Beep", "false");
        form.put("EndConferenceOnExit", "false");
        form.putAll(how);
        String body = post("/Conferences/" + URLEncoder.encode(conference, StandardCharsets.UTF_8)
                + "/Participants.json", form);
        return sid(JSON.readTree(body).path("call_sid").asString(""));
    }

    /**
     * Holds a participant of a conference (they hear Twilio's hold music, nobody hears them) or takes them off hold.
     * Twilio addresses the participant by the conference's SID here, not its name.
     */
    void hold(String conferenceSid, String callSid, boolean hold) {
        if (conferenceSid == null || !conferenceSid.matches("CF[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("not a Twilio conference SID");
        }
        post("/Conferences/" + conferenceSid + "/Participants/" + sid(callSid) + ".json",
                Map.of("Hold", Boolean.toString(hold)));
    }

    /**
     * The SIDs of the account's calls Twilio carries now (ringing or in progress), every page. Used after a
     * restart to close the records of calls that ended while nobody listened.
     */
    Set<String> liveCallSids() {
        Set<String> sids = new HashSet<>();
        for (String status : List.of("in-progress", "ringing", "queued")) {
            String page = "/2010-04-01/Accounts/" + settings.accountSid() + "/Calls.json?Status=" + status
                    + "&PageSize=1000";
            for (int pages = 0; page != null && pages < 100; pages++) {
                JsonNode body = JSON.readTree(get(page));
                body.path("calls").forEach(call -> sids.add(call.path("sid").asString("")));
                String next = body.path("next_page_uri").asString("");
                page = next.isBlank() ? null : next;
            }
        }
        sids.remove("");
        return sids;
    }

    private String get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.apiBaseUrl() + pathAndQuery))
                .timeout(settings.requestTimeout())
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .GET().build();
        return send(request);
    }

    /**
     * Places a call from {@code from} to {@code to} with the Calls API: once answered, Twilio fetches the TwiML at
     * {@code path} (a webhook of ours); its progress goes to {@code statusPath}. Returns the new call's SID.
     */
    String createCall(String to, String from, String path, String statusPath, int timeoutSeconds) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", to);
        form.put("From", from);
        form.put("Url", settings.publicBaseUrl() + path);
        form.put("Method", "POST");
        form.put("Timeout", Integer.toString(timeoutSeconds));
        form.put("StatusCallback", settings.publicBaseUrl() + statusPath);
        form.put("StatusCallbackMethod", "POST");
        form.put("StatusCallbackEvent", "ringing answered completed");
        String sid = JSON.readTree(post("/Calls.json", form)).path("sid").asString("");
        return sid(sid);
    }

    /** Ends a live call. */
    void complete(String callSid) {
        post("/Calls/" + sid(callSid) + ".json", Map.of("Status", "completed"));
    }

    private String post(String resource, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.apiBaseUrl() + "/2010-04-01/Accounts/"
                        + settings.accountSid() + resource))
                .timeout(settings.requestTimeout())
                .header("Authorization", authorization)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request);
    }

    private String send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failure(0, "Twilio unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(0, "interrupted while calling Twilio");
        }
        if (response.statusCode() / 100 != 2) {
            throw new Failure(response.statusCode(), "Twilio answered " + response.statusCode() + errorCode(
                    response.body()));
        }
        return response.body();
    }

    /** Twilio's numeric error code from its JSON error body, if any (the message may quote call data). */
    private static String errorCode(String body) {
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("\"code\"\\s*:\\s*(\\d+)").matcher(
                body == null ? "" : body);
        return code.find() ? " (error " + code.group(1) + ")" : "";
    }

    private static String sid(String callSid) {
        if (callSid == null || !callSid.matches("CA[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("not a Twilio call SID");
        }
        return callSid;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
