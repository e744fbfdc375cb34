package org.tiphotline.calls;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.RecordedEvents;
import org.tiphotline.testing.TestDatabase;

/**
 * A ringing that another report implies (an answer that overtook it, the end of the Dial that restates it) never
 * sends the pop ahead of its record. With two nodes the ringing report may have reached the other node, which
 * this one cannot know without the database; the pop prepared here at the offer then still waits, and a
 * restatement used to send it to an operator already on, or done with, the call (seen in the two-node end-to-end
 * benchmark as reports saved after they were submitted).
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class RingingImpliedTest {

    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Operators operators;
    @Autowired
    private FieldCipher cipher;
    @Autowired
    private CallerNumbers numbers;
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
    private RecordedEvents events;

    @BeforeEach
    void start() {
        TestDatabase.get().reset();
        events.clear();
    }

    @Test
    void aRestatedRingingTheOtherNodeStoredSendsNoPop() {
        OperatorId operator = FakeData.user(operators, Role.OPERATOR, "en").id();
        CallRef ref = offered(operator);
        // The other node: the same database, a memory of its own.
        Switchboard otherNode = new Switchboard(new Calls(db), cipher, numbers, audit, tx, publisher, clock,
                settings);
        assertThat(otherNode.once("op:leg-1:ringing").ringing(ref, operator)).isTrue();
        events.clear();

        assertThat(switchboard.once("op:leg-1:ringing").ringingImplied(ref, operator)).isFalse();

        assertThat(events.ofType(Call.RingReported.class)).as("no pop ahead of the record").isEmpty();
        assertThat(events.ofType(Call.Ringing.class)).as("nothing stored: the ringing was").isEmpty();
    }

    @Test
    void aRingingOnlyImpliedIsStoredAndItsPopFollowsTheRecord() {
        OperatorId operator = FakeData.user(operators, Role.OPERATOR, "en").id();
        CallRef ref = offered(operator);
        events.clear();

        assertThat(switchboard.once("op:leg-2:ringing").ringingImplied(ref, operator)).isTrue();

        assertThat(events.ofType(Call.RingReported.class)).isEmpty();
        assertThat(events.ofType(Call.Ringing.class)).singleElement()
                .satisfies(r -> assertThat(r.operator()).isEqualTo(operator));
    }

    @Test
    void theRingingReportItselfStillSendsThePopAheadOfItsRecord() {
        OperatorId operator = FakeData.user(operators, Role.OPERATOR, "en").id();
        CallRef ref = offered(operator);
        events.clear();

        assertThat(switchboard.once("op:leg-3:ringing").ringing(ref, operator)).isTrue();

        assertThat(events.ofType(Call.RingReported.class)).hasSize(1);
    }

    private CallRef offered(OperatorId operator) {
        CallRef ref = FakeData.newCallRef();
        CallId id = switchboard.arrived(ref, FakeData.phone(31), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, "NO");
        switchboard.ivrCompleted(ref);
        assertThat(switchboard.offered(id, operator)).isTrue();
        return ref;
    }
}
