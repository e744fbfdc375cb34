package org.tiphotline.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALL_EVENT;

import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;

/** The operator's switch to the yes/no script on a real PostgreSQL: who may, when, and what the timeline keeps. */
@SpringJUnitConfig(CoreTestConfiguration.class)
class QuietModeSwitchTest {

    @Autowired
    private Switchboard switchboard;
    @Autowired
    private QuietMode quietMode;
    @Autowired
    private Calls calls;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;

    private OperatorId newOperator() {
        return FakeData.user(operators, Role.OPERATOR, "en").id();
    }

    /** A call queued and offered to {@code operator}: it rings at them. */
    private CallRef ringingAt(OperatorId operator, CallId[] id) {
        CallRef ref = FakeData.newCallRef();
        id[0] = switchboard.arrived(ref, FakeData.phone(61), FakeData.HOTLINE_NUMBER);
        switchboard.ivrCompleted(ref);
        assertThat(switchboard.offered(id[0], operator)).isTrue();
        return ref;
    }

    @Test
    void theOperatorOnTheCallSwitchesOnceAndTheTimelineAndTheCallRowSayIt() {
        OperatorId operator = newOperator();
        CallId[] id = new CallId[1];
        CallRef ref = ringingAt(operator, id);
        assertThat(switchboard.answered(ref, operator)).isTrue();

        assertThat(quietMode.switchOn(id[0], operator)).isTrue();
        assertThat(quietMode.switchOn(id[0], operator)).as("switched again, from a second tab").isFalse();

        Call call = calls.load(id[0]).orElseThrow();
        assertThat(call.quietMode()).isTrue();
        assertThat(call.events()).filteredOn(e -> e.type() == CallEventType.QUIET_MODE).singleElement()
                .satisfies(e -> assertThat(e.operator()).isEqualTo(operator));
        assertThat(db.select(CALL.QUIET_MODE).from(CALL).where(CALL.ID.eq(id[0].value())).fetchOne(CALL.QUIET_MODE))
                .isTrue();
        // The script is used until the call ends: ending it stays the ordinary hang-up.
        assertThat(switchboard.ended(ref, "operator")).isTrue();
        assertThat(calls.load(id[0]).orElseThrow().outcome()).isEqualTo(CallOutcome.COMPLETED);
    }

    @Test
    void whileItRingsTheOperatorItRingsAtMaySwitchToo() {
        OperatorId operator = newOperator();
        CallId[] id = new CallId[1];
        ringingAt(operator, id);
        assertThat(quietMode.switchOn(id[0], operator)).isTrue();
        assertThat(calls.load(id[0]).orElseThrow().quietMode()).isTrue();
    }

    @Test
    void anotherOperatorAnEndedCallAndAnUnknownCallAreRefusedAndNothingIsStored() {
        OperatorId operator = newOperator();
        OperatorId other = newOperator();
        CallId[] id = new CallId[1];
        CallRef ref = ringingAt(operator, id);
        assertThat(switchboard.answered(ref, operator)).isTrue();
        int before = db.fetchCount(CALL_EVENT, CALL_EVENT.CALL_ID.eq(id[0].value()));

        assertThatThrownBy(() -> quietMode.switchOn(id[0], other)).isInstanceOf(SecurityException.class)
                .hasMessageContaining("only the operator");
        assertThatThrownBy(() -> quietMode.switchOn(CallId.random(), operator)).isInstanceOf(UnknownCall.class);
        assertThat(db.fetchCount(CALL_EVENT, CALL_EVENT.CALL_ID.eq(id[0].value()))).isEqualTo(before);

        assertThat(switchboard.ended(ref, "operator")).isTrue();
        assertThatThrownBy(() -> quietMode.switchOn(id[0], operator)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended");
        assertThat(calls.load(id[0]).orElseThrow().quietMode()).isFalse();
    }

    @Test
    void aCallerWhoPressedTheIvrDigitIsAlreadyInQuietModeAndTheSwitchAddsNothing() {
        OperatorId operator = newOperator();
        CallRef ref = FakeData.newCallRef();
        CallId id = switchboard.arrived(ref, FakeData.phone(62), FakeData.HOTLINE_NUMBER);
        assertThat(switchboard.ivrAnswered(ref, IvrQuestion.CANNOT_SPEAK_FREELY, "YES")).isTrue();
        switchboard.ivrCompleted(ref);
        switchboard.offered(id, operator);

        assertThat(quietMode.switchOn(id, operator)).isFalse();
        assertThat(calls.load(id).orElseThrow().quietMode()).isTrue();
        assertThat(calls.load(id).orElseThrow().events()).extracting(CallEvent::type)
                .doesNotContain(CallEventType.QUIET_MODE);
    }
}
