package org.tiphotline.console.escalation;

import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.tiphotline.escalation.AlertChannel;
import org.tiphotline.escalation.AlertPacket;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.StaffNotice;

/**
 * Alerts by e-mail over SMTP ({@code spring.mail.*}: host, port, credentials, TLS). Plain text, one message per
 * alert, naming no one; the sender address is {@code hotline.alerts.email.from}.
 */
@Component
@ConditionalOnProperty(prefix = "hotline.alerts.email", name = "from")
class EmailAlerts implements AlertChannel {

    private final org.springframework.beans.factory.ObjectProvider<JavaMailSender> mail;
    private final String from;

    /** The mail sender exists once {@code spring.mail.host} is set; without it every e-mail alert fails, visibly. */
    EmailAlerts(org.springframework.beans.factory.ObjectProvider<JavaMailSender> mail,
            org.springframework.core.env.Environment env) {
        this.mail = mail;
        this.from = env.getRequiredProperty("hotline.alerts.email.from");
    }

    @Override
    public Directory.Channel channel() {
        return Directory.Channel.EMAIL;
    }

    @Override
    public void send(String target, AlertPacket p) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(target);
        message.setSubject(p.forSupervisors()
                ? "[Hotline] NOT ACKNOWLEDGED: " + p.level() + " escalation to " + p.agencyName() + " (round "
                        + p.round() + ")"
                : "[Hotline] " + p.level() + " escalation to " + p.agencyName()
                        + (p.round() > 1 ? " — reminder " + p.round() + ", not yet acknowledged" : ""));
        java.util.List<String> lines = new java.util.ArrayList<>();
        if (p.forSupervisors()) {
            lines.add(p.agencyName() + " has not acknowledged this escalation in time; alert round " + p.round()
                    + " has gone to it. Follow it up on the supervisor's page of the hotline.");
        } else {
            lines.add("An escalation from the anti-trafficking hotline is addressed to " + p.agencyName() + ".");
        }
        lines.addAll(java.util.List.of("",
                "Level: " + p.level(),
                "Danger: " + words(p.danger().name()),
                "Raised by: " + words(p.source().name()),
                "Raised: " + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(p.raisedAt().atOffset(ZoneOffset.UTC)),
                "Caller's language: " + (p.language() == null ? "not chosen" : p.language()),
                "Caller said someone is in immediate danger: " + (p.urgentCall() ? "yes or did not answer" : "no")));
        AlertPacket.Situation s = p.situation();
        if (s != null) {
            lines.add("Place: " + (s.place() == null ? "not known yet" : s.place()));
            lines.add("Exploitation: " + (s.exploitation().isEmpty() ? "not known yet"
                    : words(String.join(", ", s.exploitation()))));
            lines.add("Minors involved: " + (s.minorsInvolved() == null ? "not known" : s.minorsInvolved() ? "yes"
                    : "no"));
            lines.add("People affected: " + (s.peopleInvolved() == null ? "not known" : s.peopleInvolved()));
        }
        // E-mail is not encrypted end to end: identifying details never travel in it, only where to read them.
        if (p.identifyingWithheld() != null) {
            lines.add("Identifying details may be given for this escalation: read them in the hotline's liaison view.");
        }
        lines.add("Reference: " + p.callbackRoute().reference() + (p.callbackRoute().line() == null ? ""
                : " (call the hotline back on " + p.callbackRoute().line() + " and give it)"));
        if (!p.forSupervisors()) {
            lines.addAll(java.util.List.of("",
                    "Acknowledge it in the hotline's liaison view" + (p.acknowledgeUrl() == null ? ""
                            : " or with this link: " + p.acknowledgeUrl()) + ";",
                    "until someone does, it is sent again and the hotline's supervisors are told."));
        }
        message.setText(String.join("\n", lines));
        deliver(message);
    }

    @Override
    public void notice(String target, StaffNotice notice) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(target);
        message.setSubject("[Hotline] " + notice.subject());
        message.setText(notice.text());
        deliver(message);
    }

    private void deliver(SimpleMailMessage message) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            throw new IllegalStateException("no SMTP server is configured (spring.mail.host)");
        }
        try {
            sender.send(message);
        } catch (MailException e) {
            throw new IllegalStateException("SMTP refused the alert: " + e.getClass().getSimpleName());
        }
    }

    private static String words(String code) {
        return code.toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
