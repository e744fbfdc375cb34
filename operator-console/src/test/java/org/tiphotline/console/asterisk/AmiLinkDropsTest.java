package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tiphotline.telephony.asterisk.testing.FakeAmiPeer.event;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.LiveClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;
import tools.jackson.databind.JsonNode;

/**
 * "The AMI link dropped 10 times under load: 0 lost call records." A stream of calls runs through the real
 * application (FastAGI sessions for the IVR, AMI events for dial, answer and hang-up from a small simulated PBX
 * behind the fake AMI peer) while the AMI connection is cut ten times at random moments, once in the middle of
 * an event frame. The PBX keeps progressing its calls while the link is down (callers hang up, operators answer
 * and hang up); those events are lost, as they are with a real Asterisk, and only the resync after each
 * reconnection (CoreShowChannels) can bring the records in line.
 *
 * <p>Seed: {@code -DamiDrops.seed=...}; number of calls: {@code -DamiDrops.calls=...}.
 */
class AmiLinkDropsTest {

    private static final String SECRET = "test-only-ami-secret";
    private static final long SEED = Long.getLong("amiDrops.seed", 20261122L);
    private static final int CALLS = Integer.getInteger("amiDrops.calls", 40);
    private static final int DROPS = 10;
    private static final Duration RECONNECT_WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;

    private FakeAmiPeer ami;
    private RunningHotline hotline;
    private int agiPort;
    private Pbx pbx;

    @BeforeEach
    void start() {
        ami = new FakeAmiPeer("tiphotline", SECRET).banner("Asterisk Call Manager/9.0.0").asteriskVersion("20.5.0");
        agiPort = AgiPort.free();
        Map<String, String> settings = AsteriskTestSettings.of(agiPort, ami, SECRET);
        settings.put("hotline.telephony.asterisk.endpoints.operator", "PJSIP/operator1");
        settings.put("hotline.telephony.asterisk.endpoints.operator2", "PJSIP/operator2");
        pbx = new Pbx(ami, new Random(SEED));
        ami.respond("Setvar", pbx::setvar);
        ami.respond("Redirect", pbx::redirect);
        ami.respond("CoreShowChannels", pbx::listChannels);
        hotline = RunningHotline.start(data, settings);
        ami.awaitAction("CoreShowChannels", RECONNECT_WAIT);
    }

    @AfterEach
    void stop() {
        if (hotline != null) {
            hotline.close();
        }
        ami.close();
        if (pbx != null) {
            pbx.timer.shutdownNow();
        }
    }

