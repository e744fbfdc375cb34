package org.tiphotline.telephony.asterisk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.operators.Operators;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.TelephonyStatus;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * Starts the Asterisk bridge when {@code hotline.telephony.asterisk.enabled=true}: the FastAGI server for the IVR
 * (on every node) and the AMI link (held by the leading node only). Neither a dropped AGI connection nor a lost AMI link stops the application: the first ends
 * one IVR (the dialplan's fallback takes that caller), the second is reconnected and resynced.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "hotline.telephony.asterisk", name = "enabled", havingValue = "true")
class AsteriskBridge {

    /** The script name in the dialplan's {@code AGI(agi://host:port/hotline)}. */
    static final String SCRIPT = "hotline";

    /** The name of the AGI latency metric: the adapter's time between Asterisk's reply and its next command. */
    static final String AGI_STEP_METRIC = "hotline.agi.step";

    @Bean(destroyMethod = "close")
    AsteriskLine asteriskLine(AsteriskSettings settings, AsteriskCallbackSettings callbacks, Switchboard switchboard,
            PendingReports pending, ObjectProvider<Router> router, DSLContext db, TransactionTemplate tx,
            DataSource dataSource, FieldCipher cipher, AuditTrail audit, Calls records, Operators operators,
            Leadership leadership) {
        return new AsteriskLine(settings, callbacks, switchboard, pending, router::getObject,
                new AsteriskLine.Cluster(db, tx, dataSource, cipher, audit, records, operators, leadership.node()));
    }

    /**
     * The AMI link follows the lead: taken when this node starts to lead (the link logs in on its own thread, never
     * the leadership thread), let go at once when it stops.
     */
    @Bean
    LinkFollowsLead asteriskLinkFollowsLead(AsteriskLine line) {
        return new LinkFollowsLead(line);
    }

    static final class LinkFollowsLead {

        private final AsteriskLine line;

        LinkFollowsLead(AsteriskLine line) {
            this.line = line;
        }

        @EventListener
        public void on(Leadership.Gained gained) {
            line.lead();
        }

        @EventListener
        public void on(Leadership.Lost lost) {
            if (Leadership.STOPPING.equals(lost.why())) {
                line.followWhenStopping();
            } else {
                line.follow();
            }
        }
    }

    /** The AMI link's state, for the administrator's status page. */
    @Bean
    TelephonyStatus asteriskStatus(AsteriskLine line) {
        return line.ami().status();
    }

    @Bean
    AgiSessions agiSessions() {
        return new AgiSessions();
    }

    /**
     * A stopping node lets the IVRs it runs end, alongside the web server's graceful shutdown (the same phase, so
     * both wait at once, within {@code spring.lifecycle.timeout-per-shutdown-phase}); its FastAGI port is closed
     * already, so new callers reach the other node ({@code HOTLINE_AGI_2}). A session cut here would send its
     * caller to the dialplan's fallback ({@link AgiSessions}).
     */
    @Bean
    SmartLifecycle agiSessionsEnd(AgiSessions sessions) {
        return new SmartLifecycle() {

            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public void stop(Runnable done) {
                running = false;
                Thread.ofPlatform().daemon().name("fastagi-drain").start(() -> {
                    try {
                        if (!sessions.awaitNone(java.time.Duration.ofMinutes(5))) {
                            org.slf4j.LoggerFactory.getLogger(AsteriskBridge.class).warn(
                                    "{} IVRs still running as the node stops", sessions.running());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.run();
                    }
                });
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            /** Spring Boot's graceful web shutdown's phase ({@code WebServerGracefulShutdownLifecycle}). */
            @Override
            public int getPhase() {
                return SmartLifecycle.DEFAULT_PHASE - 1024;
            }
        };
    }

    @Bean
    SmartLifecycle asteriskLifecycle(AsteriskSettings settings, AsteriskLine line, Switchboard switchboard,
            IvrScript script, ObjectProvider<MeterRegistry> meters, AgiSessions sessions) {
        return new SmartLifecycle() {

            private DefaultAgiServer agi;
            private volatile boolean running;

            @Override
            public void start() {
                AsteriskSettings ivr = settings.withIvrDefaults(script);
                MeterRegistry registry = meters.getIfAvailable();
                Timer steps = registry == null ? null : Timer.builder(AGI_STEP_METRIC)
                        .description("The adapter's time between reading Asterisk's AGI reply and sending its next "
                                + "command")
                        .publishPercentileHistogram().register(registry);
                agi = agiServer(settings, new HotlineIvr(switchboard, script, ivr, line, steps), sessions);
                // Registered before the link starts, so that the first connection is checked too.
                PromptCheck prompts = new PromptCheck(line.ami(), AsteriskPrompts.needed(ivr, script));
                line.ami().afterEveryConnection(prompts::run);
                line.start();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                // A stopping node lets the link go at once, so the next leader's login is the only one.
                line.follow();
                if (agi != null) {
                    // Closes the port and takes no new session; those running end on their own (agiSessionsEnd).
                    agi.shutdown();
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    private static DefaultAgiServer agiServer(AsteriskSettings settings, AgiScript ivr, AgiSessions sessions) {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.agi().bindAddress());
            // Fail the start-up on a port already taken rather than run without an IVR: the accept loop below
            // only logs a bind failure.
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(address, settings.agi().port()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("FastAGI cannot listen on " + settings.agi().bindAddress() + ":"
                    + settings.agi().port(), e);
        }
        SimpleMappingStrategy mapping = new SimpleMappingStrategy();
        mapping.setMappings(Map.of(SCRIPT, ivr));
        DefaultAgiServer server = new DefaultAgiServer(mapping) {
            // Asterisk-Java's own drops a connection accepted after its shutdown began without serving or closing
            // it: Asterisk then waits until the process ends and goes on with AGISTATUS=SUCCESS, to the fallback
            // (eight callers in a rolling-upgrade run). Such a session is served on a thread of its own instead,
            // and counted, so the node waits for it. Synchronized as shutdown() is: it cannot begin in between.
            @Override
            protected synchronized void execute(Runnable session) {
                Runnable counted = sessions.counted(session);
                if (isDie()) {
                    Thread.ofPlatform().daemon().name("fastagi-while-stopping").start(counted);
                    return;
                }
                try {
                    super.execute(counted);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    sessions.notRun();
                    throw e;
                }
            }
        };
        server.setAddress(address);
        server.setPort(settings.agi().port());
        server.setPoolSize(Math.min(10, settings.agi().threads()));
        server.setMaximumPoolSize(settings.agi().threads());
        Thread accept = Thread.ofPlatform().daemon().name("fastagi-accept").unstarted(() -> {
            try {
                server.startup();
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(AsteriskBridge.class).error("FastAGI server stopped: {}",
                        e.toString());
            }
        });
        accept.start();
        return server;
    }
}
