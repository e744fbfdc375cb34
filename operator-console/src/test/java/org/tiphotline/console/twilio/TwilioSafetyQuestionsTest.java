package org.tiphotline.console.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.twilio.Twiml.count;
import static org.tiphotline.console.twilio.Twiml.text;
import static org.tiphotline.console.twilio.Twiml.with;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;

/**
 * The IVR's safety questions on a Twilio number, through webhooks signed as Twilio signs them: the callback
 * question follows the danger question unless {@code From} is withheld, and the "cannot speak freely" digit,
 * at its notice or at any question, is stored once and asks the same question again on the same attempt.
 */
class TwilioSafetyQuestionsTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "1";
    private static final String TOKEN = "test-only-twilio-auth-token";
    private static final String PUBLIC = "https://hotline.example.test";

    @TempDir
    Path data;

    private WireMockServer twilioApi;
    private RunningHotline hotline;
    private SignedWebhooks twilio;
    private int sids;

    @BeforeEach
    void start() {
        twilioApi = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilioApi.start();
        twilioApi.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json"))
                .willReturn(okJson("{\"calls\": [], \"next_page_uri\": null}")));
        hotline = RunningHotline.start(data, SignedWebhooks.settings(ACCOUNT, TOKEN, PUBLIC, twilioApi.port(),
                "+15550100911"));
        twilio = new SignedWebhooks(hotline.base(), PUBLIC, TOKEN);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        twilioApi.stop();
    }

    @Test
    void aWithheldNumberGoesFromTheDangerQuestionToTheCallerTypeAndCannotAnswerTheCallbackQuestion() {
        // Twilio's own spellings of a withheld number, as it sends them in From.
        for (String withheld : new String[] {"anonymous", "+266696687", "+7378742833", ""}) {
            String sid = newCallSid();
            Map<String, String> call = with(SignedWebhooks.call(sid, ACCOUNT), "From", withheld);
            call.put("Caller", withheld);
            twilio.post("/twilio/voice", call);
            twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1"));
            Document next = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(call, "Digits",
                    "2")).twiml();
            assertThat(text(next, "/Response/Gather/@action")).as("From %s", withheld)
                    .isEqualTo("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en");
            SignedWebhooks.Reply refused = twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en",
                    with(call, "Digits", "1"));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).contains("SAFE_TO_CALL_BACK is not asked of a caller whose number is withheld");
            twilio.post("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en", with(call, "Digits", "2"));

            JsonNode detail = detail(sid);
            assertThat(detail.get("ivrPath").has("SAFE_TO_CALL_BACK")).isFalse();
            assertThat(detail.get("ivrPath").get("CALLER_TYPE").asString()).isEqualTo("SOMEONE_ELSE");
            JsonNode safe = detail.get("summary").path("safeToCallBack");
            assertThat(safe.isNull() || safe.isMissingNode()).as("not asked: %s", safe).isTrue();
            assertThat(detail.get("summary").get("callerMask").asString()).as("no number kept").isEqualTo("withheld");
        }
        // A caller whose number can be called back is asked, right after the danger question.
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        twilio.post("/twilio/voice", call);
        twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1"));
        assertThat(text(twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(call, "Digits", "2"))
                .twiml(), "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=en");
    }

    @Test
    void theCannotSpeakFreelyDigitIsStoredOnceAndAsksTheSameQuestionAgainWithoutUsingAnAttempt() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        twilio.post("/twilio/voice", call);
        twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=es", with(call, "Digits", "2"));
        // Silence at the danger question's first attempt; then 9 at the second.
        twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=es", call);
        Document again = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=2&lang=es", with(call, "Digits", "9"))
                .twiml();
        assertThat(text(again, "/Response/Gather/@action"))
                .isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=2&lang=es&quiet=1");
        assertThat(count(again, "/Response/Say")).as("no 'invalid' prompt: 9 was not a mistake").isZero();
        assertThat(count(again, "/Response/Gather")).as("the notice is not played again").isEqualTo(1);
        assertThat(text(again, "/Response/Gather/Say")).contains("peligro inmediato");
        // A second 9 at the same question is a wrong digit and uses the attempt.
        Document third = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=2&lang=es&quiet=1",
                with(call, "Digits", "9")).twiml();
        assertThat(text(third, "/Response/Gather/@action"))
                .isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=3&lang=es&quiet=1");
        assertThat(count(third, "/Response/Say")).as("the 'invalid' prompt").isEqualTo(1);
        Document safe = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=3&lang=es&quiet=1",
                with(call, "Digits", "2")).twiml();
        assertThat(text(safe, "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=es");
        // 9 at the callback question: asked again, but the caller is not reported twice.
        Document safeAgain = twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=es",
                with(call, "Digits", "9")).twiml();
        assertThat(text(safeAgain, "/Response/Gather/@action"))
                .isEqualTo("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=es&quiet=1");
        // Silence on every attempt: no.
        twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=1&lang=es&quiet=1", call);
        twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=2&lang=es&quiet=1", call);
        Document type = twilio.post("/twilio/ivr?q=SAFE_TO_CALL_BACK&attempt=3&lang=es&quiet=1", call).twiml();
        assertThat(text(type, "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=es");

        JsonNode detail = detail(sid);
        assertThat(answers(detail)).containsExactly("LANGUAGE=es", "CANNOT_SPEAK_FREELY=YES", "IMMEDIATE_DANGER=NO",
                "SAFE_TO_CALL_BACK=NO");
        assertThat(detail.get("summary").get("quietMode").asBoolean()).isTrue();
        assertThat(detail.get("summary").get("safeToCallBack").asBoolean()).isFalse();
        JsonNode row = supervisor().get("/api/calllog?limit=5").body().get("rows").get(0);
        assertThat(row.get("quietMode").asBoolean()).isTrue();
        assertThat(row.get("safeToCallBack").asBoolean()).isFalse();
    }

    @Test
    void onlyTheQuietDigitPressedDuringTheNoticeCountsAndTheDangerQuestionFollowsWithoutIt() {
        String sid = newCallSid();
        Map<String, String> call = SignedWebhooks.call(sid, ACCOUNT);
        twilio.post("/twilio/voice", call);
        Document danger = twilio.post("/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(call, "Digits", "1")).twiml();
        assertThat(text(danger, "/Response/Gather[1]/@action"))
                .isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en&notice=1");

        // 1 before the question was heard is no answer: the question follows, without the notice.
        Document after = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en&notice=1",
                with(call, "Digits", "1")).twiml();
        assertThat(count(after, "/Response/Gather")).isEqualTo(1);
        assertThat(text(after, "/Response/Gather/@action")).isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en");
        assertThat(answers(detail(sid))).containsExactly("LANGUAGE=en");

        // 9 during the notice is the caller who cannot speak freely (replayed: still stored once).
        for (int i = 0; i < 2; i++) {
            Document quiet = twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en&notice=1",
                    with(call, "Digits", "9")).twiml();
            assertThat(text(quiet, "/Response/Gather/@action"))
                    .isEqualTo("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en");
        }
        assertThat(answers(detail(sid))).containsExactly("LANGUAGE=en", "CANNOT_SPEAK_FREELY=YES");

        assertThat(twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=2&lang=en&notice=1", call).status())
                .isEqualTo(400);
        SignedWebhooks.Reply misplaced = twilio.post("/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en&notice=1", call);
        assertThat(misplaced.status()).isEqualTo(400);
        assertThat(misplaced.body()).contains("notice is only sent with the first attempt");
        assertThat(twilio.post("/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en&quiet=maybe", call).status())
                .isEqualTo(400);
        assertThat(twilio.post("/twilio/ivr?q=CANNOT_SPEAK_FREELY&attempt=1&lang=en", with(call, "Digits", "1"))
                .status()).isEqualTo(400);
        assertThat(answers(detail(sid))).as("nothing more stored by refused requests")
                .containsExactly("LANGUAGE=en", "CANNOT_SPEAK_FREELY=YES");
    }

    /** The IVR answers of the call's timeline, in order, as question=answer. */
    private static List<String> answers(JsonNode detail) {
        List<String> answers = new ArrayList<>();
        detail.get("timeline").forEach(e -> {
            if (e.get("type").asString().equals("IVR_ANSWER")) {
                answers.add(e.get("detail").get("question").asString() + "=" + e.get("detail").get("answer")
                        .asString());
            }
        });
        return answers;
    }

    private JsonNode detail(String sid) {
        String call = hotline.bean(Calls.class).idOf(new CallRef("twilio", sid)).orElseThrow().toString();
        return supervisor().get("/api/calllog/" + call).body();
    }

    private ConsoleClient supervisor() {
        return ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
    }

    private String newCallSid() {
        return String.format("CA%032x", ++sids + 0x5afeL * 1_000_000L);
    }
}