    @Test
    void tenDropsOfTheAmiLinkUnderLoadLoseNoCallRecord() throws Exception {
        System.out.println("AMI drops: seed " + SEED + " (-DamiDrops.seed to change), calls " + CALLS);
        Random random = new Random(SEED ^ 0x5DEECE66DL);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> operators = new ArrayList<>();
        List<LiveClient> clients = new ArrayList<>();
        try {
            for (String[] op : new String[][] {{"operator", "operator-demo"}, {"operator2", "operator2-demo"}}) {
                LiveClient live = LiveClient.connect(ConsoleClient.login(hotline.base(), op[0], op[1]));
                clients.add(live);
                operators.add(Thread.ofPlatform().daemon().name("agent-" + op[0]).start(() -> agent(live, running)));
            }

            // The callers: one every 100-300 ms, each through the real FastAGI IVR.
            List<Future<?>> sessions = new ArrayList<>();
            Thread placing = Thread.ofPlatform().daemon().name("placing").start(() -> {
                Random arrivals = new Random(SEED + 1);
                for (int i = 0; i < CALLS; i++) {
                    Pbx.PbxCall call = pbx.arrive(i);
                    sessions.add(callers.submit(() -> runIvr(call)));
                    sleep(100 + arrivals.nextInt(200));
                }
            });

            // Ten drops at random moments while the calls flow; each waits for the reconnection first. One cuts
            // an event frame in half; one comes while the resync after the drop before it reads the channel list.
            int loginsBefore = ami.logins();
            int midFrame = 3 + random.nextInt(DROPS - 4);
            int duringResync = midFrame > 5 ? 2 + random.nextInt(midFrame - 3) : midFrame + 2 + random.nextInt(
                    DROPS - midFrame - 1);
            List<String> kinds = new ArrayList<>();
            List<Long> resyncDelays = new ArrayList<>();
            for (int k = 1; k <= DROPS; k++) {
                String kind;
                if (k == duringResync) {
                    // Armed at the drop before: this reconnection's own channel list is cut off halfway.
                    kind = "reset in the middle of the resync's channel list";
                } else if (k == midFrame) {
                    sleep(300 + random.nextInt(900));
                    kind = pbx.cutMidEvent() ? "mid-frame (a Hangup cut in half)" : "mid-frame (no call to end)";
                } else if (k + 1 == duringResync) {
                    sleep(300 + random.nextInt(900));
                    pbx.cutNextListing = true;
                    ami.dropConnections();
                    kind = "reset";
                } else if (random.nextBoolean()) {
                    sleep(300 + random.nextInt(900));
                    ami.dropConnections();
                    kind = "reset";
                } else {
                    // Asterisk unreachable for a while: the PBX goes on without us.
                    sleep(300 + random.nextInt(900));
                    ami.stopListening();
                    long outage = 150 + random.nextInt(600);
                    sleep(outage);
                    ami.startListening();
                    kind = "down " + outage + " ms";
                }
                kinds.add(kind);
                ami.awaitLogins(loginsBefore + k, RECONNECT_WAIT);
                resyncDelays.add(awaitListingRequest(Duration.ofSeconds(5)));
            }
            placing.join(60_000);
            for (Future<?> session : sessions) {
                session.get(30, TimeUnit.SECONDS);
            }
            assertThat(pbx.awaitAllGone(Duration.ofSeconds(30))).as("the PBX's calls all ended").isTrue();
            int reconnects = ami.logins() - loginsBefore;
            System.out.println("AMI drops: " + kinds);
            System.out.println("AMI drops: channel list asked for after each reconnection within (ms) " + resyncDelays);

            // Then the records: give the last events a moment to be stored.
            DSLContext db = hotline.bean(DSLContext.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline && !liveRecords(db).isEmpty()) {
                Thread.sleep(100);
            }
            check(db, reconnects);
        } finally {
            running.set(false);
            callers.shutdownNow();
            clients.forEach(LiveClient::close);
        }
    }

    private void check(DSLContext db, int reconnects) {
        Map<String, Pbx.PbxCall> had = pbx.calls();
        Map<String, Integer> records = new TreeMap<>();
        for (Record r : db.fetch("select provider_call_id, count(*) from hotline.call where provider = 'asterisk' "
                + "group by provider_call_id")) {
            records.put(r.get(0, String.class), r.get(1, Integer.class));
        }
        Map<String, List<String>> timelines = new TreeMap<>();
        Map<String, List<Integer>> seqs = new TreeMap<>();
        Map<String, Integer> lastSeq = new TreeMap<>();
        Map<String, String> outcomes = new TreeMap<>();
        Map<String, java.time.OffsetDateTime> endedAt = new TreeMap<>();
        for (Record r : db.fetch("select c.provider_call_id, e.seq, e.type, c.last_seq, c.outcome, c.ended_at "
                + "from hotline.call c "
                + "join hotline.call_event e on e.call_id = c.id where c.provider = 'asterisk' "
                + "order by c.provider_call_id, e.seq")) {
            String id = r.get(0, String.class);
            seqs.computeIfAbsent(id, x -> new ArrayList<>()).add(r.get(1, Integer.class));
            timelines.computeIfAbsent(id, x -> new ArrayList<>()).add(r.get(2, String.class));
            lastSeq.put(id, r.get(3, Integer.class));
            outcomes.put(id, r.get(4, String.class));
            if (r.get(5) != null) {
                endedAt.put(id, r.get(5, java.time.OffsetDateTime.class));
            }
        }
        List<String> live = liveRecords(db);
        long lost = had.keySet().stream().filter(id -> !records.containsKey(id)).count();
        System.out.println("AMI drops: records still live after the PBX ended every call: " + live.size());
        String result = "AMI drops: " + reconnects + ", calls: " + had.size() + ", records: " + records.size()
                + ", lost: " + lost + " — ";
        System.out.println("AMI drops: PBX outcomes " + pbx.outcomeCounts() + ", record outcomes "
                + outcomes.values().stream().collect(java.util.stream.Collectors.groupingBy(o -> o,
                        TreeMap::new, java.util.stream.Collectors.counting())));

        try {
            checkEach(had, reconnects, records, live, timelines, seqs, lastSeq, outcomes, endedAt);
        } catch (AssertionError e) {
            System.out.println(result + "FAIL");
            throw e;
        }
        System.out.println(result + "PASS");
    }

