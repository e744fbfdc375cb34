package org.tiphotline.bench;

import static org.tiphotline.bench.EndToEndBenchmark.dial;
import static org.tiphotline.bench.EndToEndBenchmark.with;
import static org.tiphotline.bench.ScreenPopBenchmark.Settings.integer;
import static org.tiphotline.bench.ScreenPopBenchmark.Settings.text;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import org.tiphotline.console.testing.RabbitMq;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;

/**
 * Kill -9 of the leading node with calls in progress on two nodes (issue 19, "What it must show"). One PostgreSQL
 * (started here, durable), one RabbitMQ (Debian's, started here), two application nodes in JVMs of their own
 * behind a load balancer on loopback; {@code calls} calls in progress at all times, part through the Twilio
 * webhooks (signed as Twilio signs; WireMock as Twilio's REST API) and the rest through FastAGI ({@code FakeAmiPeer}
 * as Asterisk's manager interface, which only the leading node logs in to); {@code operators} operators as STOMP
 * clients spread over both nodes, who answer, save draft fields, hang up and submit. After {@code killAfterSeconds}
 * the leading node's JVM is killed with SIGKILL; the load goes on for {@code afterKillSeconds}, then the calls
 * drain and the run checks:
 *
 * <ul>
 *   <li>the other node leads (routing tick, timers) and holds the AMI link, and how long that took;
 *   <li>every call placed has exactly one record, and none is left open;
 *   <li>every draft save the server acknowledged is in the report;
 *   <li>no call was ever offered to two operators at once, and no operator was offered two calls at once;
 * </ul>
 *
 * and prints PASS or FAIL (exit code 1). The clients behave as theirs do: Twilio retries a webhook that got no
 * answer at the fallback URL (the load balancer), Asterisk's dialplan tries the other node's FastAGI, browsers
 * reconnect and pick their current call up again. Nothing personal is involved: fictional numbers and names.
 *
 * <p>Settings, as system properties (defaults in brackets): {@code failover.calls} [100],
 * {@code failover.twilioPercent} [50], {@code failover.operators} [20], {@code failover.killAfterSeconds} [20],
 * {@code failover.afterKillSeconds} [20], {@code failover.talkMs} [3000], {@code failover.callTimeoutSeconds} [120],
 * {@code failover.nodeJvmArgs} [{@code -XX:+UseZGC -Xmx512m}], {@code failover.tick} [500ms],
 * {@code failover.maxMinutes} [12], {@code failover.mode} [{@code kill}; {@code upgrade}: the leader is stopped cleanly
 * and comes back on a newer build, then the other node is restarted on the older one (docs/reliability.md)].
 */
public final class FailoverRun {

    public record Settings(int calls, int twilioPercent, int operators, int killAfterSeconds, int afterKillSeconds,
            int talkMs, int callTimeoutSeconds, String nodeJvmArgs, String tick, int maxMinutes, boolean upgrade) {

        static Settings fromSystemProperties() {
            return new Settings(integer("failover.calls", 100, 2, 1000),
                    integer("failover.twilioPercent", 50, 0, 100), integer("failover.operators", 20, 1, 99),
                    integer("failover.killAfterSeconds", 20, 1, 600),
                    integer("failover.afterKillSeconds", 20, 0, 600), integer("failover.talkMs", 3000, 2, 600_000),
                    integer("failover.callTimeoutSeconds", 120, 5, 900),
                    text("failover.nodeJvmArgs", "-XX:+UseZGC -Xmx512m"), text("failover.tick", "500ms"),
                    integer("failover.maxMinutes", 12, 1, 120),
                    "upgrade".equals(text("failover.mode", "kill")));
        }

        int twilioCalls() {
            return calls * twilioPercent / 100;
        }
    }

    /** One call as the run placed it: what happened to it on the caller's side. */
    static final class Placed {
        final String providerCallId;
        final boolean twilio;
        volatile boolean finished;
        volatile boolean affected;
        volatile String error;

        Placed(String providerCallId, boolean twilio) {
            this.providerCallId = providerCallId;
            this.twilio = twilio;
        }
    }

    /** A draft save the server acknowledged: it must be in the report at the end. */
    record Saved(String report, String field, Object value, String operator) {}

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String authToken = TwilioWebhookBenchmark.randomSecret();
    /** A Twilio SID is CA and 32 hex digits: 8 of this run's own, then 24 of the call's number. */
    private final String sidPrefix = String.format(Locale.ROOT, "CA%08x", System.nanoTime() & 0xffffffffL);
    private final AtomicLong callNumber = new AtomicLong();
    private final Map<String, Placed> placed = new ConcurrentHashMap<>();
    private final List<Saved> saved = java.util.Collections.synchronizedList(new ArrayList<>());
    private final TwilioMoves moves = new TwilioMoves();
    private final Map<String, BlockingQueue<Map<String, String>>> redirects = new ConcurrentHashMap<>();
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();
    /** Channels Asterisk carries now (what CoreShowChannels answers a new leader), by Uniqueid. */
    private final Map<String, Map<String, String>> channels = new ConcurrentHashMap<>();
    /** Escalations the server acknowledged raising (201), by id: each must reach the agency at least once. */
    private final Set<String> escalated = ConcurrentHashMap.newKeySet();
    private WireMockServer alertSink;
    private volatile long killedAtMillis;
    private volatile long tookLeadAtMillis;
    /** Twilio calls in progress (voice webhook to completed): what Twilio's REST API lists as live. */
    private final Set<String> twilioLive = ConcurrentHashMap.newKeySet();
    private final java.util.UUID liveListStub = java.util.UUID.randomUUID();
    private WireMockServer twilioRest;
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger retriedWebhooks = new AtomicInteger();
    private final AtomicInteger retriedAgi = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();
    private volatile String firstError;
    private volatile boolean loadOn = true;
    private volatile boolean running = true;
    private FakeAmiPeer ami;
    private String base;
    private final int[] agiPorts = new int[2];
    private static final String[] NODE_NAMES = {"a", "b"};
    private final String[] nodeProperties = new String[2];
    private final Path[] nodeData = new Path[2];
    private Path upgradeMigrations;
    private String password;

