package org.tiphotline.console.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real RabbitMQ with its STOMP plugin per test JVM: Debian's {@code rabbitmq-server} package (installed by
 * {@code .ci/run}), run in the foreground as the current user on loopback, with its own directories, node name,
 * Erlang cookie, ports and epmd, so it neither needs nor disturbs a system RabbitMQ. Started on first use, stopped
 * when the JVM exits. Never skipped: a missing package fails the test that needs it.
 */
public final class RabbitMq {

    private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static RabbitMq instance;

    private final Path dir;
    private final Path home;
    private final String nodeName;
    private final Process process;
    private final int stompPort;
    private final int epmdPort;

    private RabbitMq() throws IOException, InterruptedException {
        if (!Files.isExecutable(SERVER)) {
            throw new IllegalStateException(SERVER + " is missing: install Debian's rabbitmq-server package "
                    + "(apt-get install rabbitmq-server), as .ci/run does");
        }
        dir = Files.createTempDirectory("hotline-rabbitmq-");
        home = Files.createDirectories(dir.resolve("home"));
        // Erlang refuses a cookie file others may read; a cookie of our own keeps other Erlang nodes out.
        Path cookie = home.resolve(".erlang.cookie");
        Files.writeString(cookie, UUID.randomUUID().toString().replace("-", ""));
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
        int amqpPort = freePort();
        stompPort = freePort();
        int distPort = freePort();
        epmdPort = freePort();
        Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
                "listeners.tcp.default = 127.0.0.1:" + amqpPort,
                "stomp.listeners.tcp.1 = 127.0.0.1:" + stompPort,
                "log.console = true", "log.console.level = warning", "log.file = false", ""));
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_stomp].\n");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");

        ProcessBuilder builder = new ProcessBuilder(SERVER.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        // Not /etc/rabbitmq/rabbitmq-env.conf: a system installation's settings are not this server's.
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", Files.createDirectories(dir.resolve("mnesia")).toString());
        env.put("RABBITMQ_LOG_BASE", Files.createDirectories(dir.resolve("log")).toString());
        nodeName = "hotline-test-" + stompPort + "@localhost";
        env.put("RABBITMQ_NODENAME", nodeName);
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", String.valueOf(amqpPort));
        env.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
        // Its own epmd on loopback, which stop() ends: the default one would outlive the tests on port 4369.
        env.put("ERL_EPMD_PORT", String.valueOf(epmdPort));
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "rabbitmq-stop"));
        awaitStomp();
    }

    /** The JVM's RabbitMQ, started on first call (about 7 s). */
    public static synchronized RabbitMq get() {
        if (instance == null) {
            try {
                instance = new RabbitMq();
            } catch (IOException e) {
                throw new UncheckedIOException("RabbitMQ did not start", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while RabbitMQ started", e);
            }
        }
        return instance;
    }

    public int stompPort() {
        return stompPort;
    }

    /** The settings that make a node relay its live channel to this RabbitMQ. */
    public Map<String, String> relaySettings() {
        return Map.of("hotline.live.relay.host", "127.0.0.1", "hotline.live.relay.port", String.valueOf(stompPort));
    }

    /**
     * The broker closes every client connection at once, as a restart or a network blip does to its clients: the
     * nodes' relays (their system session and every browser's) must find their way back by themselves.
     */
    public void closeAllConnections() {
        try {
            ProcessBuilder ctl = new ProcessBuilder("/usr/lib/rabbitmq/bin/rabbitmqctl", "-n", nodeName,
                    "close_all_connections", "closed by a test: a broker blip").redirectErrorStream(true);
            ctl.environment().put("HOME", home.toString());
            ctl.environment().put("ERL_EPMD_PORT", String.valueOf(epmdPort));
            ctl.environment().put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
            Process run = ctl.start();
            String said = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl close_all_connections failed: " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rabbitmqctl did not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing RabbitMQ's connections", e);
        }
    }

    /**
     * The broker's log so far (warnings and worse: missed heart-beats, alarms, closed connections), for a benchmark
     * to keep next to its own figures before the broker's directory is deleted at exit.
     */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Ready when its STOMP listener answers a CONNECT with CONNECTED (the plugin starts after the node). */
    private void awaitStomp() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("RabbitMQ exited with " + process.exitValue() + ": " + logTail());
            }
            if (answersStomp()) {
                return;
            }
            Thread.sleep(200);
        }
        stop();
        throw new IllegalStateException("RabbitMQ's STOMP listener did not answer within " + START_TIMEOUT + ": "
                + logTail());
    }

    private boolean answersStomp() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), stompPort)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(9);
            return new String(answer, StandardCharsets.US_ASCII).equals("CONNECTED");
        } catch (IOException notYet) {
            return false;
        }
    }

    private String logTail() {
        String log = log();
        return log.substring(Math.max(0, log.length() - 2_000));
    }

    private synchronized void stop() {
        if (process.isAlive()) {
            // The start script stops the Erlang node on TERM; whatever it left behind goes after it.
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        try {
            new ProcessBuilder("epmd", "-port", String.valueOf(epmdPort), "-kill").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // No epmd left to end.
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory left behind is harmless.
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
