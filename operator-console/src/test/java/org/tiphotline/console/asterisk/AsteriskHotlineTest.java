package org.tiphotline.console.asterisk;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;

/**
 * A hotline on Asterisk's two wire protocols for each test, on loopback: a fake AMI peer it has logged in to and
 * resynchronised with, the port its FastAGI server listens on, and operator1's phone as the demo operator's.
 */
abstract class AsteriskHotlineTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String SECRET = "test-only-ami-secret";

    @TempDir
    Path data;

    FakeAmiPeer ami;
    RunningHotline hotline;
    int agiPort;

    @BeforeEach
    void start(TestInfo test) throws IOException {
        ami = new FakeAmiPeer("tiphotline", SECRET).banner("Asterisk Call Manager/9.0.0").asteriskVersion("20.5.0");
        agiPort = AgiPort.free();
        Map<String, String> settings = AsteriskTestSettings.of(agiPort, ami, SECRET);
        settings.put("hotline.telephony.asterisk.endpoints.operator", "PJSIP/operator1");
        moreSettings(settings, test);
        hotline = RunningHotline.start(data, settings);
        ami.awaitAction("CoreShowChannels", WAIT);
    }

    /** What a test class sets beyond these, per test. */
    void moreSettings(Map<String, String> settings, TestInfo test) {
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        ami.close();
    }

    ConsoleClient supervisor() {
        return ConsoleClient.login(hotline.base(), "supervisor", "supervisor-demo");
    }
}
