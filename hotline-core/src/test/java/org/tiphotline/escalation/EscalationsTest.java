package org.tiphotline.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.ESCALATION_ALERT;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.testing.CoreTestConfiguration;
import org.tiphotline.testing.FakeData;
import org.tiphotline.testing.MutableClock;
import org.tiphotline.testing.RecordedEvents;

/**
 * Escalations on the real test database with a clock the test moves: deadlines, rounds through the agency's
 * channels, acknowledgement by the right agency only, closing, and deadlines kept across a restart.
 */
@SpringJUnitConfig(EscalationsTest.Config.class)
class EscalationsTest {

    static final String SUPERVISORS_MAILBOX = "supervisors@hotline.example.test";
    static final String CALLBACK_LINE = "+15550100999";

    @Configuration(proxyBeanMethods = false)
    @Import(CoreTestConfiguration.class)
    static class Config {
        @Bean
        Directory directory() {
            return new Directory(List.of(
                    new Directory.Agency("test-police", "Test Police (fake)", Set.of(Directory.Role.POLICE),
                            "+15550100119", List.of(
                                    new Directory.Alert(Directory.Channel.WEBHOOK, "https://police.example.test/hook"),
                                    new Directory.Alert(Directory.Channel.SMS, "+15550100120"))),
                    new Directory.Agency("test-child-protection", "Test Child Protection (fake)",
                            Set.of(Directory.Role.CHILD_PROTECTION), null, List.of(
                                    new Directory.Alert(Directory.Channel.EMAIL, "duty@cp.example.test"))),
                    new Directory.Agency("test-labour", "Test Labour Desk (fake)", Set.of(Directory.Role.LABOUR),
                            null, List.of(new Directory.Alert(Directory.Channel.EMAIL, "duty@labour.example.test")),
                            Duration.ofMinutes(2), Duration.ofMinutes(30), Duration.ofMinutes(10))));
        }

        @Bean
        EscalationSettings escalationSettings() {
            return new EscalationSettings(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(3),
                    List.of(Directory.Role.POLICE),
                    List.of(new Directory.Alert(Directory.Channel.EMAIL, SUPERVISORS_MAILBOX)), CALLBACK_LINE);
        }

        @Bean
        RecordingChannel webhooks() {
            return new RecordingChannel(Directory.Channel.WEBHOOK, true);
        }

        @Bean
        RecordingChannel emails() {
            return new RecordingChannel(Directory.Channel.EMAIL, false);
        }

        @Bean
        AlertDispatcher alertDispatcher(Escalations escalations, Directory directory,
                EscalationSettings settings, org.tiphotline.calls.Calls calls, DSLContext db, MutableClock clock,
                ApplicationEventPublisher events, List<RecordingChannel> channels, Disclosures disclosures,
                org.tiphotline.cluster.Leadership leadership) {
            // No SMS channel exists here: an agency's SMS alert must fail, visibly.
            return new AlertDispatcher(escalations, directory, settings, calls, db, clock, events,
                    List.copyOf(channels),
                    new AcknowledgementLinks(new AcknowledgementLinks.Settings(null, null, Duration.ofHours(24)),
                            clock), disclosures, leadership);
        }

        @Bean
        Escalations escalations(DSLContext db, TransactionTemplate tx, ApplicationEventPublisher events,
                MutableClock clock, Directory directory, EscalationSettings settings, Switchboard switchboard,
                org.tiphotline.protection.FieldCipher cipher, org.tiphotline.protection.AuditTrail audit,
                org.tiphotline.registry.Registry registry, org.tiphotline.cluster.Leadership leadership) {
            return new Escalations(db, tx, events, clock, directory, settings, switchboard, cipher, audit, registry,
                    leadership);
        }

        @Bean
        Disclosures disclosures(DSLContext db, TransactionTemplate tx, MutableClock clock, Escalations escalations,
                Directory directory, org.tiphotline.intake.Intake intake, org.tiphotline.protection.AuditTrail audit,
                ApplicationEventPublisher events) {
            return new Disclosures(db, tx, clock, escalations, directory, intake, audit, events);
        }