    private void checkEach(Map<String, Pbx.PbxCall> had, int reconnects, Map<String, Integer> records,
            List<String> live, Map<String, List<String>> timelines, Map<String, List<Integer>> seqs,
            Map<String, Integer> lastSeq, Map<String, String> outcomes, Map<String, java.time.OffsetDateTime> endedAt) {
        assertThat(reconnects).as("reconnections (logins counted at the peer)").isEqualTo(DROPS);
        assertThat(had).hasSize(CALLS);
        assertThat(records.keySet()).as("one record for every call the PBX had, and no other")
                .isEqualTo(had.keySet());
        assertThat(records.values()).as("exactly one record per call").allMatch(n -> n == 1);
        assertThat(live).as("records still live although the PBX carries nothing").isEmpty();
        for (String id : had.keySet()) {
            List<String> types = timelines.get(id);
            assertThat(seqs.get(id)).as("seq of " + id + " " + types).isEqualTo(
                    java.util.stream.IntStream.rangeClosed(1, types.size()).boxed().toList());
            assertThat(lastSeq.get(id)).as("last_seq of " + id).isEqualTo(types.size());
            assertThat(types.getFirst()).as("first event of " + id).isEqualTo("ARRIVED");
            assertThat(types.stream().filter("ARRIVED"::equals)).as("ARRIVED in " + id + " " + types).hasSize(1);
            assertThat(types.stream().filter(t -> t.equals("ENDED") || t.equals("ABANDONED")))
                    .as("final events in " + id + " " + types).hasSize(1);
            assertThat(types.getLast()).as("last event of " + id + " " + types).isIn("ENDED", "ABANDONED");
            Pbx.PbxCall truth = had.get(id);
            // Ended on a guess while the caller was still on the line (a resync reading half a channel list,
            // say) is a call lost as surely as a missing record. Same clock; the database keeps microseconds.
            // (Not for a hang-up in the IVR: the FastAGI session reports it before this PBX learns of it.)
            assertThat(truth.end.equals("ivr-hangup") ? truth.goneAt : endedAt.get(id).toInstant().plusMillis(1)).as("record of " + id + " ended before the PBX "
                    + "ended the call (" + truth.end + ") " + types).isAfterOrEqualTo(truth.goneAt);
            if (types.contains("ANSWERED")) {
                assertThat(truth.everAnswered).as("the record of " + id + " says answered; the PBX never bridged it "
                        + types).isTrue();
            }
            if (truth.end.equals("ivr-hangup")) {
                assertThat(outcomes.get(id)).as("outcome of " + id + " " + types).isEqualTo("ABANDONED_IN_IVR");
            } else {
                assertThat(types).as("the IVR of " + id + " was completed").contains("QUEUED");
            }
        }
    }

