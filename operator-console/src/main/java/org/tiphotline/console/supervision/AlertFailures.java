package org.tiphotline.console.supervision;

import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.escalation.AlertDispatcher;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.escalation.EscalationSettings;

/**
 * Alerts that were not delivered, which the design says fail visibly: until now they reached only the server log.
 * Supervisors get the recent ones on load and a live notice as each one fails. What they read names the agency,
 * the channel kind, the round and the sender's reason (which names no caller or victim), never a target.
 */
@RestController
class AlertFailures {

    /** One failed delivery: {@code to} is the agency's name or "Supervisors"; {@code channel} a Directory.Channel. */
    record Failure(Instant at, String reference, String to, String channel, int round, String reason) {}

    static final String TOPIC = "/topic/supervisor/alert-failures";
    private static final int RECENT = 20;

    private final DSLContext db;
    private final Directory directory;
    private final EscalationSettings settings;
    private final SimpMessagingTemplate messaging;

    AlertFailures(DSLContext db, Directory directory, EscalationSettings settings, SimpMessagingTemplate messaging) {
        this.db = db;
        this.directory = directory;
        this.settings = settings;
        this.messaging = messaging;
    }

    @GetMapping("/api/escalations/alert-failures")
    List<Failure> recent() {
        return db.select(ESCALATION.ID, ESCALATION.AGENCY, ESCALATION_ALERT.RECIPIENT, ESCALATION_ALERT.ROUND,
                        ESCALATION_ALERT.DUE_AT, ESCALATION_ALERT.FAILURE)
                .from(ESCALATION_ALERT).join(ESCALATION).on(ESCALATION.ID.eq(ESCALATION_ALERT.ESCALATION_ID))
                .where(ESCALATION_ALERT.FAILURE.isNotNull())
                .orderBy(ESCALATION_ALERT.DUE_AT.desc()).limit(RECENT)
                .fetch(r -> {
                    String recipient = r.value3();
                    boolean supervisors = recipient.startsWith("supervisor:");
                    return new Failure(r.value5().toInstant(),
                            AlertDispatcher.reference(new Escalation.Id(r.value1())),
                            supervisors ? "Supervisors" : agencyName(r.value2()), channel(r.value2(), recipient),
                            r.value4(), r.value6());
                });
    }

    /**
     * Tells the open supervisor pages that a delivery failed; they fetch the list (supervisors alone may read the
     * reasons), so the live message carries only which escalation and agency.
     */
    @EventListener
    void failed(AlertDispatcher.AlertFailed failed) {
        messaging.convertAndSend(TOPIC, (Object) Map.of("reference", AlertDispatcher.reference(failed.escalation()),
                "to", agencyName(failed.agency()), "round", failed.round()));
    }

    private String agencyName(String agency) {
        return directory.agency(agency).map(Directory.Agency::name).orElse(agency);
    }

    /** The channel kind a recipient ("agency:<i>" or "supervisor:<i>") was sent through, when still configured. */
    private String channel(String agency, String recipient) {
        int colon = recipient.indexOf(':');
        if (colon < 0) {
            return null;
        }
        int index;
        try {
            index = Integer.parseInt(recipient.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        List<Directory.Alert> alerts = recipient.startsWith("supervisor:") ? settings.supervisorAlerts()
                : directory.agency(agency).map(Directory.Agency::alerts).orElse(List.of());
        return alerts.isEmpty() ? null : alerts.get(index % alerts.size()).channel().name();
    }
}
