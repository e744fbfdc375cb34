package org.tiphotline.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.CannotCreateTransactionException;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.RecordedEvents;

/**
 * Provider reports kept while the database is away, on a real PostgreSQL. "Away" is what Spring throws when no
 * connection can be had ({@link CannotCreateTransactionException}), raised in front of the real switchboard while
 * a flag says so; the reports themselves are stored by the real switchboard once it is cleared.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
class PendingReportsTest {

    @Autowired
    private PendingReports pending;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Calls calls;
    @Autowired
    private MutableClock clock;
    @Autowired
    private RecordedEvents events;

    private final AtomicBoolean away = new AtomicBoolean();

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START);
        away.set(false);
        pending.retryNow();
        events.clear();
    }

    /** The report, failing as a database that is away does while {@link #away} is set. */
    private BooleanSupplier whenUp(BooleanSupplier report) {
        return () -> {
            if (away.get()) {
                throw new CannotCreateTransactionException("no connection (test: the database is away)");
            }
            return report.getAsBoolean();
        };
    }

    @Test
    void aReportTheDatabaseCouldNotTakeIsStoredWhenItIsBackAndTheCallsLaterReportsWaitBehindIt() {
        CallRef ref = FakeData.newCallRef();
        CallId id = switchboard.arrived(ref, "anonymous", FakeData.HOTLINE_NUMBER);
        away.set(true);

        assertThat(pending.report(ref, "ivrAnswered", whenUp(() -> switchboard.ivrAnswered(ref,
                IvrQuestion.IMMEDIATE_DANGER, "YES")))).isFalse();
        away.set(false);
        // The database is back, but the danger answer is still waiting: "queued" must not overtake it, or the call
        // would be routed as not urgent and the answer refused afterwards.
        assertThat(pending.report(ref, "ivrCompleted", whenUp(() -> switchboard.ivrCompleted(ref)))).isFalse();
        assertThat(calls.load(id).orElseThrow().state()).isEqualTo(CallState.IVR);

        pending.retryNow();

        Call call = calls.load(id).orElseThrow();
        assertThat(call.events()).extracting(CallEvent::type)
                .containsExactly(CallEventType.ARRIVED, CallEventType.IVR_ANSWER, CallEventType.QUEUED);
        assertThat(call.urgent()).isTrue();
        assertThat(call.state()).isEqualTo(CallState.QUEUED);
        assertThat(events.ofType(Call.Queued.class)).singleElement()
                .satisfies(queued -> assertThat(queued.urgent()).isTrue());
        assertThat(pending.waiting()).isZero();
    }

    @Test
    void whileOneCallWaitsOtherCallsAreStoredAtOnce() {
        CallRef waiting = FakeData.newCallRef();
        CallRef other = FakeData.newCallRef();
        switchboard.arrived(waiting, "anonymous", FakeData.HOTLINE_NUMBER);
        CallId otherId = switchboard.arrived(other, "anonymous", FakeData.HOTLINE_NUMBER);
        away.set(true);
        pending.report(waiting, "ivrCompleted", whenUp(() -> switchboard.ivrCompleted(waiting)));
        away.set(false);

        assertThat(pending.report(other, "ivrCompleted", whenUp(() -> switchboard.ivrCompleted(other)))).isTrue();

        assertThat(calls.load(otherId).orElseThrow().state()).isEqualTo(CallState.QUEUED);
        pending.retryNow();
        assertThat(calls.idOf(waiting).flatMap(calls::load).orElseThrow().state()).isEqualTo(CallState.QUEUED);
    }

    @Test
    void anArrivalKeptWhileTheDatabaseIsAwayIsStoredWithEverythingAfterIt() {
        CallRef ref = FakeData.newCallRef();
        away.set(true);
        pending.report(ref, "arrived", whenUp(() -> {
            switchboard.arrived(ref, "anonymous", FakeData.HOTLINE_NUMBER);
            return true;
        }));
        pending.report(ref, "ivrAnswered", whenUp(() -> switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en")));
        pending.report(ref, "ivrCompleted", whenUp(() -> switchboard.ivrCompleted(ref)));
        assertThat(calls.idOf(ref)).isEmpty();
        assertThat(pending.waiting()).isGreaterThanOrEqualTo(3);

        away.set(false);
        pending.retryNow();

        Call call = calls.idOf(ref).flatMap(calls::load).orElseThrow();
        assertThat(call.events()).extracting(CallEvent::type)
                .containsExactly(CallEventType.ARRIVED, CallEventType.IVR_ANSWER, CallEventType.QUEUED);
        assertThat(call.language()).isEqualTo("en");
    }

    @Test
    void reportsLeftForLaterAreStoredInOrderOnceTheDatabaseIsThere() {
        CallRef ref = FakeData.newCallRef();
        away.set(true);
        pending.later(ref, "arrived", whenUp(() -> {
            switchboard.arrived(ref, "anonymous", FakeData.HOTLINE_NUMBER);
            return true;
        }));
        pending.later(ref, "transferred", whenUp(() -> switchboard.transferred(ref, "fallback line")));
        pending.later(ref, "ended", whenUp(() -> switchboard.ended(ref, "fallback")));
        pending.retryNow();
        assertThat(calls.idOf(ref)).isEmpty();

        away.set(false);
        pending.retryNow();

        Call call = calls.idOf(ref).flatMap(calls::load).orElseThrow();
        assertThat(call.events()).extracting(CallEvent::type)
                .containsExactly(CallEventType.ARRIVED, CallEventType.TRANSFERRED, CallEventType.ENDED);
        assertThat(call.outcome()).isEqualTo(CallOutcome.TRANSFERRED);
    }

    @Test
    void aReportRefusedForWhatItSaysIsNotKept() {
        CallRef ref = FakeData.newCallRef();
        assertThatThrownBy(() -> pending.report(ref, "arrived", () -> {
            throw new DataIntegrityViolationException("test: a constraint refused the row");
        })).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(pending.waiting()).isZero();
        // An unknown call is the core's refusal too: thrown to the adapter, not kept.
        assertThatThrownBy(() -> pending.report(ref, "ivrCompleted", () -> switchboard.ivrCompleted(ref)))
                .isInstanceOf(UnknownCall.class);
        assertThat(pending.waiting()).isZero();
    }

    @Test
    void aReportIsGivenUpWhenTheDatabaseStaysAwayPastTheLimit() {
        CallRef ref = FakeData.newCallRef();
        switchboard.arrived(ref, "anonymous", FakeData.HOTLINE_NUMBER);
        away.set(true);
        pending.report(ref, "ivrCompleted", whenUp(() -> switchboard.ivrCompleted(ref)));
        pending.retryNow();
        assertThat(pending.waiting()).isEqualTo(1);

        clock.advance(PendingReports.GIVE_UP_AFTER.plus(Duration.ofMinutes(1)));
        pending.retryNow();

        assertThat(pending.waiting()).isZero();
        away.set(false);
        pending.retryNow();
        assertThat(calls.idOf(ref).flatMap(calls::load).orElseThrow().events()).extracting(CallEvent::type)
                .isEqualTo(List.of(CallEventType.ARRIVED));
    }
}