        @Bean
        ProtectionRules protectionRules(Escalations escalations, Directory directory, EscalationSettings settings) {
            return new ProtectionRules(escalations, directory, settings);
        }
    }

    /**
     * A channel that records the packets it was asked to send, and can be told to refuse. Whether it may carry
     * identifying details is set per channel, as the real ones decide it.
     */
    static final class RecordingChannel implements AlertChannel {
        final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<AlertPacket> packets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Directory.Channel channel;
        private final boolean carriesIdentifying;
        volatile boolean refuse;

        RecordingChannel(Directory.Channel channel, boolean carriesIdentifying) {
            this.channel = channel;
            this.carriesIdentifying = carriesIdentifying;
        }

        @Override
        public Directory.Channel channel() {
            return channel;
        }

        @Override
        public boolean carriesIdentifying(String target) {
            return carriesIdentifying;
        }

        @Override
        public void send(String target, AlertPacket packet) {
            if (refuse) {
                throw new IllegalStateException("webhook answered 503");
            }
            sent.add(target + " " + packet.escalation() + " round " + packet.round());
            packets.add(packet);
        }
    }

    @Autowired
    private Escalations escalations;
    @Autowired
    private org.tiphotline.registry.Registry registry;
    @Autowired
    private AlertDispatcher dispatcher;
    @Autowired
    private RecordingChannel webhooks;
    @Autowired
    private RecordingChannel emails;
    @Autowired
    private Switchboard switchboard;
    @Autowired
    private Operators operators;
    @Autowired
    private DSLContext db;
    @Autowired
    private MutableClock clock;
    @Autowired
    private RecordedEvents events;
    @Autowired
    private TransactionTemplate tx;
    @Autowired
    private ApplicationEventPublisher publisher;
    @Autowired
    private Directory directory;
    @Autowired
    private org.tiphotline.cluster.Leadership leadership;
    @Autowired
    private EscalationSettings settings;
    @Autowired
    private org.tiphotline.protection.FieldCipher cipher;
    @Autowired
    private org.tiphotline.protection.AuditTrail audit;
    @Autowired
    private Disclosures disclosures;
    @Autowired
    private org.tiphotline.calls.Calls calls;
    @Autowired
    private javax.sql.DataSource dataSource;

    private CallId call;
    private OperatorId operator;
    private OperatorId liaison;

    @BeforeEach
    void start() {
        clock.set(MutableClock.DEFAULT_START.plus(Duration.ofDays(400)));
        // Each test starts with no escalation overdue from another test.
        db.update(ESCALATION).set(ESCALATION.STATUS, "CLOSED").set(ESCALATION.CLOSED_AT, ESCALATION.RAISED_AT)
                .set(ESCALATION.CLOSED_REASON, "test cleanup").setNull(ESCALATION.NEXT_ALERT_AT)
                .where(ESCALATION.STATUS.ne("CLOSED")).execute();
        events.clear();
        call = switchboard.arrived(FakeData.newCallRef(), FakeData.phone(31), FakeData.HOTLINE_NUMBER);
        operator = FakeData.user(operators, Role.OPERATOR, "en").id();
        liaison = FakeData.user(operators, Role.SUPERVISOR, "en").id();
    }

    @Test
    void anEscalationIsOpenWithItsFirstAlertQueuedAndADeadline() {
        Escalation.Id id = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "caller locked in a work site", operator);

        Escalation e = escalations.find(id).orElseThrow();
        assertThat(e.status()).isEqualTo(Escalation.Status.OPEN);
        assertThat(e.alertRound()).isEqualTo(1);
        assertThat(e.nextAlertAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(recipients(id, 1)).containsExactly("agency:0");
        assertThat(events.ofType(Escalation.Raised.class)).containsExactly(
                new Escalation.Raised(id, "test-police", Escalation.Level.IMMEDIATE));

        Escalation.Id urgent = escalations.raise(call, null, "test-police", Escalation.Level.URGENT,
                Escalation.Danger.CONFINEMENT, "rule: victim under 18", null);
        assertThat(escalations.find(urgent).orElseThrow().nextAlertAt())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
    }