    public FailoverRun(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        ScreenPopBenchmark.quietLogging();
        Settings settings = Settings.fromSystemProperties();
        ScreenPopBenchmark.exitWithin(settings.maxMinutes(), () -> new FailoverRun(settings).run());
    }

    /** The whole run; answers 0 for PASS, 1 for FAIL. */
    public int run() throws Exception {
        password = TwilioWebhookBenchmark.randomSecret();
        Path data = Files.createTempDirectory("failover-run-");
        List<Node> nodes = new ArrayList<>();
        EmbeddedPostgres postgres = null;
        WireMockServer twilioApi = null;
        try {
            postgres = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres"))
                    .setCleanDataDirectory(true).setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on").start();
            RabbitMq broker = RabbitMq.get();
            twilioApi = TwilioWebhookBenchmark.twilioApiStub(moves);
            twilioRest = twilioApi;
            publishTwilioLive();
            alertSink = new WireMockServer(com.github.tomakehurst.wiremock.core.WireMockConfiguration.options()
                    .bindAddress("127.0.0.1").dynamicPort());
            alertSink.start();
            alertSink.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/alerts").willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)));
            ami = AgiBenchmark.fakeAmi(password);
            ami.respond("Setvar", (action, session) -> {
                session.send(FakeAmiPeer.response(action, "Success", "Message", "Variable Set"));
                if ("HOTLINE_OPERATOR_ENDPOINT".equals(action.get("Variable"))) {
                    endpoints.put(action.get("Channel"), action.get("Value"));
                }
            });
            ami.respond("Redirect", (action, session) -> {
                session.send(FakeAmiPeer.response(action, "Success", "Message", "Redirect successful"));
                redirects.computeIfAbsent(action.get("Channel"), c -> new LinkedBlockingQueue<>()).add(
                        action.headers());
            });
            ami.coreShowChannels(List.of());
            agiPorts[0] = AgiPort.free();
            agiPorts[1] = AgiPort.free();
            String shared = sharedProperties(postgres, broker, twilioApi, password);
            // Fixed ports: a node restarted (the rolling upgrade) comes back where the balancer looks for it.
            for (int i = 0; i < 2; i++) {
                nodeProperties[i] = shared + ";server.port=" + AgiPort.free() + ";hotline.telephony.asterisk.agi.port="
                        + agiPorts[i];
                nodeData[i] = data.resolve("node-" + NODE_NAMES[i]);
            }
            upgradeMigrations = futureMigration(data.resolve("newer-build"));
            nodes.add(Node.start(NODE_NAMES[0], nodeData[0], settings.nodeJvmArgs(), nodeProperties[0],
                    settings.operators(), password));
            nodes.add(Node.start(NODE_NAMES[1], nodeData[1], settings.nodeJvmArgs(), nodeProperties[1], 0,
                    password));
            try (LoopbackBalancer balancer = new LoopbackBalancer(nodes.stream().map(Node::port).toList())) {
                base = "http://127.0.0.1:" + balancer.port();
                System.out.printf(Locale.ROOT, "two nodes on :%d and :%d behind the balancer on :%d; PostgreSQL "
                        + ":%d; RabbitMQ STOMP :%d; FastAGI :%d and :%d; AMI peer :%d%n", nodes.get(0).port(),
                        nodes.get(1).port(), balancer.port(), postgres.getPort(), broker.stompPort(), agiPorts[0],
                        agiPorts[1], ami.port());
                return drive(nodes, password, postgres);
            }
        } finally {
            running = false;
            // The nodes first: their database and peers must outlive them, or they only log each other's end.
            for (Node node : nodes) {
                node.close();
            }
            if (ami != null) {
                ami.close();
            }
            if (twilioApi != null) {
                twilioApi.stop();
            }
            if (alertSink != null) {
                alertSink.stop();
            }
            if (postgres != null) {
                postgres.close();
            }
            ScreenPopBenchmark.deleteQuietly(data);
        }
    }

