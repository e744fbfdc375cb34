package org.tiphotline.escalation;

import static org.tiphotline.db.Tables.ESCALATION_ALERT;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.Calls;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;
import org.tiphotline.intake.Situation;
import org.tiphotline.protection.AuditTrail;

/**
 * Works through the alert outbox: each alert goes to the channel its recipient names and is marked sent, or
 * failed with the reason (no call or victim data in it). Identifying details go only where the escalation's
 * disclosure holds at that moment and the channel may carry them, each time with an EXPORT audit row. A failed alert is not retried on the same channel:
 * the escalation's next deadline sends the next round through the next channel, and the supervisors.
 * Supervisors' alerts are published as {@link SupervisorAlert} for their live view.
 */
@Service
public class AlertDispatcher {

    private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);

    /** For supervisors' live views: an escalation needs them (nobody acknowledged in time). */
    public record SupervisorAlert(Escalation.Id escalation, String agency, int round) {}

    private final Escalations escalations;
    private final Directory directory;
    private final Calls calls;
    private final DSLContext db;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Map<Directory.Channel, AlertChannel> channels;
    private final AcknowledgementLinks links;
    private final Disclosures disclosures;
    private final Intake intake;

    public AlertDispatcher(Escalations escalations, Directory directory, Calls calls, DSLContext db, Clock clock,
            ApplicationEventPublisher events, List<AlertChannel> channels, AcknowledgementLinks links,
            Disclosures disclosures, Intake intake) {
        this.links = links;
        this.disclosures = disclosures;
        this.intake = intake;
        this.escalations = escalations;
        this.directory = directory;
        this.calls = calls;
        this.db = db;
        this.clock = clock;
        this.events = events;
        this.channels = channels.stream().collect(Collectors.toMap(AlertChannel::channel, Function.identity()));
    }

    /** Sends what is due; returns how many alerts were handled (sent or failed). */
    @Scheduled(fixedDelayString = "${hotline.escalation.tick:1s}")
    public int dispatch() {
        int handled = 0;
        for (Escalations.PendingAlert alert : escalations.unsentAlerts(50)) {
            Escalation e = escalations.find(alert.escalation()).orElseThrow();
            String failure = null;
            try {
                if (alert.recipient().equals(Escalations.SUPERVISORS)) {
                    events.publishEvent(new SupervisorAlert(e.id(), e.agency(), alert.round()));
                } else {
                    deliver(e, alert);
                }
            } catch (RuntimeException ex) {
                failure = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                log.warn("alert round {} of escalation {} failed: {}", alert.round(), e.id(), failure);
            }
            if (failure == null) {
                db.update(ESCALATION_ALERT).set(ESCALATION_ALERT.SENT_AT, clock.instant().atOffset(ZoneOffset.UTC))
                        .where(ESCALATION_ALERT.ID.eq(alert.id())).execute();
            } else {
                db.update(ESCALATION_ALERT)
                        .set(ESCALATION_ALERT.FAILURE, failure.substring(0, Math.min(failure.length(), 500)))
                        .where(ESCALATION_ALERT.ID.eq(alert.id())).execute();
            }
            handled++;
        }
        return handled;
    }

    private void deliver(Escalation e, Escalations.PendingAlert alert) {
        Directory.Agency agency = directory.agency(e.agency())
                .orElseThrow(() -> new IllegalStateException("agency " + e.agency() + " left the directory"));
        int index = Integer.parseInt(alert.recipient().substring(alert.recipient().indexOf(':') + 1));
        Directory.Alert target = agency.alerts().get(index % agency.alerts().size());
        AlertChannel channel = channels.get(target.channel());
        if (channel == null) {
            throw new IllegalStateException("no " + target.channel() + " channel is configured in this hotline");
        }
        Call call = e.call() == null ? null : calls.load(e.call()).orElse(null);
        Optional<Situation> situation = disclosures.situationOf(e);
        Optional<ReportId> disclosable = disclosures.mayDisclose(e);
        Map<String, String> identifying = Map.of();
        String withheld = null;
        if (disclosable.isPresent()) {
            if (channel.carriesIdentifying(target.target())) {
                // Audited as exported before the attempt: an attempt that fails may still have reached the agency,
                // and a crash before sending over-reports an export rather than hiding one.
                identifying = intake.identifyingDetails(disclosable.get(), "alert:" + agency.id(),
                        AuditTrail.Action.EXPORT);
            } else {
                withheld = "this channel does not carry identifying details: read them in the hotline's liaison view";
            }
        }
        channel.send(target.target(), new AlertPacket(e.id().toString(), agency.id(), agency.name(), e.level(),
                e.reason(), e.raisedAt(), alert.round(), call == null ? null : call.language(),
                call != null && call.urgent(),
                situation.map(s -> new AlertPacket.Situation(s.place(), s.traffickingTypes(), s.minorInvolved(),
                        s.peopleInvolved(), s.victimSex())).orElse(null),
                disclosable.isPresent() ? e.disclosure() : null, identifying.isEmpty() ? null : identifying, withheld,
                "hotline escalation " + e.id(), links.link(e.id(), agency.id()).orElse(null)));
    }
}
