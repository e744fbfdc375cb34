package org.tiphotline.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.AUDIT_LOG;
import static org.tiphotline.db.Tables.CALLBACK_ATTEMPT;
import static org.tiphotline.db.Tables.CALLBACK_REFUSAL;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLBACK_TASK_CALL;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.callbacks.CallbackTask.DoNotCall;
import org.tiphotline.callbacks.CallbackTask.Outcome;
import org.tiphotline.callbacks.CallbackTask.Status;
import org.tiphotline.callbacks.CallbackTasks.Reason;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;

/**
 * The callback queue on a real PostgreSQL: which unanswered calls become tasks and which are do-not-call, one task
 * per number, urgent first, safe hours on the jurisdiction's clock (America/Jamaica, UTC-5, window 08:00-20:00),
 * the attempts limit, and what each outcome does.
 */
@SpringJUnitConfig({CoreTestConfiguration.class, CallbackQueueTest.Config.class})
class CallbackQueueTest {

    /** 10:00 in Kingston: inside the safe hours. */
    private static final Instant MORNING = Instant.parse("2025-03-03T15:00:00Z");

    @Configuration(proxyBeanMethods = false)
    // The real dialer needs the router and the telephony ports; its own tests (cbdial) cover it.
    @ComponentScan(basePackages = "org.tiphotline.callbacks", excludeFilters = @ComponentScan.Filter(
            type = FilterType.ASSIGNABLE_TYPE, classes = CallbackDials.class))
    static class Config {
        @Bean
        CallbackSettings callbackSettings() {
            return new CallbackSettings("08:00-20:00", 3);
        }

        @Bean
        RecordingDialer dialer(Switchboard switchboard) {
            return new RecordingDialer(switchboard);
        }
    }

    /** Our own port, faked: stores a real call for each dial (attempts refer to it) and remembers what it dialled. */
    static final class RecordingDialer implements CallbackDialer {
        final List<String> dials = new ArrayList<>();
        private final Switchboard switchboard;
        volatile boolean fail;

        RecordingDialer(Switchboard switchboard) {
            this.switchboard = switchboard;
        }

        @Override
        public CallId dial(UUID task, CallId earlierCall, OperatorId operator) {
            if (fail) {
                throw new IllegalStateException("the operator has no phone to ring");
            }
            dials.add(task + " " + earlierCall + " " + operator.value());
            return switchboard.arrived(FakeData.newCallRef(), null, FakeData.HOTLINE_NUMBER);
        }
    }

    @Autowired
    private Switchboard switchboard;
    @Autowired
    private CallbackQueue queue;
    @Autowired
    private CallbackWork work;
    @Autowired
    private CallbackTasks tasks;
    @Autowired
    private RecordingDialer dialer;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private DSLContext db;

    private Actor operator;

