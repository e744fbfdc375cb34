package org.tiphotline.calllog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.tiphotline.calllog.CallLog.Cursor;
import org.tiphotline.calllog.CallLog.Filter;
import org.tiphotline.calllog.CallLog.Page;
import org.tiphotline.calllog.CallLog.Row;
import org.tiphotline.calls.CallEventType;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.calls.UnknownCall;
import org.tiphotline.intake.Intake;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.TestDatabase;

/**
 * The supervisors' call log over 250 calls stored through the switchboard: keyset paging, filters, roles.
 * Calls arrive in pairs at the same instant, so the id tie-break is exercised at page boundaries.
 */
@SpringJUnitConfig(CoreTestConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallLogTest {

    private static final int CALLS = 250;
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");

    @Autowired
    private CallLog log;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Intake intake;
    @Autowired
    private Operators operators;
    @Autowired
    private MutableClock clock;
    @Autowired
    private DSLContext db;

    private record Stored(CallId id, Instant arrivedAt, CallOutcome outcome, OperatorId operator) {}

    private final List<Stored> stored = new ArrayList<>();
    private Operator operatorA;
    private Operator operatorB;
    private Actor supervisor;
    private Actor dataManager;

    private static Instant arrival(int i) {
        return T0.plus(Duration.ofMinutes(i / 2));
    }

    @BeforeAll
    void storeCalls() {
        TestDatabase.get().reset();
        operatorA = FakeData.user(operators, Role.OPERATOR, "en");
        operatorB = FakeData.user(operators, Role.OPERATOR, "es");
        supervisor = FakeData.actor(FakeData.user(operators, Role.SUPERVISOR));
        dataManager = FakeData.actor(FakeData.user(operators, Role.DATA_MANAGER));
        for (int i = 0; i < CALLS; i++) {
            Instant at = arrival(i);
            clock.set(at);
            CallRef ref = FakeData.newCallRef();
            CallId id = switchboard.arrived(ref, FakeData.phone(i % 100), FakeData.HOTLINE_NUMBER);
            switch (i % 5) {
                case 0 -> {
                    clock.set(at.plusSeconds(5));
                    switchboard.callerHungUp(ref);
                    stored.add(new Stored(id, at, CallOutcome.ABANDONED_IN_IVR, null));
                }
                case 1, 2 -> {
                    Operator operator = i % 5 == 1 ? operatorA : operatorB;
                    switchboard.ivrAnswered(ref, IvrQuestion.LANGUAGE, operator.languages().getFirst());
                    clock.set(at.plusSeconds(10));
                    switchboard.ivrCompleted(ref);
                    clock.set(at.plusSeconds(20));
                    switchboard.offered(id, operator.id());
                    clock.set(at.plusSeconds(30));
                    switchboard.answered(ref, operator.id());
                    clock.set(at.plusSeconds(130));
                    switchboard.ended(ref, "operator");
                    stored.add(new Stored(id, at, CallOutcome.COMPLETED, operator.id()));
                }
                case 3 -> {
                    clock.set(at.plusSeconds(10));
                    switchboard.ivrCompleted(ref);
                    clock.set(at.plusSeconds(70));
                    switchboard.callerHungUp(ref);
                    stored.add(new Stored(id, at, CallOutcome.ABANDONED_IN_QUEUE, null));
                }
                default -> {
                    clock.set(at.plusSeconds(10));
                    switchboard.ivrCompleted(ref);
                    clock.set(at.plusSeconds(40));
                    switchboard.ended(ref, "reconciled: no longer live at sim");
                    stored.add(new Stored(id, at, CallOutcome.LOST, null));
                }
            }
        }
    }

    @BeforeEach
    void later() {
        clock.set(T0.plus(Duration.ofDays(1)));
    }

    /** Newest first, ties by id in PostgreSQL's uuid order (which is the order of the canonical text). */
    private List<CallId> expected(Predicate<Stored> which) {
        return stored.stream().filter(which)
                .sorted(Comparator.comparing(Stored::arrivedAt).thenComparing(s -> s.id().toString()).reversed())
                .map(Stored::id).toList();
    }

    /** Pages through the log as the console would: the cursor travels as text between requests. */
    private List<Row> all(Actor actor, Filter filter, int limit) {
        List<Row> rows = new ArrayList<>();
        Cursor after = null;
        for (int pages = 0; pages <= CALLS; pages++) {
            Page page = log.page(actor, filter, after, limit);
            assertThat(page.rows()).hasSizeLessThanOrEqualTo(limit);
            rows.addAll(page.rows());
            if (page.next() == null) {
                return rows;
            }
            assertThat(page.rows()).hasSize(limit);
            after = Cursor.parse(page.next().toString());
        }
        throw new AssertionError("paging did not end");
    }

    private static Filter none() {
        return new Filter(null, null, null, null);
    }

    @Test
    void pagingReturnsEveryCallExactlyOnceNewestFirst() {
        List<Row> rows = all(supervisor, none(), 37);

        assertThat(rows).hasSize(CALLS);
        assertThat(rows).extracting(Row::call).doesNotHaveDuplicates().containsExactlyElementsOf(expected(s -> true));
        assertThat(rows).extracting(Row::arrivedAt).isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void onePageHoldsEverythingWhenTheLimitAllows() {
        Page first = log.page(dataManager, none(), null, 200);
        assertThat(first.rows()).hasSize(200);
        assertThat(first.next()).isNotNull();
        Page rest = log.page(dataManager, none(), first.next(), 200);
        assertThat(rest.rows()).hasSize(50);
        assertThat(rest.next()).isNull();
    }

    @Test
    void filteringByOutcomeShowsOnlyThoseCalls() {
        List<Row> completed = all(supervisor, new Filter(null, null, CallOutcome.COMPLETED, null), 30);
        assertThat(completed).extracting(Row::call)
                .containsExactlyElementsOf(expected(s -> s.outcome() == CallOutcome.COMPLETED)).hasSize(100);
        assertThat(completed).extracting(Row::outcome).containsOnly(CallOutcome.COMPLETED);

        List<Row> abandoned = all(supervisor, new Filter(null, null, CallOutcome.ABANDONED_IN_QUEUE, null), 30);
        assertThat(abandoned).extracting(Row::call)
                .containsExactlyElementsOf(expected(s -> s.outcome() == CallOutcome.ABANDONED_IN_QUEUE)).hasSize(50);

        assertThat(all(supervisor, new Filter(null, null, CallOutcome.TRANSFERRED, null), 30)).isEmpty();
    }

    @Test
    void filteringByOperatorShowsOnlyTheCallsTheyTook() {
        List<Row> rows = all(supervisor, new Filter(null, null, null, operatorA.id()), 25);

        assertThat(rows).extracting(Row::call)
                .containsExactlyElementsOf(expected(s -> operatorA.id().equals(s.operator()))).hasSize(50);
        assertThat(rows).extracting(Row::operatorName).containsOnly(operatorA.displayName());
    }

    @Test
    void filteringByDateShowsCallsFromTheStartUpToButExcludingTheEnd() {
        Instant from = arrival(60);
        Instant to = arrival(100);
        List<Row> rows = all(supervisor, new Filter(from, to, null, null), 15);

        assertThat(rows).extracting(Row::call).containsExactlyElementsOf(
                expected(s -> !s.arrivedAt().isBefore(from) && s.arrivedAt().isBefore(to))).hasSize(40);

        List<Row> completedInWindow = all(supervisor, new Filter(from, to, CallOutcome.COMPLETED, operatorB.id()),
                15);
        assertThat(completedInWindow).extracting(Row::call).containsExactlyElementsOf(expected(
                s -> !s.arrivedAt().isBefore(from) && s.arrivedAt().isBefore(to) && operatorB.id().equals(s.operator())))
                .hasSize(8);
    }

    @Test
    void aRowShowsWhatHappenedWithTheNumberMasked() {
        Map<CallId, Row> rows = new HashMap<>();
        all(supervisor, none(), 200).forEach(r -> rows.put(r.call(), r));

        Row completed = rows.get(stored.get(1).id());
        assertThat(completed.state()).isEqualTo("ENDED");
        assertThat(completed.outcome()).isEqualTo(CallOutcome.COMPLETED);
        assertThat(completed.waitSeconds()).isEqualTo(20);
        assertThat(completed.talkSeconds()).isEqualTo(100);
        assertThat(completed.operatorName()).isEqualTo(operatorA.displayName());
        assertThat(completed.language()).isEqualTo("en");
        assertThat(completed.callerMask()).isEqualTo("•••• 01");
        assertThat(completed.provider()).isEqualTo("sim");

        Row inIvr = rows.get(stored.get(0).id());
        assertThat(inIvr.outcome()).isEqualTo(CallOutcome.ABANDONED_IN_IVR);
        assertThat(inIvr.waitSeconds()).isZero();
        assertThat(inIvr.talkSeconds()).isZero();
        assertThat(inIvr.operatorName()).isNull();

        Row inQueue = rows.get(stored.get(3).id());
        assertThat(inQueue.waitSeconds()).isEqualTo(60);
        assertThat(inQueue.outcome()).isEqualTo(CallOutcome.ABANDONED_IN_QUEUE);

        assertThat(rows.values()).allSatisfy(r -> assertThat(r.callerMask()).matches("•••• \\d\\d"));
    }

    @Test
    void aRowShowsTheReportOfTheCall() {
        Stored call = stored.get(6); // answered; call 7 arrived at the same instant and was answered too
        var report = intake.openDraft(call.id(), call.operator());

        Row row = log.page(supervisor, new Filter(call.arrivedAt(), call.arrivedAt().plusSeconds(1),
                CallOutcome.COMPLETED, call.operator()), null, 10).rows().getFirst();
        assertThat(row.call()).isEqualTo(call.id());
        assertThat(row.report()).isEqualTo(report);
        assertThat(row.reportStatus()).isEqualTo("DRAFT");
    }

    @Test
    void theDetailShowsTheTimelineAndWhoTookPart() {
        Stored call = stored.get(1);
        CallLog.Detail detail = log.detail(dataManager, call.id());

        assertThat(detail.summary().call()).isEqualTo(call.id());
        assertThat(detail.timeline()).extracting(e -> e.type()).containsExactly(CallEventType.ARRIVED,
                CallEventType.IVR_ANSWER, CallEventType.QUEUED, CallEventType.OFFERED, CallEventType.ANSWERED,
                CallEventType.ENDED);
        assertThat(detail.ivrPath()).containsExactly(Map.entry("LANGUAGE", "en"));
        assertThat(detail.operatorNames()).containsExactly(Map.entry(operatorA.id().value(), operatorA.displayName()));
        assertThatThrownBy(() -> log.detail(dataManager, CallId.random()))
                .isInstanceOf(UnknownCall.class);
    }

    @Test
    void onlySupervisorsAndDataManagersMayReadTheLog() {
        for (Role role : Set.of(Role.OPERATOR, Role.ADMIN)) {
            Actor actor = new Actor(operatorA.id(), "someone", role);
            assertThatThrownBy(() -> log.page(actor, none(), null, 10)).as(role.name())
                    .isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> log.detail(actor, stored.getFirst().id())).as(role.name())
                    .isInstanceOf(SecurityException.class);
        }
        assertThat(log.page(supervisor, none(), null, 10).rows()).hasSize(10);
        assertThat(log.page(dataManager, none(), null, 10).rows()).hasSize(10);
    }

    @Test
    void pageSizeAndCursorsAreChecked() {
        assertThatThrownBy(() -> log.page(supervisor, none(), null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.page(supervisor, none(), null, 201)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cursor.parse("not-a-cursor")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cursor.parse("123_not-a-uuid")).isInstanceOf(IllegalArgumentException.class);
        Cursor cursor = new Cursor(Instant.parse("2025-03-03T00:01:02.123456Z"), stored.getFirst().id().value());
        assertThat(Cursor.parse(cursor.toString())).isEqualTo(cursor);
    }

    /** Calls i, i + 100 and i + 200 came from {@code FakeData.phone(i)}. */
    private List<CallId> fromPhone(int n, Predicate<Stored> also) {
        List<Stored> byIndex = stored;
        return expected(st -> byIndex.indexOf(st) % 100 == n && also.test(st));
    }

    private int callerSearchAudits() {
        return db.fetchCount(db.selectFrom("hotline.audit_log").where("entity = 'call_log'"));
    }

    @Test
    void searchingByCallerNumberFindsThatCallersCallsHoweverTheNumberIsWritten() {
        int audits = callerSearchAudits();
        // FakeData.phone(7) is "+1 (555) 010-0107"; the supervisor types it another way.
        Filter byCaller = new Filter(null, null, null, null, "+1 555 010 0107");
        List<Row> rows = all(supervisor, byCaller, 2);
        assertThat(rows).extracting(Row::call).containsExactlyElementsOf(fromPhone(7, st -> true)).hasSize(3);
        assertThat(rows).allSatisfy(r -> assertThat(r.callerMask()).isEqualTo("•••• 07"));
        // Two pages, two searches, two audit rows; they say who searched, never for which number.
        assertThat(callerSearchAudits()).isEqualTo(audits + 2);
        var audit = db.fetch("select actor, action, entity_id, fields::text from hotline.audit_log "
                + "where entity = 'call_log' order by id desc limit 1").getFirst();
        assertThat(audit.get(0)).isEqualTo(supervisor.username());
        assertThat(audit.get(1)).isEqualTo("READ");
        assertThat(audit.intoList().toString()).doesNotContain("0107").doesNotContain("555");
        assertThat(byCaller.toString()).doesNotContain("0107");

        assertThat(log.page(supervisor, new Filter(null, null, null, null, "+1 555 010 9999"), null, 50).rows())
                .isEmpty();
    }

    @Test
    void searchingByCallerNumberCombinesWithTheOtherFilters() {
        Instant from = arrival(100);
        List<Row> later = all(supervisor, new Filter(from, null, null, null, "+15550100107"), 50);
        assertThat(later).extracting(Row::call)
                .containsExactlyElementsOf(fromPhone(7, st -> !st.arrivedAt().isBefore(from))).hasSize(2);
        // Call 7 and its repeats were answered by operator B (i % 5 == 2).
        assertThat(all(supervisor, new Filter(null, null, CallOutcome.COMPLETED, operatorB.id(), "+15550100107"),
                50)).hasSize(3);
        assertThat(all(supervisor, new Filter(null, null, CallOutcome.COMPLETED, operatorA.id(), "+15550100107"),
                50)).isEmpty();
        assertThat(all(supervisor, new Filter(null, null, CallOutcome.ABANDONED_IN_QUEUE, null, "+15550100107"),
                50)).isEmpty();
    }

    @Test
    void aSearchByCallerNeedsANumberAndASupervisor() {
        int audits = callerSearchAudits();
        for (String garbage : List.of("anonymous", "12", "+1", "1234567890123456789012")) {
            assertThatThrownBy(() -> log.page(supervisor, new Filter(null, null, null, null, garbage), null, 10))
                    .as(garbage).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caller must be")
                    .hasMessageNotContaining(garbage);
        }
        assertThatThrownBy(() -> log.page(dataManager, new Filter(null, null, null, null, "+15550100107"), null,
                10)).isInstanceOf(SecurityException.class);
        assertThat(callerSearchAudits()).as("refused searches read nothing").isEqualTo(audits);
    }
}
