package org.tiphotline.console.testing;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.tiphotline.operators.Operator;

/**
 * Finished calls of a past day written straight into the call records (the call row and its timeline, as the
 * switchboard leaves them), for reports over days the running application's clock has left behind. Fake data only:
 * a masked 555 number, no caller's number stored.
 */
public final class StoredCalls {

    private final DSLContext db;
    private final ZoneId zone;
    private final LocalDate day;

    public StoredCalls(DSLContext db, ZoneId zone, LocalDate day) {
        this.db = db;
        this.zone = zone;
        this.day = day;
    }

    /** Arrived, queued, rang at and answered by {@code by}, ended by the operator; times as local clock "09:00:10". */
    public void answered(String arrived, String queued, String answered, String ended, Operator by) {
        store(arrived, queued, answered, ended, by, "COMPLETED", List.of(
                new Object[] {"ARRIVED", arrived, null, "{}"}, new Object[] {"QUEUED", queued, null, "{}"},
                new Object[] {"OFFERED", queued, by.id().value(), "{}"},
                new Object[] {"ANSWERED", answered, by.id().value(), "{}"},
                new Object[] {"ENDED", ended, null, "{\"by\": \"operator\"}"}));
    }

    /** Arrived, queued, and the caller hung up at {@code hungUp} while waiting ({@code QUEUED}) or ringing. */
    public void abandoned(String arrived, String queued, String hungUp, String stage) {
        store(arrived, queued, null, hungUp, null, "RINGING".equals(stage) ? "ABANDONED_RINGING"
                : "ABANDONED_IN_QUEUE", List.of(
                new Object[] {"ARRIVED", arrived, null, "{}"}, new Object[] {"QUEUED", queued, null, "{}"},
                new Object[] {"ABANDONED", hungUp, null, "{\"stage\": \"" + stage + "\"}"}));
    }

    private void store(String arrived, String queued, String answered, String ended, Operator by, String outcome,
            List<Object[]> events) {
        UUID id = UUID.randomUUID();
        db.execute("""
                insert into hotline.call (id, provider, provider_call_id, caller_mask, dialled_number, arrived_at,
                    state, queued_at, answered_at, ended_at, operator_id, outcome, last_seq)
                values (?, 'sim', ?, '+1 555 01xx', '+15550100', cast(? as timestamptz), 'ENDED',
                    cast(? as timestamptz), cast(? as timestamptz), cast(? as timestamptz), ?, ?, ?)""",
                id, "stored-" + id, at(arrived), at(queued), at(answered), at(ended),
                by == null ? null : by.id().value(), outcome, events.size());
        List<Object[]> numbered = new ArrayList<>(events);
        for (int seq = 1; seq <= numbered.size(); seq++) {
            Object[] e = numbered.get(seq - 1);
            db.execute("insert into hotline.call_event (call_id, seq, type, at, operator_id, detail) values (?, ?, ?, "
                    + "cast(? as timestamptz), ?, cast(? as jsonb))", id, seq, e[0], at((String) e[1]), e[2], e[3]);
        }
    }

    /** A local clock time of the day as text for {@code cast(? as timestamptz)}. */
    private String at(String clock) {
        return clock == null ? null : LocalDateTime.of(day, java.time.LocalTime.parse(clock)).atZone(zone)
                .toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC).toString();
    }
}
