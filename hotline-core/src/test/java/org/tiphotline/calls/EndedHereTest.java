package org.tiphotline.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * The caller's final status after this node stored the call's end (Twilio sends it after the Dial's end when the
 * operator hung up) is answered from memory: no row lock, so no commit written to disk for a report that changes
 * nothing. A call ended elsewhere is still checked under its row lock.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class EndedHereTest {

    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Calls calls;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private org.tiphotline.protection.FieldCipher cipher;
    @Autowired
    private org.tiphotline.protection.CallerNumbers numbers;
    @Autowired
    private org.tiphotline.protection.AuditTrail audit;
    @Autowired
    private org.springframework.transaction.support.TransactionTemplate tx;
    @Autowired
    private org.springframework.context.ApplicationEventPublisher publisher;
    @Autowired
    private CallSettings settings;
    @Autowired
    private org.jooq.DSLContext db;

    @BeforeEach
    void start() {
        TestDatabase.get().reset();
    }

    @Test
    void theCallersHangUpAfterAnEndStoredHereTakesNoRowLock() throws Exception {
        CallRef ref = talking();
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
        CallRef ref = talking();
        Switchboard otherNode = otherNode();
        assertThat(otherNode.once("dial:leg-2").ended(ref, "operator")).isTrue();

        assertThat(switchboard.once("end").callerHungUp(ref)).isFalse();
        assertThat(calls.load(calls.idOf(ref).orElseThrow()).orElseThrow().events())
                .filteredOn(e -> e.type() == CallEventType.ENDED).hasSize(1);
    }

    /** The same database, a memory of its own. */
    private Switchboard otherNode() {
        return new Switchboard(new Calls(db), cipher, numbers, audit, tx, publisher, clock, settings);
    }

    private CallRef talking() {
        OperatorId operator = FakeData.user(operators, Role.OPERATOR, "en").id();
        CallRef ref = FakeData.newCallRef();
        CallId id = switchboard.arrived(ref, FakeData.phone(32), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "NO");
        switchboard.ivrCompleted(ref);
        assertThat(switchboard.offered(id, operator)).isTrue();
        switchboard.ringing(ref, operator);
        clock.advance(Duration.ofSeconds(3));
        assertThat(switchboard.answered(ref, operator)).isTrue();
        return ref;
    }
}
