package org.tiphotline.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.CallerNumbers;
import org.tiphotline.protection.rotation.CallerHashRotation;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.RecordedEvents;
import org.tiphotline.testing.TestDatabase;

/**
 * Reports that restate, or come after, what is already stored, with the other node in mind (it shares the database,
 * not this node's memory).
 *
 * <p>A ringing that another report implies (an answer that overtook it, the end of the Dial that restates it) never
 * sends the pop ahead of its record: the ringing report may have reached the other node, which this one cannot
 * know without the database, while the pop prepared here at the offer still waits; a restatement used to send it
 * to an operator already on, or done with, the call (seen in the two-node end-to-end benchmark as reports saved
 * after they were submitted).
 *
 * <p>The caller's final status after this node stored the call's end (Twilio sends it after the Dial's end when the
 * operator hung up) is answered from memory: no row lock, so no commit written to disk for a report that changes
 * nothing. A call ended on the other node is still checked under its row lock.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class RepeatedReportsTest {

    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Calls calls;
    @Autowired
    private Operators operators;
    @Autowired
    private FieldCipher cipher;
    @Autowired
    private CallerNumbers numbers;
    @Autowired
    private CallerHashRotation hashRotation;
    @Autowired
    private AuditTrail audit;
    @Autowired
    private TransactionTemplate tx;
    @Autowired
    private ApplicationEventPublisher publisher;
    @Autowired
    private MutableClock clock;
    @Autowired
    private CallSettings settings;
    @Autowired
    private DSLContext db;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private RecordedEvents events;

    private OperatorId operator;

    @BeforeEach
    void start() {
        TestDatabase.get().reset();
        events.clear();
        operator = FakeData.user(operators, Role.OPERATOR, "en").id();
    }

    @Test
    void aRestatedRingingTheOtherNodeStoredSendsNoPop() {
        CallRef ref = offered();
        assertThat(otherNode().once("op:leg-1:ringing").ringing(ref, operator)).isTrue();
        events.clear();

        assertThat(switchboard.once("op:leg-1:ringing").ringingImplied(ref, operator)).isFalse();

        assertThat(events.ofType(Call.RingReported.class)).as("no pop ahead of the record").isEmpty();
        assertThat(events.ofType(Call.Ringing.class)).as("nothing stored: the ringing was").isEmpty();
    }

    @Test
    void aRingingOnlyImpliedIsStoredAndItsPopFollowsTheRecord() {
        CallRef ref = offered();

        assertThat(switchboard.once("op:leg-2:ringing").ringingImplied(ref, operator)).isTrue();

        assertThat(events.ofType(Call.RingReported.class)).isEmpty();
        assertThat(events.ofType(Call.Ringing.class)).singleElement()
                .satisfies(r -> assertThat(r.operator()).isEqualTo(operator));
    }

    @Test
    void theRingingReportItselfStillSendsThePopAheadOfItsRecord() {
        CallRef ref = offered();

        assertThat(switchboard.once("op:leg-3:ringing").ringing(ref, operator)).isTrue();

        assertThat(events.ofType(Call.RingReported.class)).hasSize(1);
    }

    @Test
    void theCallersHangUpAfterAnEndStoredHereTakesNoRowLock() throws Exception {
        CallRef ref = offered();
        answered(ref);
        assertThat(switchboard.once("dial:leg-1").ended(ref, "operator")).isTrue();
        CallId id = calls.idOf(ref).orElseThrow();
        try (Connection other = dataSource.getConnection()) {
            // Another transaction holds the call's row: a report that needed the lock would wait for it.
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement(
                    "select id from hotline.call where id = ? for update")) {
                lock.setObject(1, id.value());
                lock.executeQuery().close();
            }
            CompletableFuture<Boolean> hungUp = CompletableFuture.supplyAsync(
                    () -> switchboard.once("end").callerHungUp(ref));
            assertThat(hungUp.get(2, TimeUnit.SECONDS)).as("nothing to store: the call is over").isFalse();
            other.rollback();
        }
        Call call = calls.load(id).orElseThrow();
        assertThat(call.state()).isEqualTo(CallState.ENDED);
        assertThat(call.outcome()).isEqualTo(CallOutcome.COMPLETED);
    }

    @Test
    void aCallEndedOnAnotherNodeIsStillCheckedUnderItsLock() {
        CallRef ref = offered();
        answered(ref);
        assertThat(otherNode().once("dial:leg-2").ended(ref, "operator")).isTrue();

        assertThat(switchboard.once("end").callerHungUp(ref)).isFalse();
        assertThat(calls.load(calls.idOf(ref).orElseThrow()).orElseThrow().events())
                .filteredOn(e -> e.type() == CallEventType.ENDED).hasSize(1);
    }

    /**
     * A repeat this node cannot know from memory (the other node stored the original) is checked under the call's
     * row lock, and then rolled back: the lock was its only write, and committing it would wait for PostgreSQL to
     * flush it to disk. A report that stores something still commits.
     */
    @Test
    void aRepeatTheOtherNodeStoredEndsInARollbackSoItWaitsForNoDiskFlush() {
        CallRef ref = offered();
        assertThat(switchboard.once("op:leg-4:ringing").ringing(ref, operator)).isTrue();
        CountedTransactions counted = new CountedTransactions(dataSource);
        Switchboard other = new Switchboard(new Calls(db), cipher, numbers, hashRotation, audit,
                new TransactionTemplate(counted), publisher, clock, settings);

        assertThat(other.once("op:leg-4:ringing").ringingImplied(ref, operator)).isFalse();
        assertThat(other.once("end-before-answer").answered(ref, new OperatorId(operator.value() + 999)))
                .as("refused by the call's state: rung at someone else").isFalse();

        assertThat(counted.commits).isZero();
        assertThat(counted.rollbacks).isEqualTo(2);
        clock.advance(Duration.ofSeconds(3));
        assertThat(other.once("op:leg-4:in-progress").answered(ref, operator)).isTrue();
        assertThat(counted.commits).isEqualTo(1);
        assertThat(calls.load(calls.idOf(ref).orElseThrow()).orElseThrow().state()).isEqualTo(CallState.TALKING);
    }

    /** Counts the commits and rollbacks of the transactions it runs. */
    private static final class CountedTransactions
            extends org.springframework.jdbc.support.JdbcTransactionManager {
        private int commits;
        private int rollbacks;

        CountedTransactions(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        protected void doCommit(org.springframework.transaction.support.DefaultTransactionStatus status) {
            commits++;
            super.doCommit(status);
        }

        @Override
        protected void doRollback(org.springframework.transaction.support.DefaultTransactionStatus status) {
            rollbacks++;
            super.doRollback(status);
        }
    }

    /** The other node: the same database, a memory of its own. */
    private Switchboard otherNode() {
        return new Switchboard(new Calls(db), cipher, numbers, hashRotation, audit, tx, publisher, clock, settings);
    }

    /** A caller through the menu and offered to the operator; the events so far are cleared. */
    private CallRef offered() {
        CallRef ref = FakeData.newCallRef();
        CallId id = switchboard.arrived(ref, FakeData.phone(31), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "NO");
        switchboard.ivrCompleted(ref);
        assertThat(switchboard.offered(id, operator)).isTrue();
        events.clear();
        return ref;
    }

    private void answered(CallRef ref) {
        switchboard.ringing(ref, operator);
        clock.advance(Duration.ofSeconds(3));
        assertThat(switchboard.answered(ref, operator)).isTrue();
    }
}
