package org.tiphotline.console.testing;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.tiphotline.console.ConsoleApplication;

/**
 * The whole application, started as the run command starts it (embedded PostgreSQL, demo accounts, simulated
 * line) on a random port and a data directory the test owns, so a test can stop it and start it again on
 * the same data like an operator's server restarting.
 */
public final class RunningHotline implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningHotline(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static RunningHotline start(Path dataDir, Map<String, String> overrides) {
        return start(dataDir, overrides, null);
    }

    /**
     * As {@link #start(Path, Map)}, with {@code clock} as the time of every component instead of the system
     * clock (null: the system clock). It is added as the primary {@link Clock} before the context refreshes,
     * so the application's own configuration stays exactly what production runs, and every constructor that
     * asks for a clock gets this one.
     */
    public static RunningHotline start(Path dataDir, Map<String, String> overrides, Clock clock) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("hotline.data-dir", dataDir.toString());
        props.put("hotline.routing.tick", "100ms");
        props.put("spring.main.banner-mode", "off");
        // As the demo run: the simulated line is on, unless a test switches it off to see production's posture.
        props.put("hotline.telephony.simulated.enabled", "true");
        // As the demo: the demo accounts sign in with a password alone. Tests of the second factor override it; a
        // test that runs a profile gets that profile's own setting.
        if (!overrides.containsKey("spring.profiles.active")) {
            props.put("hotline.security.second-factor.required-roles", "");
        }
        props.putAll(overrides);
        if (!props.containsKey("spring.datasource.url")) {
            PristineCluster.copyInto(Path.of(String.valueOf(props.getOrDefault(
                    "hotline.database.embedded.data-directory", dataDir.resolve("postgres").toString()))),
                    Path.of(String.valueOf(props.getOrDefault("hotline.database.embedded.password-file",
                            dataDir.resolve("database-passwords.properties").toString()))));
        }
        // As command-line arguments: they outrank application.yml, as an operator's own settings would.
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        SpringApplicationBuilder app = new SpringApplicationBuilder(ConsoleApplication.class);
        if (clock != null) {
            app.initializers((ApplicationContextInitializer<ConfigurableApplicationContext>) context ->
                    ((GenericApplicationContext) context).registerBean("testClock", Clock.class, () -> clock,
                            definition -> definition.setPrimary(true)));
        }
        // Once the application has set its logging up (which detaches any appender), the number watch looks on.
        app.listeners(event -> {
            if (event instanceof org.springframework.boot.context.event.ApplicationContextInitializedEvent) {
                NumberWatch.watchLogs();
            }
        });
        return new RunningHotline(app.run(args));
    }

    public static RunningHotline start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /**
     * A second node of the same hotline, as production runs two: the first node's PostgreSQL as its external
     * database (so no embedded server, no demo accounts of its own: it sees the first's), the same data keys, its
     * own port and data directory. The first node leads (it was ready first); this one follows until it stops.
     */
    public static RunningHotline secondNode(RunningHotline first, Path dataDir, Map<String, String> overrides) {
        return secondNode(first, dataDir, overrides, null);
    }

    /** As {@link #secondNode(RunningHotline, Path, Map)}, with the given clock (null: the system clock). */
    public static RunningHotline secondNode(RunningHotline first, Path dataDir, Map<String, String> overrides,
            Clock clock) {
        Map<String, String> props = new LinkedHashMap<>(first.sharedDatabaseSettings());
        props.put("hotline.cluster.node", "second");
        props.putAll(overrides);
        return start(dataDir, props, clock);
    }

    /**
     * What another node needs to share this node's database: its address, the application's role and its password
     * (for the pool) and the schema owner's (for Flyway), as an external database's DBA hands them out
     * (docs/operations.md, "Database roles"), read from this node's password file; and the keys the data is
     * encrypted with (read from this node's key file, as an operator copies them into the second node's environment).
     */
    public Map<String, String> sharedDatabaseSettings() {
        Map<String, String> props = new LinkedHashMap<>();
        int port = bean(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class).getPort();
        java.util.Properties passwords = properties(Path.of(context.getEnvironment().getProperty(
                "hotline.database.embedded.password-file")), "the first node's database password file");
        props.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + port + "/postgres");
        props.put("spring.datasource.username", "hotline_app");
        props.put("spring.datasource.password", passwords.getProperty("hotline_app"));
        props.put("spring.flyway.user", "hotline_owner");
        props.put("spring.flyway.password", passwords.getProperty("hotline_owner"));
        Path keyFile = Path.of(context.getEnvironment().getProperty("hotline.protection.key-file"));
        java.util.Properties keys = properties(keyFile, "the first node's key file");
        for (String name : keys.stringPropertyNames()) {
            if (name.startsWith("key.")) {
                props.put("hotline.protection.keys." + name.substring(4), keys.getProperty(name));
            }
        }
        props.put("hotline.protection.active-key", keys.getProperty("active-key"));
        props.put("hotline.protection.hash-key", keys.getProperty("hash-key"));
        props.put("hotline.protection.audit-key", keys.getProperty("audit-key"));
        return props;
    }

    private static java.util.Properties properties(Path file, String what) {
        java.util.Properties props = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file)) {
            props.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(what + " " + file, e);
        }
        return props;
    }

    /**
     * This node stops serving, as a node whose process ends does for its clients (its HTTP and WebSocket
     * connections close, its lead passes to the other node), while its JVM keeps the embedded PostgreSQL that a
     * {@link #secondNode} runs on. Close it later as usual.
     */
    public void stopServing() {
        context.getBean(org.tiphotline.cluster.Leadership.class).destroy();
        ((WebServerApplicationContext) context).getWebServer().stop();
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public String base() {
        return "http://localhost:" + port();
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public <T> T bean(String name, Class<T> type) {
        return context.getBean(name, type);
    }

    /** Every bean of a type, by name: for tests that must see all of them (every handler mapping, say). */
    public <T> Map<String, T> beans(Class<T> type) {
        return context.getBeansOfType(type);
    }

    /** Hears the node's own events (in-JVM, so this node's only), until it is closed and after. */
    public void listen(org.springframework.context.ApplicationListener<?> listener) {
        context.addApplicationListener(listener);
    }

    @Override
    public void close() {
        context.close();
    }
}
