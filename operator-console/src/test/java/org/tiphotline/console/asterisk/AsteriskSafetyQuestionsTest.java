package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.dial;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.goAvailable;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.types;
import static org.tiphotline.console.testing.LiveClient.await;

import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/**
 * The IVR's two safety questions over FastAGI, as Asterisk plays them: "is it safe to call you back?" right after
 * the danger question and never for a withheld number, and the "cannot speak freely" digit at any question after
 * the language, reported once and costing no attempt; both reach the operator's screen pop and the call log.
 */
class AsteriskSafetyQuestionsTest extends AsteriskHotlineTest {

    @Test
    void aCallerWithAWithheldNumberIsNeverAskedWhetherItIsSafeToCallBack() throws Exception {
        for (String withheld : new String[] {"unknown", "anonymous"}) {
            String uniqueId = "unknown".equals(withheld) ? "1763000000.11" : "1763000000.21";
            // English, no danger, the person affected: the key meant for the callback question is never asked for.
            FastAgiClient.Script caller = new FastAgiClient.Script().inputs("1", "", "2", "1");
            FastAgiClient.Transcript ivr = agi(agiPort, uniqueId, "PJSIP/hotline-trunk-" + uniqueId)
                    .env("agi_callerid", withheld).run(caller);
            assertThat(caller.variables()).containsEntry("HOTLINE_IVR", "done");
            assertThat(ivr.commands()).anyMatch(c -> c.contains("hotline/caller-type"))
                    .noneMatch(c -> c.contains("safe-to-call-back")).noneMatch(c -> c.contains("hotline/invalid"));

            JsonNode detail = supervisor().get("/api/calllog/" + callId(uniqueId)).body();
            assertThat(detail.get("ivrPath").has("SAFE_TO_CALL_BACK")).as(withheld).isFalse();
            assertThat(detail.get("ivrPath").get("CALLER_TYPE").asString()).isEqualTo("AFFECTED_PERSON");
            JsonNode safe = detail.get("summary").path("safeToCallBack");
            assertThat(safe.isNull() || safe.isMissingNode()).as("not asked: %s", safe).isTrue();
        }
    }

    @Test
    void theCannotSpeakFreelyKeyIsReportedOnceCostsNoAttemptAndReachesThePopWithTheCallbackAnswer()
            throws Exception {
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        try (LiveClient live = LiveClient.connect(operator)) {
            BlockingQueue<JsonNode> pops = live.subscribe("/user/queue/pop");
            goAvailable(live);
            // Each entry is what the caller does at one prompt; a silent attempt is the prompt and the wait after.
            FastAgiClient.Script caller = new FastAgiClient.Script().inputs(
                    "1", "",          // English; listens to the notice
                    "9",              // danger question: cannot speak freely
                    "", "", "", "",   // the same question, attempt 1 and 2 in silence
                    "2",              // attempt 3: no danger. Had 9 used an attempt, silence would have won.
                    "9", "1",         // callback question: 9 again (not reported twice), then yes
                    "9", "9", "3");   // caller type: 9, 9 again (now a wrong key), then a professional
            FastAgiClient.Transcript ivr = agi(agiPort, "1763000000.31", "PJSIP/hotline-trunk-0000001f").run(caller);
            assertThat(caller.variables()).containsEntry("HOTLINE_IVR", "done");
            // The notice plays once, before the danger question, and only its own key cuts it short.
            assertThat(ivr.commands()).filteredOn(c -> c.contains("cannot-speak-freely")).singleElement()
                    .satisfies(c -> assertThat(FastAgiClient.words(c)).containsExactly("STREAM", "FILE",
                            "hotline/cannot-speak-freely-9", "9"));
            assertThat(firstIndex(ivr, "cannot-speak-freely")).isLessThan(firstIndex(ivr, "hotline/immediate-danger"));
            assertThat(ivr.commands()).filteredOn(c -> c.contains("hotline/immediate-danger")).hasSize(4);
            assertThat(ivr.commands()).filteredOn(c -> c.contains("hotline/safe-to-call-back")).hasSize(2);
            assertThat(ivr.commands()).filteredOn(c -> c.contains("hotline/caller-type")).hasSize(3);
            // Twice after silence at the danger question, once after the second 9 at the caller type; never
            // after a first 9.
            assertThat(ivr.commands()).filteredOn(c -> c.contains("hotline/invalid")).hasSize(3);

            ami.awaitAction("Redirect", h -> "hotline-connect".equals(h.get("Context")), WAIT);
            ami.sendEvent(dial("DialBegin", "1763000000.31", "1763000000.32", null));
            JsonNode pop = await(pops, p -> true, 5);
            assertThat(pop.get("quietMode").asBoolean()).isTrue();
            assertThat(pop.get("safeToCallBack").asBoolean()).isTrue();
            assertThat(pop.get("urgent").asBoolean()).isFalse();
            assertThat(pop.get("ivrPath").get("IMMEDIATE_DANGER").asString()).isEqualTo("NO");
            assertThat(pop.get("ivrPath").get("CANNOT_SPEAK_FREELY").asString()).isEqualTo("YES");
            assertThat(pop.get("ivrPath").get("CALLER_TYPE").asString()).isEqualTo("PROFESSIONAL");

            JsonNode detail = supervisor().get("/api/calllog/" + pop.get("call").asString()).body();
            // One report of the key although it was pressed at three questions.
            assertThat(types(detail)).startsWith("ARRIVED", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER", "IVR_ANSWER",
                    "IVR_ANSWER", "QUEUED");
            assertThat(detail.get("summary").get("quietMode").asBoolean()).isTrue();
            assertThat(detail.get("summary").get("safeToCallBack").asBoolean()).isTrue();
        }
    }

    @Test
    void theKeyPressedDuringTheNoticeCountsAndTheDangerQuestionIsStillAskedInFull() throws Exception {
        // English; 9 during the notice; then the danger question is played and answered; unsafe; someone else.
        FastAgiClient.Script caller = new FastAgiClient.Script().inputs("1", "9", "2", "2", "2");
        FastAgiClient.Transcript ivr = agi(agiPort, "1763000000.41", "PJSIP/hotline-trunk-00000029").run(caller);
        assertThat(ivr.commands()).anyMatch(c -> c.contains("hotline/immediate-danger"));

        JsonNode detail = supervisor().get("/api/calllog/" + callId("1763000000.41")).body();
        assertThat(detail.get("ivrPath").get("CANNOT_SPEAK_FREELY").asString()).isEqualTo("YES");
        assertThat(detail.get("ivrPath").get("IMMEDIATE_DANGER").asString()).isEqualTo("NO");
        assertThat(detail.get("ivrPath").get("SAFE_TO_CALL_BACK").asString()).isEqualTo("NO");
        assertThat(detail.get("summary").get("safeToCallBack").asBoolean()).isFalse();
        assertThat(detail.get("summary").get("quietMode").asBoolean()).isTrue();
        // The order the caller went through, the notice's key at the question that followed it.
        assertThat(detail.get("ivrPath").propertyNames()).containsExactly("LANGUAGE", "CANNOT_SPEAK_FREELY",
                "IMMEDIATE_DANGER", "SAFE_TO_CALL_BACK", "CALLER_TYPE");
    }

    private static int firstIndex(FastAgiClient.Transcript ivr, String part) {
        for (int i = 0; i < ivr.commands().size(); i++) {
            if (ivr.commands().get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("never played: " + part);
    }

    private String callId(String uniqueId) {
        return hotline.bean(Calls.class).idOf(new CallRef("asterisk", uniqueId)).orElseThrow().toString();
    }
}