    @Test
    void anAgencyWithDeadlinesOfItsOwnIsAlertedAgainOnThem() {
        Escalation.Id immediate = escalations.raise(call, null, "test-labour", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "test reason", operator);
        Escalation.Id urgent = escalations.raise(call, null, "test-labour", Escalation.Level.URGENT,
                Escalation.Danger.CONFINEMENT, "test reason", operator);
        assertThat(escalations.find(immediate).orElseThrow().nextAlertAt())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(escalations.find(urgent).orElseThrow().nextAlertAt())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
        clock.advance(Duration.ofMinutes(2));
        escalations.alertOverdue();
        assertThat(recipients(immediate, 2)).contains("agency:0");
        assertThat(escalations.find(immediate).orElseThrow().nextAlertAt())
                .as("and again on its own rhythm").isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(recipients(urgent, 2)).isEmpty();
    }

    @Test
    void anAgencyNotInTheDirectoryOrNoReasonIsRefusedAndNothingIsStored() {
        int before = db.fetchCount(ESCALATION);
        assertThatThrownBy(() -> escalations.raise(call, null, "no-such-agency", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "x", operator)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-agency");
        assertThatThrownBy(() -> escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, " ", operator)).hasMessageContaining("reason");
        assertThatThrownBy(() -> escalations.raise(null, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "x", operator)).hasMessageContaining("call or a report");
        assertThat(db.fetchCount(ESCALATION)).isEqualTo(before);
    }

