package org.tiphotline.telephony.asterisk;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.telephony.TelephonyStatus;
import org.tiphotline.telephony.asterisk.testing.Await;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.ivr.IvrScript;
import org.tiphotline.telephony.ivr.IvrSettings;

/**
 * The start-up prompt check over AMI, against a peer that answers {@code Originate} and {@code Getvar} as
 * Asterisk with the sample's {@code [hotline-prompt-check]} does (SampleDialplanTest walks that extension): the
 * missing prompts reach the log and the status, on the first connection and again after a reconnection.
 */
class PromptCheckTest {

    private static final String DATA_DIR = "/usr/local/var/lib/asterisk";

    private final FakeAmiPeer peer = new FakeAmiPeer("tiphotline", "s3cret");
    /** Files on the fake Asterisk's disk. */
    private final Set<String> disk = ConcurrentHashMap.newKeySet();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(PromptCheck.class);
    private final IvrScript script = new IvrScript(new IvrSettings(2, Duration.ofSeconds(5)),
            new CallSettings(List.of("en", "es")));
    private final List<AsteriskPrompts.Needed> needed = AsteriskPrompts.needed(new AsteriskSettings(true, null,
            null, null, Map.of(), "PJSIP/{number}@escalation-trunk", 25, Map.of()).withIvrDefaults(script), script);
    private volatile boolean contextInstalled = true;
    private AmiLink link;

    @BeforeEach
    void start() {
        logged.start();
        logger.addAppender(logged);
        peer.respond("Getvar", (action, session) -> {
            String variable = action.get("Variable");
            String value = switch (variable) {
                case "ASTDATADIR" -> DATA_DIR;
                case PromptCheck.RESULT -> contextInstalled ? dialplanResult() : "";
                default -> "";
            };
            session.send(FakeAmiPeer.response(action, "Success", "Variable", variable, "Value", value));
        });
        needed.forEach(n -> disk.add(DATA_DIR + "/sounds/" + n.file() + ".wav"));
        link = new AmiLink(AmiLinkStateTest.settingsFor(peer), event -> { }, () -> { });
        link.afterEveryConnection(new PromptCheck(link, needed)::run);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logged);
        link.close();
        peer.close();
    }

    @Test
    void aMissingPromptIsLoggedAndShownByLanguageAndNameAndCheckedAgainAfterAReconnection() {
        disk.remove(DATA_DIR + "/sounds/es/hotline/immediate-danger.wav");
        // A human recording in another format counts: Asterisk plays any of them.
        disk.remove(DATA_DIR + "/sounds/en/hotline/welcome.wav");
        disk.add(DATA_DIR + "/sounds/en/hotline/welcome.ulaw");
        link.start();

        Await.until(() -> link.status().promptsCheckedAt() != null, "the first check");
        assertThat(link.status().missingPrompts()).containsExactly(new AsteriskStatus.MissingPrompt("es",
                "immediate-danger", "es/hotline/immediate-danger"));
        assertThat(link.status().promptsUnchecked()).isNull();
        TelephonyStatus.Link shown = link.status().links().get(1);
        assertThat(shown.name()).isEqualTo("IVR prompts on Asterisk");
        assertThat(shown.up()).isFalse();
        assertThat(shown.detail()).isEqualTo("missing: immediate-danger (es)");
        assertThat(logged.list).filteredOn(e -> e.getLevel().toString().equals("WARN"))
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("IVR prompt missing on Asterisk: immediate-danger in language es "
                        + "(es/hotline/immediate-danger in no format of [wav, ulaw");
        // Each file was asked about through the check context on a Local channel, with its full path.
        List<FakeAmiPeer.Action> originates = peer.actions().stream()
                .filter(a -> a.name().equalsIgnoreCase("Originate")).toList();
        assertThat(originates).hasSize(needed.size()).allSatisfy(a -> {
            assertThat(a.get("Channel")).isEqualTo("Local/s@hotline-prompt-check/n");
            assertThat(a.get("Context")).isEqualTo("hotline-prompt-check");
        });
        assertThat(originates).flatExtracting(a -> a.getAll("Variable"))
                .contains("HOTLINE_PROMPT=" + DATA_DIR + "/sounds/es/hotline/immediate-danger",
                        "HOTLINE_PROMPT=" + DATA_DIR + "/sounds/en/hotline/language-es-2");

        disk.add(DATA_DIR + "/sounds/es/hotline/immediate-danger.gsm");
        Instant firstCheck = link.status().promptsCheckedAt();
        peer.dropConnections();

        Await.until(() -> link.status().promptsCheckedAt().isAfter(firstCheck), "the check after the reconnection");
        assertThat(link.status().missingPrompts()).isEmpty();
        assertThat(link.status().links().get(1).up()).isTrue();
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("all " + needed.size() + " IVR prompts are installed on Asterisk");
    }

    @Test
    void anAsteriskWithoutTheCheckContextSaysSoInsteadOfReportingEveryPromptMissing() {
        contextInstalled = false;
        link.start();

        Await.until(() -> link.status().promptsUnchecked() != null, "the failed check");
        assertThat(link.status().promptsUnchecked()).contains("no [hotline-prompt-check] context");
        assertThat(link.status().missingPrompts()).isEmpty();
        assertThat(link.status().links().get(1).detail()).startsWith("not checked: the dialplan has no "
                + "[hotline-prompt-check] context");
    }

    /** What {@code [hotline-prompt-check]} leaves in its global for the last Originate: token, one digit a format. */
    private String dialplanResult() {
        FakeAmiPeer.Action last = peer.actions().reversed().stream()
                .filter(a -> a.name().equalsIgnoreCase("Originate")).findFirst().orElseThrow();
        String token = variable(last, "HOTLINE_PROMPT_CHECK");
        String path = variable(last, "HOTLINE_PROMPT");
        StringBuilder digits = new StringBuilder(token + ":");
        PromptCheck.FORMATS.forEach(format -> digits.append(disk.contains(path + "." + format) ? '1' : '0'));
        return digits.toString();
    }

    private static String variable(FakeAmiPeer.Action action, String name) {
        return action.getAll("Variable").stream().filter(v -> v.startsWith(name + "="))
                .map(v -> v.substring(name.length() + 1)).findFirst().orElseThrow();
    }
}
