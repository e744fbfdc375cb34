package org.tiphotline.console.status;

import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import org.tiphotline.escalation.Directory;
import org.tiphotline.escalation.EscalationSettings;

/**
 * Each configured alert channel with its last failure, from the escalation outbox: what failed, when (the
 * alert's due time), and the sender's reason, which names no caller or victim. Targets (numbers, addresses) are
 * left out: the administrators configure them and need only to know which one fails.
 */
@Component
class AlertChannelHealth {

    record Channel(String owner, String kind, int position, Instant lastFailureAt, String lastFailure) {}

    private final DSLContext db;
    private final Directory directory;
    private final EscalationSettings settings;

    AlertChannelHealth(DSLContext db, Directory directory, EscalationSettings settings) {
        this.db = db;
        this.directory = directory;
        this.settings = settings;
    }

    List<Channel> channels() {
        Map<String, Failure> last = lastFailures();
        List<Channel> channels = new ArrayList<>();
        for (Directory.Agency agency : directory.agencies()) {
            for (int i = 0; i < agency.alerts().size(); i++) {
                Failure failure = last.get(agency.id() + "/" + i);
                channels.add(new Channel(agency.name(), agency.alerts().get(i).channel().name(), i + 1,
                        failure == null ? null : failure.at(), failure == null ? null : failure.reason()));
            }
        }
        for (int i = 0; i < settings.supervisorAlerts().size(); i++) {
            Failure failure = last.get("supervisors/" + i);
            channels.add(new Channel("Supervisors", settings.supervisorAlerts().get(i).channel().name(), i + 1,
                    failure == null ? null : failure.at(), failure == null ? null : failure.reason()));
        }
        return channels;
    }

    private record Failure(Instant at, String reason) {}

    /** The newest failure per channel: "agency id/index" or "supervisors/index". */
    private Map<String, Failure> lastFailures() {
        Map<String, Failure> last = new HashMap<>();
        db.select(ESCALATION.AGENCY, ESCALATION_ALERT.RECIPIENT, ESCALATION_ALERT.DUE_AT, ESCALATION_ALERT.FAILURE)
                .from(ESCALATION_ALERT).join(ESCALATION).on(ESCALATION.ID.eq(ESCALATION_ALERT.ESCALATION_ID))
                .where(ESCALATION_ALERT.FAILURE.isNotNull())
                .orderBy(ESCALATION_ALERT.DUE_AT.desc()).limit(1000)
                .forEach(r -> {
                    String recipient = r.value2();
                    int colon = recipient.indexOf(':');
                    if (colon < 0) {
                        return;
                    }
                    String index = recipient.substring(colon + 1);
                    String key = recipient.startsWith("supervisor:") ? "supervisors/" + index
                            : r.value1() + "/" + index;
                    last.putIfAbsent(key, new Failure(r.value3().toInstant(), r.value4()));
                });
        return last;
    }
}
