package org.tiphotline.console.asterisk;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;

/** The application's settings for a test against Asterisk's protocols on loopback: FastAGI here, AMI at the peer. */
public final class AsteriskTestSettings {

    private AsteriskTestSettings() {
    }

    /** Add to the result what a test needs beyond it (operator endpoints). */
    public static Map<String, String> of(int agiPort, FakeAmiPeer ami, String secret) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("hotline.telephony.asterisk.enabled", "true");
        settings.put("hotline.telephony.asterisk.agi.port", Integer.toString(agiPort));
        settings.put("hotline.telephony.asterisk.ami.port", Integer.toString(ami.port()));
        settings.put("hotline.telephony.asterisk.ami.password", secret);
        // Tests drop the link on purpose: reconnect at once rather than after the production interval.
        settings.put("hotline.telephony.asterisk.ami.retry-interval", "200ms");
        settings.put("hotline.ivr.digit-timeout", "50ms");
        return settings;
    }
}