    private String sharedProperties(EmbeddedPostgres postgres, RabbitMq broker, WireMockServer twilioApi,
            String password) {
        SecureRandom random = new SecureRandom();
        StringBuilder p = new StringBuilder(String.join(";",
                "server.address=127.0.0.1",
                "hotline.telephony.simulated.enabled=false",
                "hotline.routing.tick=" + settings.tick(),
                "logging.level.root=WARN",
                "logging.level.org.tiphotline.cluster=INFO",
                "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                "spring.datasource.username=postgres",
                "spring.datasource.password=postgres",
                "hotline.protection.keys.k1=" + randomKey(random),
                "hotline.protection.active-key=k1",
                "hotline.protection.hash-key=" + randomKey(random),
                "hotline.protection.audit-key=" + randomKey(random)));
        broker.relaySettings().forEach((k, v) -> p.append(';').append(k).append('=').append(v));
        p.append(';').append(TwilioWebhookBenchmark.serverProperties(authToken, twilioApi));
        p.append(';').append(AgiBenchmark.serverProperties(0, ami, password).replace(
                "hotline.telephony.asterisk.agi.port=0;", ""));
        // One fictional agency, alerted by webhook to the run's sink (loopback: WebhookAlerts allows it).
        p.append(";hotline.directory.agencies[0].id=fo-police;hotline.directory.agencies[0].name=Failover Police "
                + "(fake);hotline.directory.agencies[0].roles[0]=POLICE;hotline.directory.agencies[0].alerts[0]"
                + ".channel=WEBHOOK;hotline.directory.agencies[0].alerts[0].target=http://127.0.0.1:")
                .append(alertSink.port()).append("/alerts");
        for (int i = 1; i <= settings.operators(); i++) {
            String name = ClusterNode.operatorName(i);
            p.append(";hotline.telephony.asterisk.endpoints[").append(name).append("]=PJSIP/").append(name);
        }
        return p.toString();
    }

