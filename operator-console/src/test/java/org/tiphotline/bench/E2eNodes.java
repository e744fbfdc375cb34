package org.tiphotline.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.tiphotline.console.testing.RabbitMq;
import org.tiphotline.telephony.asterisk.testing.AgiPort;

/**
 * The server side of one {@link EndToEndBenchmark} configuration. One node: the README's single-node default (the
 * application's own embedded PostgreSQL, Spring's simple broker), as the benchmark always ran it. Two nodes: as
 * ops/ describes a two-node hotline, both application JVMs on one durable PostgreSQL (started here, in the
 * benchmark's data directory, with the settings the application gives its embedded one), the same data keys, and
 * the STOMP broker relay to RabbitMQ (Debian's package, {@link RabbitMq}); each node has its own HTTP and FastAGI
 * port, and both log in to the same AMI peer (the leader acts on it). The first node creates the accounts and
 * leads; the second sees them in the shared database.
 */
final class E2eNodes implements AutoCloseable {

    /** Node names, as {@code hotline.cluster.node} and in the report. */
    static final String[] NAMES = {"a", "b"};

    final List<ScreenPopBenchmark.Target> targets = new ArrayList<>();
    final List<Integer> agiPorts = new ArrayList<>();
    /** Each node's Tomcat access log directory and, with stages, its {@link WebhookStages} file. */
    final List<Path> accessLogs = new ArrayList<>();
    final List<Path> webhookStages = new ArrayList<>();
    private EmbeddedPostgres postgres;

    private E2eNodes() {}

    /**
     * Starts {@code count} nodes (1 or 2) in {@code data} with the {@code common} properties (adapters, endpoints)
     * and the benchmark's own ({@code bench.serverProperties}, last, so they win).
     */
    static E2eNodes start(int count, EndToEndBenchmark.Settings settings, Path data, String common,
            String password) throws Exception {
        E2eNodes nodes = new E2eNodes();
        try {
            String shared = count == 1 ? "" : nodes.shared(data);
            for (int i = 0; i < count; i++) {
                int agiPort = AgiPort.free();
                Path nodeData = count == 1 ? data : data.resolve("node-" + NAMES[i]);
                StringBuilder p = new StringBuilder(common).append(shared)
                        .append(";hotline.telephony.asterisk.agi.port=").append(agiPort);
                if (count > 1) {
                    p.append(";hotline.cluster.node=").append(NAMES[i]);
                }
                // Tomcat's own time for each request (from reading it to the response written), to set next to the
                // client's: what the server spends, without the benchmark's own queueing on the shared cores.
                Path access = nodeData.resolve("access").toAbsolutePath();
                p.append(";server.tomcat.accesslog.enabled=true;server.tomcat.accesslog.directory=").append(access)
                        .append(";server.tomcat.accesslog.rotate=false;server.tomcat.accesslog.buffered=false")
                        .append(";server.tomcat.accesslog.pattern=%{begin:msec}t %U %D");
                if (settings.stages()) {
                    Path stages = nodeData.resolve("webhook-stages.log").toAbsolutePath();
                    p.append(";spring.main.sources=").append(WebhookStages.class.getName())
                            .append(";bench.webhook-stages=").append(stages);
                    nodes.webhookStages.add(stages);
                }
                p.append(';').append(settings.serverProperties());
                // The second node's accounts are the first's, in the shared database.
                int operators = i == 0 ? settings.operators() : 0;
                java.nio.file.Files.createDirectories(nodeData);
                nodes.targets.add(settings.fork() || count > 1
                        ? ScreenPopBenchmark.Forked.start(nodeData, settings.serverJvmArgs(), operators,
                                settings.tick(), p.toString(), settings.stages(), password)
                        : ScreenPopBenchmark.inProcess(BenchServer.start(nodeData, operators, password,
                                settings.tick(), p.toString(), settings.stages()), settings.stages()));
                nodes.agiPorts.add(agiPort);
                nodes.accessLogs.add(access);
            }
            return nodes;
        } catch (Exception | Error e) {
            nodes.close();
            throw e;
        }
    }

    /** What both nodes of two share: the database (started here), its data keys, the broker relay. */
    private String shared(Path data) throws IOException {
        postgres = EmbeddedPostgres.builder().setDataDirectory(data.resolve("postgres")).setCleanDataDirectory(true)
                .setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").setServerConfig("full_page_writes", "on").start();
        SecureRandom random = new SecureRandom();
        StringBuilder p = new StringBuilder()
                .append(";spring.datasource.url=jdbc:postgresql://127.0.0.1:").append(postgres.getPort())
                .append("/postgres;spring.datasource.username=postgres;spring.datasource.password=postgres")
                .append(";hotline.protection.keys.k1=").append(randomKey(random))
                .append(";hotline.protection.active-key=k1;hotline.protection.hash-key=").append(randomKey(random))
                .append(";hotline.protection.audit-key=").append(randomKey(random));
        RabbitMq.get().relaySettings().forEach((k, v) -> p.append(';').append(k).append('=').append(v));
        // The relay's own account of its broker connections (system session up or down), above the WARN of the rest.
        p.append(";logging.level.org.springframework.messaging.simp.stomp=INFO");
        return p.toString();
    }

    private static String randomKey(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    int count() {
        return targets.size();
    }

    String base(int node) {
        return "http://127.0.0.1:" + targets.get(node).port();
    }

    /** The nodes first: their database must outlive them, or they only log its end. */
    @Override
    public void close() {
        for (ScreenPopBenchmark.Target target : targets) {
            target.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("[bench] could not stop the shared PostgreSQL: " + e);
            }
        }
    }
}