    /**
     * Waits until the newest logged-in connection asks for CoreShowChannels: a resync that never comes (the
     * event thread held up) leaves every call as it was when the link dropped. Returns the wait in ms.
     */
    private long awaitListingRequest(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int session = ami.actions().stream().filter(a -> a.name().equalsIgnoreCase("Login"))
                .mapToInt(FakeAmiPeer.Action::session).max().orElseThrow();
        while (System.nanoTime() < deadline) {
            if (ami.actions().stream().anyMatch(a -> a.session() == session
                    && a.name().equalsIgnoreCase("CoreShowChannels"))) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no resync (CoreShowChannels) within " + timeout + " of reconnection " + session);
    }

    private static List<String> liveRecords(DSLContext db) {
        return db.fetch("select provider_call_id from hotline.call where provider = 'asterisk' and state <> 'ENDED'")
                .getValues(0, String.class);
    }

    /** Goes straight back to available after every call (no report to write here) and after a missed offer. */
    private static void agent(LiveClient live, AtomicBoolean running) {
        BlockingQueue<JsonNode> presence = live.subscribe("/user/queue/presence");
        live.send("/app/presence", Map.of("presence", "AVAILABLE"));
        while (running.get()) {
            try {
                JsonNode next = presence.poll(100, TimeUnit.MILLISECONDS);
                if (next != null && Set.of("WRAP_UP", "AWAY").contains(next.get("presence").asString())) {
                    live.send("/app/presence", Map.of("presence", "AVAILABLE"));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The STOMP session closing at the end of the test.
            }
        }
    }

    private void runIvr(Pbx.PbxCall call) {
        FastAgiClient.Script script = AsteriskTestCalls.caller("1", "2", "1", "1");
        if (call.ivrHangupAt > 0) {
            script.hangupAt(call.ivrHangupAt);
        }
        org.tiphotline.console.testing.NumberWatch.callerNumber(call.callerNumber);
        try {
            new FastAgiClient("127.0.0.1", agiPort).env("agi_uniqueid", call.uid).env("agi_channel", call.channel)
                    .env("agi_callerid", call.callerNumber).env("agi_extension", "8765")
                    .readTimeout(Duration.ofSeconds(10)).run(script);
        } catch (IOException e) {
            throw new IllegalStateException("FastAGI session of " + call.uid + " failed", e);
        }
        pbx.ivrOver(call, "done".equals(script.variables().get("HOTLINE_IVR")));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A small Asterisk: the calls' channels as CoreShowChannels lists them, kept in step with the events it sends.
     * Every change happens under one lock together with its events, so the listing and the events never disagree.
     * Events sent while no AMI client is logged in are simply lost.
     */
    static final class Pbx {

        final Object lock = new Object();
        final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        private final FakeAmiPeer ami;
        private final Random random;
        private final Map<String, PbxCall> calls = new LinkedHashMap<>();
        private final Map<String, String> endpoints = new java.util.HashMap<>();
        private List<Map<String, String>> rows = List.of();
        /** The next CoreShowChannels answer stops halfway and the link is cut. */
        volatile boolean cutNextListing;

        Pbx(FakeAmiPeer ami, Random random) {
            this.ami = ami;
            this.random = random;
        }

        static final class PbxCall {
            final String uid;
            final String opUid;
            final String channel;
            final String callerNumber;
            int ivrHangupAt;
            long patienceMs;
            long talkMs;
            boolean operatorHangsUp;
            /** ivr, wait, dialing, talking, gone. */
            String where = "ivr";
            String opChannel;
            int epoch;
            boolean everAnswered;
            String end = "";
            java.time.Instant goneAt;

            PbxCall(int i) {
                this.uid = "1762000000." + (1000 + 2 * i);
                this.opUid = "1762000000." + (1001 + 2 * i);
                this.channel = String.format("PJSIP/hotline-trunk-%08x", 0x100 + i);
                this.callerNumber = String.format("+1555010%04d", 1000 + i);
            }
        }

        PbxCall arrive(int i) {
            synchronized (lock) {
                PbxCall c = new PbxCall(i);
                // Every eighth caller hangs up in the IVR; the others wait 1.5-6 s for an operator, then talk 0.2-1 s.
                c.ivrHangupAt = i % 8 == 5 ? 2 + random.nextInt(6) : 0;
                c.patienceMs = 1500 + random.nextInt(4500);
                c.talkMs = 200 + random.nextInt(800);
                c.operatorHangsUp = random.nextBoolean();
                calls.put(c.uid, c);
                publish();
                return c;
            }
        }

        Map<String, PbxCall> calls() {
            synchronized (lock) {
                return new LinkedHashMap<>(calls);
            }
        }

        Map<String, Long> outcomeCounts() {
            synchronized (lock) {
                return calls.values().stream().collect(java.util.stream.Collectors.groupingBy(c -> c.end,
                        TreeMap::new, java.util.stream.Collectors.counting()));
            }
        }

        boolean awaitAllGone(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (lock) {
                    if (calls.values().stream().allMatch(c -> c.where.equals("gone"))) {
                        return true;
                    }
                }
                Thread.sleep(50);
            }
            return false;
        }

        /** The AGI session is over: the caller hung up in it, or the dialplan holds them in hotline-wait. */
        void ivrOver(PbxCall c, boolean done) {
            synchronized (lock) {
                if (!done) {
                    c.end = "ivr-hangup";
                    gone(c);
                    emit(hangup(c.channel, c.uid));
                    return;
                }
                if (c.where.equals("ivr")) {
                    c.where = "wait";
                    publish();
                }
                timer.schedule(() -> patienceOut(c), c.patienceMs, TimeUnit.MILLISECONDS);
            }
        }

        private void patienceOut(PbxCall c) {
            synchronized (lock) {
                switch (c.where) {
                    case "wait" -> {
                        c.end = "queue-hangup";
                        gone(c);
                        emit(hangup(c.channel, c.uid));
                    }
                    case "dialing" -> {
                        c.end = "ringing-hangup";
                        String op = c.opChannel;
                        gone(c);
                        emit(dial("DialEnd", c, "CANCEL"));
                        emit(hangup(op, c.opUid));
                        emit(hangup(c.channel, c.uid));
                    }
                    default -> { } // talking or gone: not a question of patience any more
                }
            }
        }

        void setvar(FakeAmiPeer.Action action, FakeAmiPeer.Session session) throws IOException {
            synchronized (lock) {
                if ("HOTLINE_OPERATOR_ENDPOINT".equals(action.get("Variable"))) {
                    endpoints.put(action.get("Channel"), action.get("Value"));
                }
                session.send(FakeAmiPeer.response(action, "Success", "Message", "Variable Set"));
            }
        }

        void redirect(FakeAmiPeer.Action action, FakeAmiPeer.Session session) throws IOException {
            synchronized (lock) {
                PbxCall c = calls.values().stream().filter(x -> x.channel.equals(action.get("Channel"))
                        && !x.where.equals("gone")).findFirst().orElse(null);
                if (c == null) {
                    session.send(FakeAmiPeer.response(action, "Error", "Message", "Channel specified does not exist"));
                    return;
                }
                session.send(FakeAmiPeer.response(action, "Success", "Message", "Redirect successful"));
                String context = action.get("Context");
                if ("hotline-connect".equals(context) && (c.where.equals("wait") || c.where.equals("ivr"))) {
                    String endpoint = endpoints.getOrDefault(c.channel, "PJSIP/nobody");
                    c.opChannel = endpoint + "-" + String.format("%08x", Integer.parseInt(c.opUid.substring(11)));
                    c.where = "dialing";
                    int epoch = ++c.epoch;
                    publish();
                    timer.schedule(() -> dialBegins(c, epoch), 10 + random.nextInt(50), TimeUnit.MILLISECONDS);
                } else if ("hotline-wait".equals(context) && c.where.equals("dialing")) {
                    String op = c.opChannel;
                    c.where = "wait";
                    c.epoch++;
                    publish();
                    emit(dial("DialEnd", c, "CANCEL"));
                    emit(hangup(op, c.opUid));
                }
            }
        }

        private void dialBegins(PbxCall c, int epoch) {
            synchronized (lock) {
                if (c.epoch != epoch || !c.where.equals("dialing")) {
                    return;
                }
                emit(dial("DialBegin", c, null));
                timer.schedule(() -> answered(c, epoch), 30 + random.nextInt(150), TimeUnit.MILLISECONDS);
            }
        }

        private void answered(PbxCall c, int epoch) {
            synchronized (lock) {
                if (c.epoch != epoch || !c.where.equals("dialing")) {
                    return;
                }
                c.where = "talking";
                c.everAnswered = true;
                publish();
                emit(dial("DialEnd", c, "ANSWER"));
                timer.schedule(() -> talkOver(c), c.talkMs, TimeUnit.MILLISECONDS);
            }
        }

        private void talkOver(PbxCall c) {
            synchronized (lock) {
                if (!c.where.equals("talking")) {
                    return;
                }
                String op = c.opChannel;
                c.end = c.operatorHangsUp ? "operator-hangup" : "caller-hangup";
                gone(c);
                if (c.operatorHangsUp) {
                    emit(event("BridgeLeave", "Channel", op, "Uniqueid", c.opUid, "Linkedid", c.uid,
                            "BridgeUniqueid", "bridge-" + c.uid));
                    emit(hangup(op, c.opUid));
                    emit(hangup(c.channel, c.uid));
                } else {
                    emit(event("BridgeLeave", "Channel", c.channel, "Uniqueid", c.uid, "Linkedid", c.uid,
                            "BridgeUniqueid", "bridge-" + c.uid));
                    emit(hangup(c.channel, c.uid));
                    emit(hangup(op, c.opUid));
                }
            }
        }

        /**
         * A waiting caller hangs up and the link dies halfway through the Hangup event: true if there was such a
         * caller; otherwise the half frame is a harmless event and the link still dies.
         */
        boolean cutMidEvent() {
            synchronized (lock) {
                PbxCall c = calls.values().stream().filter(x -> x.where.equals("wait")).findFirst().orElse(null);
                if (c == null) {
                    ami.dropMidEvent(event("VarSet", "Channel", "PJSIP/hotline-trunk-ffffffff", "Variable",
                            "HOTLINE_UNUSED", "Value", "1", "Uniqueid", "1762000000.9999"));
                    return false;
                }
                c.end = "queue-hangup";
                gone(c);
                ami.dropMidEvent(hangup(c.channel, c.uid));
                return true;
            }
        }

        private void gone(PbxCall c) {
            c.goneAt = java.time.Instant.now();
            c.where = "gone";
            c.epoch++;
            publish();
        }

        private void emit(Map<String, String> event) {
            ami.sendEvent(event);
        }

        /** The channel list CoreShowChannels answers with, from the calls' states. */
        private void publish() {
            List<Map<String, String>> rows = new ArrayList<>();
            for (PbxCall c : calls.values()) {
                if (c.where.equals("gone")) {
                    continue;
                }
                Map<String, String> row = FakeAmiPeer.channel(c.channel, c.uid);
                row.put("CallerIDNum", c.callerNumber);
                row.put("Exten", "8765");
                switch (c.where) {
                    case "ivr" -> row.put("Context", "hotline-inbound");
                    case "wait" -> {
                        row.put("Context", "hotline-wait");
                        row.put("Application", "MusicOnHold");
                    }
                    default -> {
                        row.put("Context", "hotline-connect");
                        row.put("Application", "Dial");
                        Map<String, String> op = FakeAmiPeer.channel(c.opChannel, c.opUid);
                        op.put("Linkedid", c.uid);
                        op.put("Application", "AppDial");
                        op.put("Context", "from-internal");
                        if (c.where.equals("talking")) {
                            row.put("BridgeId", "bridge-" + c.uid);
                            op.put("BridgeId", "bridge-" + c.uid);
                        } else {
                            op.put("ChannelState", "5");
                            op.put("ChannelStateDesc", "Ringing");
                        }
                        rows.add(row);
                        rows.add(op);
                        continue;
                    }
                }
                rows.add(row);
            }
            this.rows = List.copyOf(rows);
        }

        /**
         * CoreShowChannels as a busy Asterisk answers it: the list is the state when the action arrived, and it
         * takes 50-250 ms to come out, while calls go on (new callers reach the IVR meanwhile).
         */
        void listChannels(FakeAmiPeer.Action action, FakeAmiPeer.Session session) throws IOException {
            List<Map<String, String>> snapshot;
            long delay;
            synchronized (lock) {
                snapshot = rows;
                delay = 50 + random.nextInt(200);
            }
            sleep(delay);
            session.send(FakeAmiPeer.response(action, "Success", "EventList", "start", "Message",
                    "Channels will follow"));
            boolean cut = cutNextListing;
            cutNextListing = false;
            int sent = 0;
            for (Map<String, String> row : snapshot) {
                if (cut && sent++ >= snapshot.size() / 2) {
                    ami.dropConnections();
                    return;
                }
                Map<String, String> block = event("CoreShowChannel", "ActionID", action.actionId());
                block.putAll(row);
                session.send(block);
            }
            if (cut) {
                ami.dropConnections();
                return;
            }
            session.send(event("CoreShowChannelsComplete", "ActionID", action.actionId(), "EventList", "Complete",
                    "ListItems", Integer.toString(snapshot.size())));
        }

        private static Map<String, String> dial(String name, PbxCall c, String status) {
            Map<String, String> e = event(name, "Channel", c.channel, "Uniqueid", c.uid, "Linkedid", c.uid,
                    "DestChannel", c.opChannel, "DestUniqueid", c.opUid, "DestLinkedid", c.uid, "DialString",
                    c.opChannel);
            if (status != null) {
                e.put("DialStatus", status);
            }
            return e;
        }

        private static Map<String, String> hangup(String channel, String uniqueId) {
            return event("Hangup", "Channel", channel, "Uniqueid", uniqueId, "Linkedid", uniqueId, "Cause", "16",
                    "Cause-txt", "Normal Clearing");
        }
    }
}