    private static String randomKey(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private int drive(List<Node> nodes, String password, EmbeddedPostgres postgres) throws Exception {
        ThreadPoolTaskScheduler heartbeats = ScreenPopBenchmark.heartbeats();
        WebSocketStompClient stomp = ScreenPopBenchmark.stompClient(heartbeats);
        List<FailoverConsole> operators = new ArrayList<>();
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 1; i <= settings.operators(); i++) {
                // Half the consoles on each node, as the balancer's turns would put them.
                FailoverConsole op = FailoverConsole.open(stomp, base, "http://127.0.0.1:" + nodes.get(i % 2).port(),
                        ClusterNode.operatorName(i), password, reconnects);
                operators.add(op);
                available(op);
            }
            for (FailoverConsole op : operators) {
                Thread.ofVirtual().name("op-" + op.username).start(() -> work(op));
            }
            int twilioSlots = settings.twilioCalls();
            for (int slot = 0; slot < settings.calls(); slot++) {
                boolean twilio = slot < twilioSlots;
                int n = slot;
                callers.execute(() -> slot(twilio, n));
            }
            System.out.printf(Locale.ROOT, "%d operators connected and available; %d calls in progress (%d through "
                    + "Twilio, %d through FastAGI)%n", operators.size(), settings.calls(), twilioSlots,
                    settings.calls() - twilioSlots);
            Thread.sleep(TimeUnit.SECONDS.toMillis(settings.killAfterSeconds()));

            Node leader = nodes.stream().filter(Node::leads).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no node leads before the kill"));
            Node survivor = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
            Map<String, Integer> before = callStates(postgres);
            int loginsBefore = ami.logins();
            long killedAt = System.nanoTime();
            killedAtMillis = System.currentTimeMillis();
            if (settings.upgrade()) {
                // Measured from the request to stop, not from the process's end: the lead must pass while the
                // stopping node still finishes its requests in flight.
                leader.requestStop();
                System.out.printf(Locale.ROOT, "asked the leading node %s to stop (as systemd does, for its upgrade) "
                        + "with calls in progress: %s%n", leader.name, before);
            } else {
                leader.kill();
                System.out.printf(Locale.ROOT, "killed -9 the leading node %s with calls in progress: %s%n",
                        leader.name, before);
            }
            long tookLead = awaitNanos(survivor::leads, Duration.ofSeconds(30));
            tookLeadAtMillis = System.currentTimeMillis();
            long tookAmi = awaitNanos(() -> ami.logins() > loginsBefore, Duration.ofSeconds(30));
            System.out.printf(Locale.ROOT, "node %s leads %s after it; holds the AMI link %s after it%n",
                    survivor.name, millis(tookLead, killedAt), millis(tookAmi, killedAt));
            if (settings.upgrade()) {
                leader.awaitExit();
                System.out.printf(Locale.ROOT, "node %s's process ended %.1f s after it was asked to stop%n",
                        leader.name, (System.nanoTime() - killedAt) / 1e9);
            }
            if (settings.upgrade()) {
                upgrade(nodes, leader, survivor);
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(settings.afterKillSeconds()));
            loadOn = false;
            callers.shutdown();
            if (!callers.awaitTermination(settings.callTimeoutSeconds() + 30L, TimeUnit.SECONDS)) {
                error("the calls in progress did not finish within " + settings.callTimeoutSeconds() + " s");
            }
            running = false;
            return verify(postgres, operators, tookLead > 0 && tookAmi > 0);
        } finally {
            running = false;
            callers.shutdownNow();
            for (FailoverConsole op : operators) {
                op.close();
            }
            stomp.stop();
            heartbeats.shutdown();
        }
    }

    /**
     * The operator says they are available, as the console's button does, and again if no confirmation came: the
     * console's subscriptions travel to RabbitMQ on their own, so the first answer can reach the broker before the
     * subscription it is for (a person would press the button again).
     */
    private static void available(FailoverConsole op) throws InterruptedException {
        for (int attempt = 1;; attempt++) {
            op.presence("AVAILABLE");
            try {
                op.awaitPresence("AVAILABLE", 10);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * The rest of a rolling upgrade: the stopped node comes back on the newer build (one more migration, which
     * the node still on the older build must survive), then the older node is restarted as it is, against the
     * newer schema, as happens when it is upgraded in turn or merely restarts before that.
     */
    private void upgrade(List<Node> nodes, Node stopped, Node older) throws Exception {
        int i = java.util.Arrays.asList(NODE_NAMES).indexOf(stopped.name);
        long started = System.nanoTime();
        Node newer = Node.start(stopped.name, nodeData[i], settings.nodeJvmArgs(), nodeProperties[i]
                + ";spring.flyway.locations=classpath:db/migration,filesystem:" + upgradeMigrations, 0, password);
        nodes.set(i, newer);
        System.out.printf(Locale.ROOT, "node %s is back on the newer build (migration V9000 applied) after %.1f s%n",
                newer.name, (System.nanoTime() - started) / 1e9);
        Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(1, settings.afterKillSeconds() / 2)));
        int j = 1 - i;
        older.stop();
        started = System.nanoTime();
        Node again = Node.start(older.name, nodeData[j], settings.nodeJvmArgs(), nodeProperties[j], 0, password);
        nodes.set(j, again);
        System.out.printf(Locale.ROOT, "node %s restarted on the older build against the newer schema after %.1f s; "
                + "node %s leads: %s%n", again.name, (System.nanoTime() - started) / 1e9, newer.name, newer.leads());
    }

    /** The newer build's one extra migration: expand only, as docs/operations.md asks of every migration. */
    private static Path futureMigration(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("V9000__rolling_upgrade_drill.sql"), """
                -- A newer build's migration for the rolling-upgrade run: a new table and a nullable column, which an
                -- older build neither reads nor writes.
                create table hotline.upgrade_drill (id bigint primary key, noted_at timestamptz not null);
                alter table hotline.call add column upgrade_drill_note text;
                """);
        return dir.toAbsolutePath();
    }

    private static String millis(long at, long since) {
        return at < 0 ? "NEVER" : String.format(Locale.ROOT, "%.1f s", (at - since) / 1e9);
    }

    /** Polls until the condition holds; answers System.nanoTime() then, or -1 after the timeout. */
    private static long awaitNanos(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        return -1;
    }

    // ---- the callers ----

    private void slot(boolean twilio, int slot) {
        // Spread over the first two seconds, the two paths interleaved.
        try {
            Thread.sleep(slot * 2000L / Math.max(1, settings.calls()));
        } catch (InterruptedException e) {
            return;
        }
        while (running && loadOn) {
            try {
                if (twilio) {
                    twilioCall();
                } else {
                    asteriskCall(slot);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                error((twilio ? "twilio: " : "asterisk: ") + e.getMessage());
                try {
                    // A caller who could not get through calls again, not at once.
                    Thread.sleep(1000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void twilioCall() throws Exception {
        long n = callNumber.incrementAndGet();
        String sid = sidPrefix + String.format(Locale.ROOT, "%024x", n);
        Placed call = new Placed(sid, true);
        placed.put(sid, call);
        Map<String, String> form = TwilioWebhookBenchmark.callForm(sid, n, "ringing");
        Map<String, String> inProgress = with(form, "CallStatus", "in-progress");
        BlockingQueue<String> moved = moves.of(sid);
        twilioLive.add(sid);
        publishTwilioLive();
        try {
            webhook(call, "/twilio/voice", form, "<Gather");
            webhook(call, "/twilio/ivr?q=LANGUAGE&attempt=1&lang=en", with(inProgress, "Digits", "1"), "<Gather");
            webhook(call, "/twilio/ivr?q=IMMEDIATE_DANGER&attempt=1&lang=en", with(inProgress, "Digits", "2"),
                    "<Gather");
            webhook(call, "/twilio/ivr?q=CALLER_TYPE&attempt=1&lang=en", with(inProgress, "Digits", "1"),
                    "/twilio/queued?lang=en");
            webhook(call, "/twilio/queued?lang=en", inProgress, "<Response");
            String connect;
            while (true) {
                String url = moved.poll(settings.callTimeoutSeconds(), TimeUnit.SECONDS);
                if (url == null) {
                    throw new IllegalStateException("call never moved to an operator");
                }
                connect = url.startsWith(TwilioWebhookBenchmark.PUBLIC_BASE)
                        ? url.substring(TwilioWebhookBenchmark.PUBLIC_BASE.length()) : url;
                if (connect.startsWith("/twilio/connect")) {
                    break;
                }
                webhook(call, connect, inProgress, "<Response");
            }
            String operator = connect.substring(connect.indexOf("operator=") + "operator=".length());
            webhook(call, connect, inProgress, "<Dial");
            String leg = sidPrefix + String.format(Locale.ROOT, "%024x", callNumber.incrementAndGet());
            Map<String, String> legForm = TwilioWebhookBenchmark.callForm(leg, n, "ringing");
            legForm.put("ParentCallSid", sid);
            legForm.put("Direction", "outbound-dial");
            String status = "/twilio/operator-status?operator=" + operator;
            Live live = new Live(call,
                    () -> webhook(call, status, with(legForm, "CallStatus", "in-progress"), "<Response"),
                    () -> {
                        webhook(call, "/twilio/dial-done?operator=" + operator, with(with(inProgress,
                                "DialCallStatus", "completed"), "DialCallSid", leg), "<Hangup");
                        webhook(call, "/twilio/status", with(form, "CallStatus", "completed"), "<Response");
                    });
            lives.put(sid, live);
            webhook(call, status, legForm, "<Response");
            live.await(settings.callTimeoutSeconds());
            call.finished = true;
        } catch (Exception e) {
            call.error = e.getMessage();
            throw e;
        } finally {
            moves.forget(sid);
            lives.remove(sid);
            twilioLive.remove(sid);
            publishTwilioLive();
        }
    }

    /**
     * Twilio's list of live calls, as a new leader asks for it (it closes the records of calls not in it): the
     * calls this run has in progress, all as in-progress.
     */
    private synchronized void publishTwilioLive() {
        StringBuilder json = new StringBuilder("{\"calls\": [");
        String comma = "";
        for (String sid : twilioLive) {
            json.append(comma).append("{\"sid\": \"").append(sid).append("\", \"status\": \"in-progress\"}");
            comma = ", ";
        }
        json.append("], \"next_page_uri\": null}");
        var stub = com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/2010-04-01/Accounts/.*/Calls\\.json"))
                .withQueryParam("Status", com.github.tomakehurst.wiremock.client.WireMock.equalTo("in-progress"))
                .atPriority(1).withId(liveListStub)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody(json.toString()));
        if (twilioRest.getSingleStubMapping(liveListStub) == null) {
            twilioRest.stubFor(stub);
        } else {
            twilioRest.editStub(stub);
        }
    }

    /**
     * One webhook as Twilio sends it, through the balancer. No answer, or a 5xx, and Twilio asks the fallback URL
     * (the balancer again, which by then sends it to the node that is up); a status callback is retried the same
     * way. Three tries within about five seconds.
     */
    private void webhook(Placed call, String path, Map<String, String> form, String expected)
            throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (attempt > 1) {
                call.affected = true;
                retriedWebhooks.incrementAndGet();
                Thread.sleep(attempt * 1000L);
            }
            try {
                HttpResponse<String> reply = http.send(TwilioWebhookBenchmark.signed(base, authToken, path, form),
                        HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() >= 500) {
                    last = new IOException(path.replaceFirst("\\?.*", "") + " answered " + reply.statusCode());
                    continue;
                }
                if (reply.statusCode() != 200 || !reply.body().contains(expected)) {
                    String body = reply.body();
                    throw new IllegalStateException(path.replaceFirst("\\?.*", "") + " answered "
                            + reply.statusCode() + ": " + body.substring(0, Math.min(120, body.length()))
                            .replaceAll("\\s+", " "));
                }
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private void asteriskCall(int slot) throws Exception {
        long n = callNumber.incrementAndGet();
        String uniqueId = "1762000000." + n;
        String channel = String.format(Locale.ROOT, "PJSIP/fo-trunk-%08x", n);
        Placed call = new Placed(uniqueId, false);
        placed.put(uniqueId, call);
        BlockingQueue<Map<String, String>> moved = redirects.computeIfAbsent(channel,
                c -> new LinkedBlockingQueue<>());
        channelIn(uniqueId, channel, "hotline-inbound", "AGI");
        try {
            ivr(call, uniqueId, channel, (int) n, slot % 2);
            // The dialplan holds the caller with music until the application Redirects them.
            channelIn(uniqueId, channel, "hotline-wait", "MusicOnHold");
            while (true) {
                Map<String, String> redirect = moved.poll(settings.callTimeoutSeconds(), TimeUnit.SECONDS);
                if (redirect == null) {
                    throw new IllegalStateException("caller never redirected to an operator");
                }
                channelIn(uniqueId, channel, redirect.get("Context"), "hotline-connect".equals(
                        redirect.get("Context")) ? "Dial" : "MusicOnHold");
                if ("hotline-connect".equals(redirect.get("Context"))) {
                    break;
                }
            }
            String endpoint = endpoints.remove(channel);
            if (endpoint == null) {
                throw new IllegalStateException("redirected without an operator endpoint");
            }
            String operatorId = "1763000000." + n;
            String operatorChannel = String.format(Locale.ROOT, "%s-%08x", endpoint, n);
            Live live = new Live(call,
                    () -> amiEvent(call, dial("DialEnd", channel, uniqueId, operatorChannel, operatorId, "ANSWER")),
                    () -> {
                        amiEvent(call, FakeAmiPeer.event("BridgeLeave", "Channel", operatorChannel, "Uniqueid",
                                operatorId, "Linkedid", uniqueId, "BridgeUniqueid", "b-" + n));
                        amiEvent(call, AgiBenchmark.hangup(operatorChannel, operatorId));
                        channels.remove(uniqueId);
                        ami.coreShowChannels(List.copyOf(channels.values()));
                        amiEvent(call, AgiBenchmark.hangup(channel, uniqueId));
                    });
            lives.put(uniqueId, live);
            amiEvent(call, dial("DialBegin", channel, uniqueId, operatorChannel, operatorId, null));
            live.await(settings.callTimeoutSeconds());
            call.finished = true;
        } catch (Exception e) {
            call.error = e.getMessage();
            throw e;
        } finally {
            redirects.remove(channel);
            endpoints.remove(channel);
            lives.remove(uniqueId);
            if (channels.remove(uniqueId) != null) {
                ami.coreShowChannels(List.copyOf(channels.values()));
            }
        }
    }

    /** The caller's channel as Asterisk's CoreShowChannels lists it to a new leader: where in the dialplan it is. */
    private void channelIn(String uniqueId, String channel, String context, String application) {
        Map<String, String> row = FakeAmiPeer.channel(channel, uniqueId);
        row.put("Context", context);
        row.put("Exten", "s");
        row.put("Application", application);
        channels.put(uniqueId, row);
        ami.coreShowChannels(List.copyOf(channels.values()));
    }

    /**
     * Asterisk's side of the IVR: the dialplan's FastAGI to one node, or to the other if that one does not answer
     * (AGISTATUS=FAILURE). A session the node closes before the IVR is done ends in {@code AGISTATUS=SUCCESS}
     * (res_agi.c reads the end of the stream as the script having completed), and the sample dialplan then sends
     * the caller to {@code hotline-fallback}: in the rolling upgrade that is a caller lost to the hotline, an
     * error, since a node stopping cleanly lets its IVRs end. After a kill -9 it is what Asterisk does too; the
     * run still tries the other node there, as a stand-in for the fallback's people, and counts it as affected.
     */
    private void ivr(Placed call, String uniqueId, String channel, int n, int firstNode) throws Exception {
        String last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            int port = agiPorts[(firstNode + attempt) % 2];
            if (attempt > 0) {
                call.affected = true;
                retriedAgi.incrementAndGet();
            }
            AgiBenchmark.Timed timed = new AgiBenchmark.Timed(
                    new FastAgiClient.Script().inputs("1", "", "2", "1", "1"), 0);
            try {
                last = AgiBenchmark.ivr(AgiBenchmark.agiClient(port, uniqueId, channel, n), timed, uniqueId);
            } catch (IOException e) {
                last = "FastAGI on :" + port + ": " + e.getMessage();
                continue;
            }
            if (last == null) {
                return;
            }
            if (settings.upgrade()) {
                throw new IllegalStateException("cut mid-IVR by a node stopping cleanly (the dialplan's fallback "
                        + "takes the caller): " + last);
            }
        }
        throw new IllegalStateException(last);
    }

    /** An AMI event from Asterisk: it reaches the node holding the link; none holds it during a takeover. */
    private void amiEvent(Placed call, Map<String, String> event) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ami.sendEvent(event) == 0) {
            // No node logged in: the event is lost, as Asterisk loses it; the new leader's resync finds the
            // channel's state. The run resends it once a node listens, as the next real event would come.
            call.affected = true;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no node took the AMI link within 30 s");
            }
            Thread.sleep(100);
        }
    }

    // ---- the operators ----

    /** A call ringing at or answered by an operator: what the operator's side does to it through the provider. */
    private record Live(Placed call, Step answer, Step hangUp, java.util.concurrent.CompletableFuture<Void> done) {

        Live(Placed call, Step answer, Step hangUp) {
            this(call, answer, hangUp, new java.util.concurrent.CompletableFuture<>());
        }

        void await(int seconds) throws Exception {
            done.get(seconds, TimeUnit.SECONDS);
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private final Map<String, Live> lives = new ConcurrentHashMap<>();

    private static final Map<String, Object> FIELDS = Map.of("situation", "POTENTIAL", "place", "Portland",
            "victimAge", 30);

    private void work(FailoverConsole op) {
        while (running) {
            FailoverConsole.Pop pop;
            try {
                pop = op.pops.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (pop == null) {
                continue;
            }
            Live live = lives.get(pop.providerCallId());
            if (live == null || live.done().isDone()) {
                continue;
            }
            String report = "/api/reports/" + pop.report();
            try {
                op.expect("open report", () -> op.http().get(report), 200);
                if (!pop.answered()) {
                    live.answer().run();
                }
                for (Map.Entry<String, Object> field : FIELDS.entrySet()) {
                    op.expect("save " + field.getKey(), () -> op.http().put(report + "/fields/" + field.getKey(),
                            Map.of("value", field.getValue())), 200);
                    saved.add(new Saved(pop.report(), field.getKey(), field.getValue(), op.username));
                }
                if (Math.floorMod(pop.providerCallId().hashCode(), 4) == 0 && !pop.answered()) {
                    escalate(op, pop.call());
                }
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(settings.talkMs() / 2,
                        settings.talkMs() * 3L / 2 + 1));
                live.hangUp().run();
                op.awaitCallEnded(pop.call(), settings.callTimeoutSeconds());
                op.expect("submit", () -> op.http().post(report + "/submit", null), 200);
            } catch (Exception e) {
                error(op.username + ": " + e.getMessage());
                op.presence("AVAILABLE");
            } finally {
                live.done().complete(null);
            }
        }
    }

    /** The operator alerts the fictional police about the call; the escalation must reach them at least once. */
    private void escalate(FailoverConsole op, String call) throws InterruptedException {
        String[] id = new String[1];
        // One key for every attempt, as the console's own escalation button sends: a raise that reached the node
        // that then died is answered again, not made twice.
        String key = "failover-escalation-" + call;
        op.expect("escalate", () -> {
            var text = op.http().postWith("/api/calls/" + call + "/escalations", Map.of("agency", "fo-police",
                    "level", "URGENT", "danger", "OTHER", "reason", "failover run (fake)"),
                    Map.of("Idempotency-Key", key));
            tools.jackson.databind.JsonNode body = null;
            if (text.status() == 201) {
                body = tools.jackson.databind.json.JsonMapper.builder().build().readTree(text.body());
            }
            if (body != null) {
                id[0] = body.path("id").asString("");
            }
            return new org.tiphotline.console.testing.ConsoleClient.Response(text.status(), body);
        }, 201);
        escalated.add(id[0]);
    }

    private void error(String what) {
        if (errors.incrementAndGet() == 1) {
            firstError = what;
        }
        if (errors.get() <= 10) {
            System.err.println("[failover] " + what);
        }
    }

    // ---- the checks ----

    private int verify(EmbeddedPostgres postgres, List<FailoverConsole> operators, boolean tookOver)
            throws Exception {
        List<String> failures = new ArrayList<>();
        if (!tookOver) {
            failures.add("the other node did not take the lead and the AMI link");
        }
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
            // Every call placed has exactly one record.
            Map<String, Integer> records = new java.util.HashMap<>();
            try (ResultSet r = sql.executeQuery("select provider_call_id, count(*) from hotline.call "
                    + "where provider in ('twilio', 'asterisk') group by provider_call_id")) {
                while (r.next()) {
                    records.put(r.getString(1), r.getInt(2));
                }
            }
            long missing = placed.keySet().stream().filter(id -> !records.containsKey(id)).count();
            long doubled = records.values().stream().filter(c -> c > 1).count();
            if (missing > 0) {
                failures.add(missing + " calls placed have no record");
            }
            if (doubled > 0) {
                failures.add(doubled + " calls have more than one record");
            }
            // None left open once the provider no longer carries it (all calls of the run are over).
            int open = single(sql, "select count(*) from hotline.call where state <> 'ENDED'");
            if (open > 0) {
                failures.add(open + " calls are still open after the run");
            }
            // Never offered twice at once: per call, an OFFERED while the last offer still stands; per operator,
            // a second call offered while one still rings at them.
            int twiceAtOnce = single(sql, """
                    with e as (
                      select type, lag(type) over (partition by call_id order by seq) as before
                        from hotline.call_event
                       where type in ('OFFERED', 'NO_ANSWER', 'ANSWERED', 'ENDED', 'ABANDONED'))
                    select count(*) from e where type = 'OFFERED' and before = 'OFFERED'""");
            if (twiceAtOnce > 0) {
                failures.add(twiceAtOnce + " offers were made while the call's last offer still stood");
            }
            int operatorTwice = single(sql, """
                    with e as (
                      select call_id, type, operator_id, at,
                             lead(at) over (partition by call_id order by seq) as settled
                        from hotline.call_event
                       where type in ('OFFERED', 'NO_ANSWER', 'ANSWERED', 'ENDED', 'ABANDONED')),
                    offers as (select * from e where type = 'OFFERED')
                    select count(*) from offers a join offers b on a.operator_id = b.operator_id
                       and a.call_id < b.call_id and a.at < coalesce(b.settled, 'infinity')
                       and b.at < coalesce(a.settled, 'infinity')""");
            if (operatorTwice > 0) {
                failures.add(operatorTwice + " times an operator was offered a call while another rang at them");
            }
        }
        // Every acknowledged draft save is in its report.
        Map<String, FailoverConsole> byName = new java.util.HashMap<>();
        operators.forEach(op -> byName.put(op.username, op));
        int lostSaves = 0;
        Map<String, tools.jackson.databind.JsonNode> reports = new java.util.HashMap<>();
        synchronized (saved) {
            for (Saved s : saved) {
                tools.jackson.databind.JsonNode report = reports.computeIfAbsent(s.report(),
                        id -> byName.get(s.operator()).http().get("/api/reports/" + id).body());
                tools.jackson.databind.JsonNode value = report.path("report").path("values").path(s.field());
                if (value.isMissingNode() || !String.valueOf(s.value()).equals(value.asString(""))
                        && !String.valueOf(s.value()).equals(value.toString())) {
                    lostSaves++;
                }
            }
        }
        if (lostSaves > 0) {
            failures.add(lostSaves + " acknowledged draft saves are not in their reports");
        }
        // Every escalation reached the agency; a second delivery only for an alert in flight at the kill.
        Map<String, List<Long>> deliveries = new java.util.HashMap<>();
        for (var request : alertSink.getAllServeEvents()) {
            tools.jackson.databind.JsonNode packet = org.tiphotline.console.testing.ConsoleClient.parse(
                    request.getRequest().getBodyAsString());
            deliveries.computeIfAbsent(packet.path("escalation").asString("") + " round "
                    + packet.path("round").asInt(), k -> new ArrayList<>())
                    .add(request.getRequest().getLoggedDate().getTime());
        }
        long unalerted = escalated.stream().filter(e -> !deliveries.containsKey(e + " round 1")).count();
        long twice = deliveries.values().stream().filter(d -> d.size() > 1).count();
        long twiceOutsideTheKill = deliveries.values().stream().filter(d -> d.size() > 1)
                .filter(d -> d.stream().mapToLong(Long::longValue).min().orElse(0) < killedAtMillis - 5000
                        || d.stream().mapToLong(Long::longValue).min().orElse(0) > tookLeadAtMillis + 5000).count();
        System.out.printf(Locale.ROOT, "escalations raised %d; alerts delivered %d; escalations never alerted %d; "
                + "alerts delivered twice %d (at-least-once: allowed only for an alert in flight at the kill; "
                + "outside it: %d)%n", escalated.size(), deliveries.values().stream().mapToInt(List::size).sum(),
                unalerted, twice, twiceOutsideTheKill);
        if (unalerted > 0) {
            failures.add(unalerted + " escalations never reached the agency");
        }
        if (twiceOutsideTheKill > 0) {
            failures.add(twiceOutsideTheKill + " alerts were sent twice outside the kill's window");
        }
        long finished = placed.values().stream().filter(c -> c.finished).count();
        long affected = placed.values().stream().filter(c -> c.affected).count();
        System.out.printf(Locale.ROOT, "calls placed %d, finished %d, affected by the kill %d (webhooks retried %d, "
                + "FastAGI sessions retried on the other node %d, consoles reconnected %d); draft saves "
                + "acknowledged %d; errors %d%s%n", placed.size(), finished, affected, retriedWebhooks.get(),
                retriedAgi.get(), reconnects.get(), saved.size(), errors.get(),
                firstError == null ? "" : " (first: " + firstError + ")");
        if (errors.get() > 0) {
            failures.add(errors.get() + " calls or operators met an error");
        }
        if (failures.isEmpty()) {
            System.out.println("PASS");
            return 0;
        }
        diagnose(postgres);
        failures.forEach(f -> System.out.println("  " + f));
        System.out.println("FAIL");
        return 1;
    }

    /** What a failed run leaves to look at: the operators' presence and the life of every call not finished. */
    private void diagnose(EmbeddedPostgres postgres) throws java.sql.SQLException {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
            try (ResultSet r = sql.executeQuery("select u.username, o.presence, o.since from "
                    + "hotline.routing_operator o join hotline.app_user u on u.id = o.operator_id order by u.username")) {
                while (r.next()) {
                    System.out.printf(Locale.ROOT, "  operator %s: %s since %s%n", r.getString(1), r.getString(2),
                            r.getTimestamp(3).toInstant());
                }
            }
            // Alerts not sent: who claimed them and until when (a claim by the killed node is the usual suspect).
            try (ResultSet r = sql.executeQuery("select escalation_id, round, recipient, due_at, claimed_by, "
                    + "claimed_until, failure is not null from hotline.escalation_alert where sent_at is null "
                    + "order by due_at")) {
                while (r.next()) {
                    System.out.printf(Locale.ROOT, "  alert not sent: escalation %s round %d to %s due %s, claimed "
                            + "by %s until %s, failed %s%n", r.getString(1), r.getInt(2), r.getString(3),
                            r.getTimestamp(4).toInstant(), r.getString(5), r.getTimestamp(6) == null ? "-"
                                    : r.getTimestamp(6).toInstant(), r.getBoolean(7));
                }
            }
            for (Placed call : placed.values()) {
                if (call.finished) {
                    continue;
                }
                try (var q = db.prepareStatement("select string_agg(e.type || coalesce('@' || e.operator_id, '') || ' '"
                        + " || to_char(e.at, 'HH24:MI:SS.MS'), ', ' order by e.seq) from hotline.call c join "
                        + "hotline.call_event e on e.call_id = c.id where c.provider_call_id = ?")) {
                    q.setString(1, call.providerCallId);
                    try (ResultSet r = q.executeQuery()) {
                        r.next();
                        System.out.printf(Locale.ROOT, "  call %s (%s): %s%n", call.providerCallId,
                                call.error == null ? "unfinished" : call.error, r.getString(1));
                    }
                }
            }
        }
    }

    private static int single(Statement sql, String query) throws java.sql.SQLException {
        try (ResultSet r = sql.executeQuery(query)) {
            r.next();
            return r.getInt(1);
        }
    }

    private static Map<String, Integer> callStates(EmbeddedPostgres postgres) throws java.sql.SQLException {
        Map<String, Integer> states = new java.util.TreeMap<>();
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement();
                ResultSet r = sql.executeQuery(
                        "select state, count(*) from hotline.call where state <> 'ENDED' group by state")) {
            while (r.next()) {
                states.put(r.getString(1), r.getInt(2));
            }
        }
        return states;
    }

    /** A node's JVM, driven over stdin/stdout ({@link ClusterNode}). */
    static final class Node implements AutoCloseable {
        final String name;
        private final Process process;
        private final Writer commands;
        private final BlockingQueue<String> replies;
        private final int port;

        private Node(String name, Process process, BlockingQueue<String> replies, int port) {
            this.name = name;
            this.process = process;
            this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.replies = replies;
            this.port = port;
        }

        static Node start(String name, Path data, String jvmArgs, String properties, int operators,
                String password) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(java.util.Arrays.stream(jvmArgs.split("\\s+")).filter(a -> !a.isBlank()).toList());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(),
                    data.toString(), properties + ";hotline.cluster.node=" + name, Integer.toString(operators)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().put("BENCH_PASSWORD", password);
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            BlockingQueue<String> replies = new LinkedBlockingQueue<>();
            Thread.ofPlatform().daemon().name("node-" + name + "-output").start(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = out.readLine()) != null;) {
                        if (l.startsWith(ClusterNode.REPLY)) {
                            replies.add(l.substring(ClusterNode.REPLY.length()));
                        } else {
                            System.err.println("[node " + name + "] " + l);
                        }
                    }
                } catch (IOException e) {
                    // the node is gone
                }
                replies.add("gone");
            });
            String ready = replies.poll(240, TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("ready ")) {
                process.destroyForcibly();
                throw new IllegalStateException("node " + name + " did not start: " + ready);
            }
            return new Node(name, process, replies, Integer.parseInt(ready.substring("ready ".length())));
        }

        int port() {
            return port;
        }

        boolean leads() {
            if (!process.isAlive()) {
                return false;
            }
            try {
                commands.write("leads\n");
                commands.flush();
                return "true".equals(replies.poll(5, TimeUnit.SECONDS));
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** A clean stop, as systemd's: the node steps down and closes its connections itself. */
        void stop() throws InterruptedException {
            close();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** As systemd's stop, without waiting for the process to end ({@link #awaitExit}). */
        void requestStop() {
            try {
                commands.write("stop\n");
                commands.flush();
            } catch (IOException e) {
                process.destroyForcibly();
            }
        }

        /** The end of a process asked to stop; after 30 s, as ops/systemd's TimeoutStopSec=30 does, a SIGKILL. */
        void awaitExit() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        /** SIGKILL: no shutdown hook, no stepping down; PostgreSQL sees the sessions close. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            if (!process.isAlive()) {
                return;
            }
            try {
                commands.write("stop\n");
                commands.flush();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
