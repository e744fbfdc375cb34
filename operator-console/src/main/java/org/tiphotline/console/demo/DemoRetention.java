package org.tiphotline.console.demo;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CALL;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.console.database.NoExternalDatabase;
import org.tiphotline.retention.RetentionBatches;
import org.tiphotline.retention.RetentionKind;

/**
 * Gives the demo's data management leader one retention batch to decide (issue 21, item 5): on a fresh demo
 * database, one forgotten draft of the demo operator's on a fictional call with a withheld number, 40 days old, and
 * the batch the drafts' rule (on in the demo profile) proposes for it. Once, and only in the demo profile.
 */
@Component
@Profile("demo")
@Conditional(NoExternalDatabase.class)
@Order(2)
class DemoRetention implements ApplicationRunner {

    /** The fictional call's provider id: how a later start knows the demo draft was made already. */
    private static final String CALL_REF = "demo-forgotten-draft";

    private static final Logger log = LoggerFactory.getLogger(DemoRetention.class);

    private final DSLContext db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final RetentionBatches batches;

    DemoRetention(DSLContext db, TransactionTemplate tx, Clock clock, RetentionBatches batches) {
        this.db = db;
        this.tx = tx;
        this.clock = clock;
        this.batches = batches;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (db.fetchExists(CALL, CALL.PROVIDER_CALL_ID.eq(CALL_REF))) {
            return;
        }
        UUID call = UUID.randomUUID();
        OffsetDateTime at = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).minusDays(40);
        Boolean made = tx.execute(status -> {
            Long operator = db.select(APP_USER.ID).from(APP_USER).where(APP_USER.USERNAME.eq("operator"))
                    .fetchOne(APP_USER.ID);
            if (operator == null) {
                return false;
            }
            // A call as the switchboard records one, timeline included: answered, then ended.
            db.execute("insert into hotline.call (id, provider, provider_call_id, caller_mask, dialled_number, "
                    + "arrived_at, state, language, answered_at, ended_at, operator_id, outcome, last_seq) values "
                    + "(?::uuid, 'sim', ?, 'withheld', '+15550100', ?::timestamptz, 'ENDED', 'en', ?::timestamptz, "
                    + "?::timestamptz, ?::bigint, 'COMPLETED', 3)", call, CALL_REF, at, at.plusSeconds(40),
                    at.plusMinutes(6), operator);
            db.execute("insert into hotline.call_event (call_id, seq, type, at, operator_id) values "
                    + "(?::uuid, 1, 'ARRIVED', ?::timestamptz, null), "
                    + "(?::uuid, 2, 'ANSWERED', ?::timestamptz, ?::bigint), "
                    + "(?::uuid, 3, 'ENDED', ?::timestamptz, null)", call, at, call, at.plusSeconds(40), operator,
                    call, at.plusMinutes(6));
            db.execute("insert into hotline.hotline_report (id, call_id, operator_id, status, created_at, updated_at) "
                    + "values (?::uuid, ?::uuid, ?::bigint, 'DRAFT', ?::timestamptz, ?::timestamptz)",
                    UUID.randomUUID(), call, operator, at.plusSeconds(40), at.plusMinutes(6));
            return true;
        });
        if (Boolean.TRUE.equals(made)) {
            batches.propose(RetentionKind.UNSUBMITTED_DRAFTS).ifPresent(b -> log.info("demo: a retention batch awaits "
                    + "the demo data management leader on /retention.html ({})", b.sentence()));
        }
    }
}