    /**
     * Two nodes (a leader that has not yet noticed it lost the lead, and the new one) dispatching at once claim
     * different alerts: each is sent once. An alert claimed by a node that died mid-send is sent again by the next
     * one once the claim runs out: at least once, never lost (docs/reliability.md).
     */
    @Test
    void twoNodesDispatchingAtOnceSendEachAlertOnceAndADeadNodesClaimIsSentAgain() throws Exception {
        while (dispatcher.dispatch() > 0) {
            // What earlier tests left unsent goes first.
        }
        webhooks.sent.clear();
        emails.sent.clear();
        List<Escalation.Id> raised = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            raised.add(escalations.raise(call, null, i % 2 == 0 ? "test-police" : "test-child-protection",
                    Escalation.Level.IMMEDIATE, Escalation.Danger.CONFINEMENT, "test reason " + i, operator));
        }
        AlertDispatcher other = secondNode();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var runs = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (AlertDispatcher node : List.of(dispatcher, other, dispatcher, other)) {
                runs.add(pool.submit(node::dispatch));
            }
            int handled = 0;
            for (var run : runs) {
                handled += run.get();
            }
            assertThat(handled).isEqualTo(12);
        } finally {
            pool.shutdownNow();
        }
        List<String> sent = new java.util.ArrayList<>(webhooks.sent);
        sent.addAll(emails.sent);
        assertThat(sent).hasSize(12).doesNotHaveDuplicates();
        for (Escalation.Id id : raised) {
            assertThat(sent).filteredOn(line -> line.contains(id.toString())).hasSize(1);
        }

        // A node claims the next alert and dies before sending it: nobody sends it while the claim holds.
        Escalation.Id orphan = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "test reason orphan", operator);
        assertThat(secondNode().claim()).isPresent();
        assertThat(dispatcher.dispatch()).isZero();
        clock.advance(AlertDispatcher.CLAIM);
        assertThat(dispatcher.dispatch()).isEqualTo(1);
        assertThat(webhooks.sent).filteredOn(line -> line.contains(orphan.toString())).hasSize(1);
    }

    /**
     * The leader claimed an alert and was killed before sending it: the node that takes the lead sends it at once,
     * not after the dead node's claim runs out (an urgent alert 30 s late is the failover run's failure).
     */
    @Test
    void aNodeTakingTheLeadSendsAtOnceWhatTheFormerLeaderClaimedAndNeverSent() {
        while (dispatcher.dispatch() > 0) {
            // What earlier tests left unsent goes first.
        }
        Escalation.Id orphan = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "test reason killed leader", operator);
        var killed = new org.tiphotline.cluster.Leadership(dataSource, publisher,
                new org.tiphotline.cluster.ClusterSettings("killed-leader", Duration.ofSeconds(1),
                        Duration.ofSeconds(2)));
        assertThat(new AlertDispatcher(escalations, directory, settings, calls, db, clock, publisher,
                List.of(webhooks, emails), new AcknowledgementLinks(new AcknowledgementLinks.Settings(null, null,
                        Duration.ofHours(24)), clock), disclosures, killed).claim()).isPresent();
        assertThat(dispatcher.dispatch()).as("the claim holds while nobody has taken the lead").isZero();

        dispatcher.freeClaimsOfFormerLeaders();

        assertThat(dispatcher.dispatch()).isEqualTo(1);
        assertThat(webhooks.sent).filteredOn(line -> line.contains(orphan.toString())).hasSize(1);
        // This node's own claims are its own business: it does not free them on taking the lead.
        Escalation.Id own = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "test reason own claim", operator);
        assertThat(dispatcher.claim()).isPresent();
        dispatcher.freeClaimsOfFormerLeaders();
        assertThat(dispatcher.dispatch()).isZero();
        assertThat(webhooks.sent).filteredOn(line -> line.contains(own.toString())).isEmpty();
        clock.advance(AlertDispatcher.CLAIM);
        assertThat(dispatcher.dispatch()).isEqualTo(1);
    }

    private AlertDispatcher secondNode() {
        return new AlertDispatcher(escalations, directory, settings, calls, db, clock, publisher,
                List.of(webhooks, emails), new AcknowledgementLinks(new AcknowledgementLinks.Settings(null, null,
                        Duration.ofHours(24)), clock), disclosures, leadership);
    }

    @Test
    void nobodyAcknowledgingMeansTheNextChannelAndTheSupervisorsAtEachDeadline() {
        Escalation.Id id = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "caller said someone is in immediate danger", null);
        // Other tests' escalations share the database: the floor's count is compared with its own start.
        int pastDeadline = escalations.pastDeadline();

        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertThat(escalations.alertOverdue()).isZero();
        assertThat(escalations.pastDeadline()).isEqualTo(pastDeadline);
        clock.advance(Duration.ofSeconds(1));
        assertThat(escalations.alertOverdue()).isEqualTo(1);
        assertThat(escalations.pastDeadline()).as("what the floor's alert counts (issue 20)")
                .isEqualTo(pastDeadline + 1);
        assertThat(recipients(id, 2)).containsExactlyInAnyOrder("agency:1", Escalations.SUPERVISORS, "supervisor:0");
        assertThat(escalations.find(id).orElseThrow().nextAlertAt())
                .isEqualTo(clock.instant().plus(Duration.ofMinutes(3)));
        assertThat(escalations.alertOverdue()).as("not twice for one deadline").isZero();

        clock.advance(Duration.ofMinutes(3));
        assertThat(escalations.alertOverdue()).isEqualTo(1);
        assertThat(recipients(id, 3)).as("back to the first channel").containsExactlyInAnyOrder("agency:0",
                Escalations.SUPERVISORS, "supervisor:0");
        assertThat(events.ofType(Escalation.Overdue.class)).extracting(Escalation.Overdue::round)
                .containsExactly(2, 3);
        assertThat(escalations.unsentAlerts(100)).filteredOn(a -> a.escalation().equals(id)).hasSize(7);
    }

    @Test
    void onlyTheAgencyItIsAddressedToCanAcknowledgeAndThenTheAlertsStop() {
        Escalation.Id id = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "caller locked in a work site", operator);

        assertThatThrownBy(() -> escalations.acknowledge(id, "test-child-protection", liaison))
                .isInstanceOf(NotYourAgency.class);
        assertThat(escalations.find(id).orElseThrow().status()).isEqualTo(Escalation.Status.OPEN);
        assertThat(escalations.acknowledge(id, "test-police", liaison)).isTrue();
        assertThat(escalations.acknowledge(id, "test-police", liaison)).as("the first one counts").isFalse();

        Escalation e = escalations.find(id).orElseThrow();
        assertThat(e.status()).isEqualTo(Escalation.Status.ACKNOWLEDGED);
        assertThat(e.acknowledgedBy()).isEqualTo(liaison);
        assertThat(e.nextAlertAt()).isNull();
        clock.advance(Duration.ofHours(1));
        assertThat(escalations.alertOverdue()).isZero();
        assertThat(events.ofType(Escalation.Acknowledged.class)).hasSize(1);

        escalations.recordOutcome(id, "test-police", FakeData.actor(operators.byId(liaison).orElseThrow()),
                Escalation.Outcome.OFFICERS_DISPATCHED, null);
        assertThat(escalations.find(id).orElseThrow().outcome()).isEqualTo(Escalation.Outcome.OFFICERS_DISPATCHED);
        assertThat(escalations.forAgency("test-child-protection", 50)).noneMatch(x -> x.id().equals(id));
        assertThat(escalations.forAgency("test-police", 50)).anyMatch(x -> x.id().equals(id));
    }

    @Test
    void aSupervisorClosesWithAReasonAndNothingIsAlertedAfterwards() {
        Escalation.Id id = escalations.raise(call, null, "test-child-protection", Escalation.Level.URGENT,
                Escalation.Danger.CONFINEMENT, "rule: victim under 18", null);
        assertThatThrownBy(() -> escalations.close(id, liaison, "")).hasMessageContaining("reason");
        assertThat(escalations.close(id, liaison, "duplicate of an earlier referral")).isTrue();
        assertThat(escalations.close(id, liaison, "again")).isFalse();
        clock.advance(Duration.ofDays(1));
        assertThat(escalations.alertOverdue()).isZero();
        Escalation e = escalations.find(id).orElseThrow();
        assertThat(e.status()).isEqualTo(Escalation.Status.CLOSED);
        assertThat(e.closedReason()).isEqualTo("duplicate of an earlier referral");
        assertThat(escalations.unclosed()).noneMatch(x -> x.id().equals(id));
    }

    @Test
    void anOperatorsReasonIsStoredEncryptedAndOneWrittenInPlainTextBeforeIsEncryptedAtTheNextStart() {
        Escalation.Id id = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.VIOLENCE, "Testvictim Fakename hit at the test site", operator);
        var row = db.selectFrom(ESCALATION).where(ESCALATION.ID.eq(id.value())).fetchOne();
        assertThat(row.getReason()).isNull();
        assertThat(new String(row.getReasonEnc(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("Testvictim");
        assertThat(escalations.find(id).orElseThrow().reason()).as("never in the escalation everyone sees").isNull();

        // A row as version 17 wrote it: the operator's words in plain text.
        db.update(ESCALATION).set(ESCALATION.REASON, "Testvictim Fakename, written before V18")
                .setNull(ESCALATION.REASON_ENC).where(ESCALATION.ID.eq(id.value())).execute();
        assertThat(escalations.encryptPlainReasons()).isEqualTo(1);
        assertThat(db.fetchCount(ESCALATION, ESCALATION.SOURCE.eq("OPERATOR").and(ESCALATION.REASON.isNotNull())))
                .isZero();
        assertThat(escalations.operatorReason(id, "test-reader", org.tiphotline.protection.AuditTrail.Action.READ))
                .contains("Testvictim Fakename, written before V18");
        assertThat(db.fetchCount(org.tiphotline.db.Tables.AUDIT_LOG, org.tiphotline.db.Tables.AUDIT_LOG.ACTOR
                .eq("test-reader").and(org.tiphotline.db.Tables.AUDIT_LOG.ENTITY_ID.eq(id.toString()))))
                .as("the read is audited").isEqualTo(1);
    }

    @Test
    void aRestartKeepsTheDeadlineAndTheNextAlertGoesOutOnTime() {
        Escalation.Id id = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "caller locked in a work site", operator);
        clock.advance(Duration.ofMinutes(2));

        // The process stops; a new one starts with nothing in memory but the database.
        Escalations restarted = new Escalations(db, tx, publisher, clock, directory, settings, switchboard,
                cipher, audit, registry, leadership);
        assertThat(restarted.alertOverdue()).isZero();
        clock.advance(Duration.ofMinutes(3));
        assertThat(restarted.alertOverdue()).isEqualTo(1);
        assertThat(recipients(id, 2)).containsExactlyInAnyOrder("agency:1", Escalations.SUPERVISORS, "supervisor:0");
    }

    @Test
    void theOutboxIsSentOnceFailuresAreKeptAndTheNextRoundUsesTheNextChannel() {
        // Other tests' alerts are still in the outbox: send them first.
        while (dispatcher.dispatch() > 0) {
            continue;
        }
        webhooks.sent.clear();
        events.clear();
        Escalation.Id id = escalations.raise(call, null, "test-police", Escalation.Level.IMMEDIATE,
                Escalation.Danger.CONFINEMENT, "caller locked in a work site", operator);
        assertThat(dispatcher.dispatch()).isEqualTo(1);
        assertThat(webhooks.sent).containsExactly("https://police.example.test/hook " + id + " round 1");
        assertThat(dispatcher.dispatch()).as("sent once").isZero();

        // Nobody acknowledges: round 2 goes to the SMS channel, which this hotline does not have, and the supervisors:
        // on their live page and in their mailbox, without the agency's link or anyone's details.
        emails.packets.clear();
        clock.advance(Duration.ofMinutes(5));
        escalations.alertOverdue();
        assertThat(dispatcher.dispatch()).isEqualTo(3);
        assertThat(events.ofType(AlertDispatcher.SupervisorAlert.class)).containsExactly(
                new AlertDispatcher.SupervisorAlert(id, "test-police", 2));
        assertThat(emails.sent).contains(SUPERVISORS_MAILBOX + " " + id + " round 2");
        assertThat(emails.packets).filteredOn(p -> p.escalation().equals(id.toString())).singleElement()
                .satisfies(p -> {
                    assertThat(p.forSupervisors()).isTrue();
                    assertThat(p.agencyName()).isEqualTo("Test Police (fake)");
                    assertThat(p.acknowledgeUrl()).isNull();
                    assertThat(p.identifying()).isNull();
                    assertThat(p.callbackRoute()).isEqualTo(new AlertPacket.CallbackRoute(CALLBACK_LINE,
                            AlertDispatcher.reference(id)));
                });
        assertThat(db.select(ESCALATION_ALERT.FAILURE).from(ESCALATION_ALERT)
                .where(ESCALATION_ALERT.ESCALATION_ID.eq(id.value())).and(ESCALATION_ALERT.ROUND.eq(2))
                .and(ESCALATION_ALERT.RECIPIENT.eq("agency:1")).fetchOne(ESCALATION_ALERT.FAILURE))
                .contains("no SMS channel");

        // Round 3: back to the webhook, which refuses; the failure is kept and not retried on the same channel.
        webhooks.refuse = true;
        clock.advance(Duration.ofMinutes(3));
        escalations.alertOverdue();
        dispatcher.dispatch();
        assertThat(dispatcher.dispatch()).isZero();
        assertThat(db.select(ESCALATION_ALERT.FAILURE).from(ESCALATION_ALERT)
                .where(ESCALATION_ALERT.ESCALATION_ID.eq(id.value())).and(ESCALATION_ALERT.ROUND.eq(3))
                .and(ESCALATION_ALERT.RECIPIENT.eq("agency:0")).fetchOne(ESCALATION_ALERT.FAILURE))
                .isEqualTo("webhook answered 503");
        webhooks.refuse = false;
    }

    private List<String> recipients(Escalation.Id id, int round) {
        return db.select(ESCALATION_ALERT.RECIPIENT).from(ESCALATION_ALERT)
                .where(ESCALATION_ALERT.ESCALATION_ID.eq(id.value())).and(ESCALATION_ALERT.ROUND.eq(round))
                .fetch(ESCALATION_ALERT.RECIPIENT);
    }
}
