package org.tiphotline.console.escalation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.testing.TestTwilio;
import org.tiphotline.console.testing.SimCalls;
import tools.jackson.databind.JsonNode;
import org.tiphotline.console.testing.TestDirectory;

/**
 * The alert channels over their real protocols: SMS through Twilio's Messaging API (WireMock in its place) and
 * e-mail over SMTP (an in-process GreenMail server), each alert's content asserted, and nothing that names the
 * caller in either.
 */
class AlertChannelsTest {

    private static final String ACCOUNT = "AC" + "0".repeat(31) + "3";

    @TempDir
    Path data;

    private RunningHotline hotline;
    private WireMockServer twilio;
    private GreenMail smtp;

    @BeforeEach
    void start() {
        twilio = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        twilio.start();
        twilio.stubFor(post(urlEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"SM" + "0".repeat(32) + "\", \"status\": \"queued\"}")));
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
    }

    /** The hotline with both agencies, SMS and e-mail channels, and the test's own settings over them. */
    private void startHotline(Map<String, String> more) {
        Map<String, String> settings = new LinkedHashMap<>();
        TestDirectory.agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", null, "SMS +15550100120");
        TestDirectory.agency(settings, 1, "test-child-protection", "Test Child Protection (fake)", "CHILD_PROTECTION",
                null, "EMAIL duty@cp.example.test");
        TestTwilio.messaging(settings, ACCOUNT, twilio.port());
        settings.put("hotline.alerts.email.from", "alerts@hotline.example.test");
        settings.put("spring.mail.host", "127.0.0.1");
        settings.put("spring.mail.port", Integer.toString(smtp.getSmtp().getPort()));
        settings.putAll(more);
        hotline = RunningHotline.start(data, settings);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        twilio.stop();
        smtp.stop();
    }

    @Test
    void thePoliceGetAnSmsAndChildProtectionAnEmailNamingNoOne() throws Exception {
        startHotline(Map.of());
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        JsonNode pop = talking(operator);
        String call = pop.get("call").asString();
        String toPolice = operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                "level", "IMMEDIATE", "danger", "CONFINEMENT", "reason", "two people held at a farm (fake)")).body().get("id").asString();
        String toCp = operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-child-protection",
                "level", "URGENT", "danger", "CONFINEMENT", "reason", "victim under 18 (fake)")).body().get("id").asString();

        LoggedRequest sms = awaitSms();
        Map<String, String> form = form(sms.getBodyAsString());
        assertThat(form).containsEntry("To", "+15550100120").containsEntry("From", "+15550100000");
        assertThat(form.get("Body")).startsWith("HOTLINE IMMEDIATE: confinement.").contains("Language en.")
                .contains("Ref " + reference(toPolice)).doesNotContain("farm").hasSizeLessThanOrEqualTo(300);
        assertThat(sms.getHeader("Authorization")).startsWith("Basic ");

        assertThat(smtp.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("duty@cp.example.test");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("alerts@hotline.example.test");
        assertThat(mail.getSubject()).isEqualTo("[Hotline] URGENT escalation to Test Child Protection (fake)");
        String text = GreenMailUtil.getBody(mail);
        assertThat(text).contains("Danger: confinement").contains("Reference: " + reference(toCp))
                .contains("Caller's language: en").contains("Raised by: operator")
                .as("the operator's words stay in the hotline").doesNotContain("victim under 18");

        for (String alert : List.of(form.get("Body"), text)) {
            assertThat(alert).doesNotContain("0100 42").doesNotContain("5550100142").doesNotContain("42 ");
        }

        // The caller agrees that details identifying them may be shared: text messages and e-mail still carry
        // none, only where to read them.
        String report = pop.get("report").asString();
        for (Map.Entry<String, Object> field : Map.<String, Object>of("contactConsent", true, "shareConsent", true,
                "contactFirstName", "Testfirst", "contactLastName", "Fakecaller", "victimDetails",
                "Fakevictim Testperson").entrySet()) {
            assertThat(operator.put("/api/reports/" + report + "/fields/" + field.getKey(),
                    Map.of("value", field.getValue())).status()).isEqualTo(200);
        }
        for (String id : List.of(toPolice, toCp)) {
            assertThat(operator.post("/api/escalations/" + id + "/disclosure", Map.of("basis", "CONSENT")).status())
                    .isEqualTo(200);
        }
        String secondSms = form(awaitSms(2).getBodyAsString()).get("Body");
        assertThat(smtp.waitForIncomingEmail(10_000, 2)).isTrue();
        String secondMail = GreenMailUtil.getBody(smtp.getReceivedMessages()[1]);
        assertThat(secondSms).contains("liaison view").hasSizeLessThanOrEqualTo(300);
        assertThat(secondMail).contains("read them in the hotline's liaison view");
        for (String alert : List.of(secondSms, secondMail)) {
            assertThat(alert).doesNotContain("Testfirst").doesNotContain("Fakecaller").doesNotContain("Fakevictim");
        }
    }

    /**
     * Nobody at the police acknowledges: the reminder goes through its next channel (e-mail), and the supervisors
     * hear of it on theirs (a text to the duty supervisor, the supervisors' mailbox), each saying what it is and
     * how to call back, none carrying the operator's words. The deadline here is two real seconds only to make a
     * reminder happen over the wire; deadlines themselves are tested against a clock the tests move
     * ({@code EscalationsTest}, {@code EscalationRestartTest}).
     */
    @Test
    void aMissedDeadlineRemindsThroughTheNextChannelAndTellsTheSupervisorsOnTheirs() throws Exception {
        Map<String, String> more = new LinkedHashMap<>();
        more.put("hotline.directory.agencies[0].alerts[1].channel", "EMAIL");
        more.put("hotline.directory.agencies[0].alerts[1].target", "duty@police.example.test");
        more.put("hotline.escalation.acknowledge-within", "2s");
        more.put("hotline.escalation.realert-every", "1h");
        more.put("hotline.escalation.tick", "100ms");
        more.put("hotline.escalation.supervisor-alerts[0].channel", "SMS");
        more.put("hotline.escalation.supervisor-alerts[0].target", "+15550100199");
        more.put("hotline.escalation.supervisor-alerts[1].channel", "EMAIL");
        more.put("hotline.escalation.supervisor-alerts[1].target", "supervisors@hotline.example.test");
        more.put("hotline.escalation.callback-line", "+15550100900");
        startHotline(more);
        ConsoleClient operator = ConsoleClient.login(hotline.base(), "operator", "operator-demo");
        String call = talking(operator).get("call").asString();
        String id = operator.post("/api/calls/" + call + "/escalations", Map.of("agency", "test-police",
                "level", "IMMEDIATE", "danger", "VIOLENCE", "reason", "Testvictim Fakename beaten at the test farm"))
                .body().get("id").asString();

        String first = form(awaitSms(1).getBodyAsString()).get("Body");
        assertThat(first).startsWith("HOTLINE IMMEDIATE: violence.")
                .endsWith("Ref " + reference(id) + ", call back +15550100900.");

        assertThat(smtp.waitForIncomingEmail(15_000, 2)).as("the reminder and the supervisors' e-mail").isTrue();
        Map<String, MimeMessage> mails = new LinkedHashMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            mails.put(m.getAllRecipients()[0].toString(), m);
        }
        MimeMessage reminder = mails.get("duty@police.example.test");
        assertThat(reminder.getSubject())
                .isEqualTo("[Hotline] IMMEDIATE escalation to Test Police (fake) — reminder 2, not yet acknowledged");
        String reminderText = GreenMailUtil.getBody(reminder);
        assertThat(reminderText).contains("Danger: violence")
                .contains("Reference: " + reference(id) + " (call the hotline back on +15550100900 and give it)")
                .contains("Acknowledge it in the hotline's liaison view");

        MimeMessage toSupervisors = mails.get("supervisors@hotline.example.test");
        assertThat(toSupervisors.getSubject())
                .isEqualTo("[Hotline] NOT ACKNOWLEDGED: IMMEDIATE escalation to Test Police (fake) (round 2)");
        String supervisorsText = GreenMailUtil.getBody(toSupervisors);
        assertThat(supervisorsText).contains("Test Police (fake) has not acknowledged this escalation in time")
                .contains("Reference: " + reference(id)).doesNotContain("/ack/")
                .doesNotContain("Acknowledge it");

        String dutyText = form(awaitSms(2).getBodyAsString()).get("Body");
        assertThat(form(awaitSms(2).getBodyAsString())).containsEntry("To", "+15550100199");
        assertThat(dutyText).startsWith("HOTLINE SUPERVISORS: Test Police (fake) has not acknowledged an escalation"
                + " (IMMEDIATE, round 2): violence.");
        for (String alert : List.of(first, reminderText, supervisorsText, dutyText)) {
            assertThat(alert).doesNotContain("Testvictim").doesNotContain("farm").doesNotContain("0100 142");
        }
        assertThat(smtp.getReceivedMessages()).as("one reminder, not one per tick").hasSize(2);
    }

    private static String reference(String escalation) {
        return "E-" + escalation.substring(0, 8).toUpperCase(java.util.Locale.ROOT);
    }

    private LoggedRequest awaitSms() throws InterruptedException {
        return awaitSms(1);
    }

    /** The {@code n}th text message sent. */
    private LoggedRequest awaitSms(int n) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<LoggedRequest> found = twilio.findAll(postRequestedFor(urlEqualTo("/2010-04-01/Accounts/" + ACCOUNT
                    + "/Messages.json")));
            if (found.size() >= n) {
                return found.get(n - 1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no SMS was sent");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    /** A simulated call from a fake number ending in 42 that this operator has answered; returns its pop. */
    private JsonNode talking(ConsoleClient operator) throws Exception {
        return SimCalls.answered(operator, Map.of("callerNumber", "+1 555 0100 142", "language", "en",
                "immediateDanger", "NO"));
    }
}