    @BeforeEach
    void start() {
        clock.set(MORNING);
        dialer.dials.clear();
        dialer.fail = false;
        db.deleteFrom(CALLBACK_ATTEMPT).execute();
        db.deleteFrom(CALLBACK_TASK_CALL).execute();
        db.deleteFrom(CALLBACK_REFUSAL).execute();
        db.deleteFrom(CALLBACK_TASK).execute();
        operator = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));
    }

    /** A call that answers the IVR as given ({@code null}: hung up before that question) and then waits. */
    private CallRef waiting(int number, String danger, String safe) {
        CallRef ref = FakeData.newCallRef();
        switchboard.arrived(ref, number < 0 ? null : FakeData.phone(number), FakeData.HOTLINE_NUMBER);
        switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, "en");
        if (danger != null) {
            switchboard.ivrAnswered(ref, IvrQuestion.IMMEDIATE_DANGER, danger);
        }
        if (safe != null) {
            switchboard.ivrAnswered(ref, IvrQuestion.SAFE_TO_CALL_BACK, safe);
        }
        return ref;
    }

    private CallbackTask abandonedInQueue(int number, String danger, String safe) {
        CallRef ref = waiting(number, danger, safe);
        switchboard.ivrCompleted(ref);
        clock.advance(java.time.Duration.ofSeconds(30));
        switchboard.callerHungUp(ref);
        return queue.forCall(switchboard.arrived(ref, number < 0 ? null : FakeData.phone(number),
                FakeData.HOTLINE_NUMBER)).orElseThrow();
    }

    private CallbackTask only() {
        assertThat(queue.open()).hasSize(1);
        return queue.open().getFirst();
    }

    @Test
    void everyWayOfGoingUnansweredOpensATaskForItsReason() {
        // In the IVR, after the danger question.
        CallRef ivr = waiting(41, "NO", "YES");
        switchboard.callerHungUp(ivr);
        clock.advance(java.time.Duration.ofMinutes(1));
        // In the queue.
        CallRef queued = waiting(42, "NO", "YES");
        switchboard.ivrCompleted(queued);
        switchboard.callerHungUp(queued);
        clock.advance(java.time.Duration.ofMinutes(1));
        // While it rang at an operator.
        CallRef ringing = waiting(43, "NO", "YES");
        switchboard.ivrCompleted(ringing);
        switchboard.offered(switchboard.arrived(ringing, FakeData.phone(43), FakeData.HOTLINE_NUMBER), operator.id());
        switchboard.callerHungUp(ringing);
        clock.advance(java.time.Duration.ofMinutes(1));
        // Lost: ended with nobody answering and nobody hanging up (offers timed out, the provider dropped it).
        CallRef lost = waiting(44, "NO", "YES");
        switchboard.ivrCompleted(lost);
        switchboard.ended(lost, "provider");
        clock.advance(java.time.Duration.ofMinutes(1));
        // A voicemail, through the existing path.
        CallRef voicemail = waiting(45, "NO", "YES");
        switchboard.ivrCompleted(voicemail);
        switchboard.transferred(voicemail, "fallback line");
        switchboard.ended(voicemail, "fallback");
        tasks.open(switchboard.arrived(voicemail, FakeData.phone(45), FakeData.HOTLINE_NUMBER), Reason.VOICEMAIL,
                "twilio:RE" + "0".repeat(32), "system:twilio");

        assertThat(queue.open()).extracting(CallbackTask::reason).containsExactly(Reason.ABANDONED_IN_IVR,
                Reason.ABANDONED_IN_QUEUE, Reason.ABANDONED_RINGING, Reason.LOST, Reason.VOICEMAIL);
        assertThat(queue.open()).allSatisfy(t -> {
            assertThat(t.doNotCall()).isNull();
            assertThat(t.status()).isEqualTo(Status.WAITING);
            assertThat(t.callerMask()).startsWith("••••").doesNotContain("555");
            assertThat(t.calls()).isEqualTo(1);
        });
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("callback_task"))).as("the recording's creation")
                .isEqualTo(1);
    }

    @Test
    void aHangUpBeforeTheDangerQuestionAndAnAnsweredCallOpenNothing() {
        CallRef early = waiting(46, null, null);
        switchboard.callerHungUp(early);
        CallRef answered = waiting(47, "NO", "YES");
        switchboard.ivrCompleted(answered);
        CallId id = switchboard.arrived(answered, FakeData.phone(47), FakeData.HOTLINE_NUMBER);
        switchboard.offered(id, operator.id());
        switchboard.answered(answered, operator.id());
        switchboard.callerHungUp(answered);

        assertThat(queue.open()).isEmpty();
    }

    @Test
    void callersWhoSaidNoDidNotAnswerOrWithheldTheirNumberAreListedAsDoNotCallAndCannotBeTaken() {
        abandonedInQueue(48, "NO", "NO");
        abandonedInQueue(49, "NO", null);
        abandonedInQueue(-1, "YES", null);
        abandonedInQueue(50, "NO", "YES");

        List<CallbackTask> open = queue.open();
        assertThat(open).extracting(CallbackTask::doNotCall).containsExactly(null, DoNotCall.WITHHELD,
                DoNotCall.SAID_NO, DoNotCall.NOT_ASKED);
        for (CallbackTask t : open.subList(1, 4)) {
            assertThat(t.status()).isEqualTo(Status.DO_NOT_CALL);
            assertThat(t.dueAt()).isNull();
            assertThatThrownBy(() -> work.take(t.id(), operator)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("must not be called");
        }
        assertThat(dialer.dials).as("nothing dialled").isEmpty();
        assertThat(db.fetchCount(CALLBACK_ATTEMPT)).isZero();

        CallbackTask noted = work.noted(open.get(2).id(), operator);
        assertThat(noted.closedAs()).isEqualTo(CallbackTask.ClosedAs.NOTED);
        assertThatThrownBy(() -> work.noted(open.getFirst().id(), operator)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only a callback marked do-not-call");
    }

    @Test
    void repeatedCallsFromOneNumberCollapseIntoOneTaskDialledOnTheLatestCall() {
        CallRef first = waiting(51, "NO", "YES");
        switchboard.callerHungUp(first);
        clock.advance(java.time.Duration.ofMinutes(5));
        CallRef second = waiting(51, "YES", "YES");
        switchboard.ivrCompleted(second);
        switchboard.callerHungUp(second);
        CallId secondId = switchboard.arrived(second, FakeData.phone(51), FakeData.HOTLINE_NUMBER);

        CallbackTask task = only();
        assertThat(task.calls()).isEqualTo(2);
        assertThat(task.latestCall()).isEqualTo(secondId);
        assertThat(task.reason()).isEqualTo(Reason.ABANDONED_IN_QUEUE);
        assertThat(task.urgent()).as("a danger answer in any of the calls").isTrue();
        assertThat(task.firstCallAt()).isBefore(task.lastCallAt());
        // The same ending reported again adds nothing.
        assertThat(tasks.open(secondId, Reason.ABANDONED_IN_QUEUE, null, "system:test")).isFalse();
        assertThat(only().calls()).isEqualTo(2);

        // The latest safety answer wins: a caller who now says "not safe" is not called on an earlier "yes".
        abandonedInQueue(51, "NO", "NO");
        assertThat(only().doNotCall()).isEqualTo(DoNotCall.SAID_NO);
        assertThat(only().calls()).isEqualTo(3);
    }

    @Test
    void urgentCallsComeFirstThenTheOldest() {
        abandonedInQueue(52, "NO", "YES");
        clock.advance(java.time.Duration.ofMinutes(1));
        CallRef urgent = waiting(53, "YES", "YES");
        switchboard.ivrCompleted(urgent);
        switchboard.callerHungUp(urgent);
        clock.advance(java.time.Duration.ofMinutes(1));
        CallRef later = waiting(54, "NO", "YES");
        switchboard.ivrCompleted(later);
        switchboard.callerHungUp(later);

        assertThat(queue.open()).extracting(CallbackTask::callerMask).containsExactly("•••• 53", "•••• 52",
                "•••• 54");
    }

    @Test
    void outsideTheSafeHoursATaskShowsWhenItIsDueAndCannotBeTakenUntilThen() {
        clock.set(Instant.parse("2025-03-04T02:30:00Z")); // 21:30 in Kingston
        CallbackTask task = abandonedInQueue(55, "YES", "YES");

        assertThat(task.status()).isEqualTo(Status.LATER);
        assertThat(task.dueAt()).isEqualTo(Instant.parse("2025-03-04T13:00:00Z")); // 08:00 the next morning
        assertThatThrownBy(() -> work.take(task.id(), operator)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside the safe hours").hasMessageContaining("Tue 4 Mar 08:00");
        assertThat(dialer.dials).isEmpty();

        clock.set(Instant.parse("2025-03-04T13:00:00Z"));
        assertThat(queue.find(task.id()).orElseThrow().status()).isEqualTo(Status.WAITING);
        assertThat(work.take(task.id(), operator).status()).isEqualTo(Status.TAKEN);
        assertThat(dialer.dials).containsExactly(task.id() + " " + task.latestCall() + " " + operator.id().value());
    }

    @Test
    void aTakenTaskIsNobodyElsesUntilReleasedAndAFailedDialGivesItBack() {
        CallbackTask task = abandonedInQueue(56, "NO", "YES");
        Actor other = FakeData.actor(FakeData.user(operators, Role.OPERATOR, "en"));

        CallbackTask taken = work.take(task.id(), operator);
        assertThat(taken.takenBy()).isEqualTo(operator.id());
        assertThat(taken.dialledCall()).isNotNull();
        assertThatThrownBy(() -> work.take(task.id(), other)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already calling");
        assertThatThrownBy(() -> work.release(task.id(), other)).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> work.record(task.id(), Outcome.REACHED, other)).isInstanceOf(SecurityException.class);

        assertThat(work.release(task.id(), operator).status()).isEqualTo(Status.WAITING);
        dialer.fail = true;
        assertThatThrownBy(() -> work.take(task.id(), other)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no phone");
        CallbackTask back = queue.find(task.id()).orElseThrow();
        assertThat(back.status()).isEqualTo(Status.WAITING);
        assertThat(back.attempts()).as("neither a release nor a failed dial is an attempt").isZero();
    }

    @Test
    void attemptsThatReachNobodyCloseTheTaskAsNotReachedAtTheLimit() {
        CallbackTask task = abandonedInQueue(57, "NO", "YES");

        work.take(task.id(), operator);
        assertThat(work.record(task.id(), Outcome.NO_ANSWER, operator).attempts()).isEqualTo(1);
        work.take(task.id(), operator);
        assertThat(work.record(task.id(), Outcome.SOMEONE_ELSE, operator).attempts()).isEqualTo(2);
        CallbackTask third = work.take(task.id(), operator);
        // The dialled line itself reports nobody answered.
        work.notReached(third.dialledCall());

        CallbackTask closed = queue.find(task.id()).orElseThrow();
        assertThat(closed.attempts()).isEqualTo(3);
        assertThat(closed.closedAs()).isEqualTo(CallbackTask.ClosedAs.NOT_REACHED);
        assertThat(queue.open()).isEmpty();
        assertThatThrownBy(() -> work.take(task.id(), operator)).hasMessageContaining("already closed");
        // A new unanswered call from the same number is a new task.
        abandonedInQueue(57, "NO", "YES");
    }

    @Test
    void reachedClosesAndAskedNotToBeCalledMarksTheNumberForever() {
        CallbackTask reached = abandonedInQueue(58, "NO", "YES");
        work.take(reached.id(), operator);
        assertThat(work.record(reached.id(), Outcome.REACHED, operator).closedAs())
                .isEqualTo(CallbackTask.ClosedAs.REACHED);
        assertThat(db.fetchCount(AUDIT_LOG, AUDIT_LOG.ENTITY.eq("callback_task")
                .and(AUDIT_LOG.ENTITY_ID.eq(reached.id().toString())))).isEqualTo(1);

        CallbackTask refused = abandonedInQueue(59, "NO", "YES");
        work.take(refused.id(), operator);
        assertThat(work.record(refused.id(), Outcome.ASKED_NOT_TO_BE_CALLED, operator).closedAs())
                .isEqualTo(CallbackTask.ClosedAs.ASKED_NOT_TO_BE_CALLED);
        CallbackTask again = abandonedInQueue(59, "NO", "YES");
        assertThat(again.doNotCall()).as("even after a new yes").isEqualTo(DoNotCall.ASKED_NOT_TO_BE_CALLED);
    }

    @Test
    void anAgencyRequestPutsTheTaskFirstAndSaysWhoAsked() {
        abandonedInQueue(60, "NO", "YES");
        CallRef ref = waiting(61, "NO", "YES");
        switchboard.ivrCompleted(ref);
        switchboard.callerHungUp(ref);
        CallId call = switchboard.arrived(ref, FakeData.phone(61), FakeData.HOTLINE_NUMBER);

        assertThat(work.requestedByAgency(call, "test-police").orElseThrow().requestedBy()).isEqualTo("test-police");
        assertThat(queue.open().getFirst().callerMask()).isEqualTo("•••• 61");
        assertThat(queue.forCall(call).orElseThrow().urgent()).isTrue();
        assertThat(work.requestedByAgency(CallId.random(), "test-police")).isEmpty();
    }

    @Test
    void settingsRefuseAWindowThatIsNotOne() {
        assertThatThrownBy(() -> new CallbackSettings("8-20", 3)).hasMessageContaining("08:00-20:00");
        assertThatThrownBy(() -> new CallbackSettings("08:00-08:00", 3)).hasMessageContaining("two different");
        assertThatThrownBy(() -> new CallbackSettings("08:00-20:00", 0)).hasMessageContaining("max-attempts");
    }
}
