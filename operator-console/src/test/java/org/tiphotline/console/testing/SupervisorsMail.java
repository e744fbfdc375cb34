package org.tiphotline.console.testing;

import com.icegreen.greenmail.util.GreenMail;
import java.util.List;
import java.util.Map;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.AlertPacket;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.StaffNotice;

/** The supervisors' e-mail channel in tests of the floor's alarms and alerts: GreenMail as the SMTP server. */
public final class SupervisorsMail {

    private SupervisorsMail() {
    }

    /** Settings that send the supervisors' notices by e-mail to {@code to}, through {@code smtp}. */
    public static void settings(Map<String, String> settings, GreenMail smtp, String to) {
        settings.put("hotline.alerts.email.from", "alerts@hotline.example.test");
        settings.put("spring.mail.host", "127.0.0.1");
        settings.put("spring.mail.port", Integer.toString(smtp.getSmtp().getPort()));
        settings.put("hotline.escalation.supervisor-alerts[0].channel", "EMAIL");
        settings.put("hotline.escalation.supervisor-alerts[0].target", to);
    }

    /** An e-mail channel that only records: what a second node would have sent. */
    public static AlertChannel recording(List<StaffNotice> sent) {
        return new AlertChannel() {
            @Override
            public Directory.Channel channel() {
                return Directory.Channel.EMAIL;
            }

            @Override
            public void send(String target, AlertPacket packet) {
                throw new AssertionError("no escalation here");
            }

            @Override
            public void notice(String target, StaffNotice notice) {
                sent.add(notice);
            }
        };
    }
}
