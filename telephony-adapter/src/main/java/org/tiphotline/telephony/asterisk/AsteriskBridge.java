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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.TelephonyStatus;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * Starts the Asterisk bridge when {@code hotline.telephony.asterisk.enabled=true}: the FastAGI server for the IVR
 * and the AMI link. Neither a dropped AGI connection nor a lost AMI link stops the application: the first ends
 * one IVR (the dialplan's fallback takes that caller), the second is reconnected and resynced.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "hotline.telephony.asterisk", name = "enabled", havingValue = "true")
class AsteriskBridge {

    /** The script name in the dialplan's {@code AGI(agi://host:port/hotline)}. */
    static final String SCRIPT = "hotline";

    @Bean(destroyMethod = "close")
    AsteriskLine asteriskLine(AsteriskSettings settings, AsteriskCallbackSettings callbacks, Switchboard switchboard,
            PendingReports pending, ObjectProvider<Router> router) {
        return new AsteriskLine(settings, callbacks, switchboard, pending, router::getObject);
    }

    /** The AMI link's state, for the administrator's status page. */
    @Bean
    TelephonyStatus asteriskStatus(AsteriskLine line) {
        return line.ami().status();
    }

    @Bean
    SmartLifecycle asteriskLifecycle(AsteriskSettings settings, AsteriskLine line, Switchboard switchboard,
            IvrScript script) {
        return new SmartLifecycle() {

            private DefaultAgiServer agi;
            private volatile boolean running;

            @Override
            public void start() {
                AsteriskSettings ivr = settings.withIvrDefaults(script);
                agi = agiServer(settings, new HotlineIvr(switchboard, script, ivr, line));
                // Registered before the link starts, so that the first connection is checked too.
                PromptCheck prompts = new PromptCheck(line.ami(), AsteriskPrompts.needed(ivr, script));
                line.ami().afterEveryConnection(prompts::run);
                line.start();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                if (agi != null) {
                    agi.shutdown();
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }

    private static DefaultAgiServer agiServer(AsteriskSettings settings, AgiScript ivr) {
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
        DefaultAgiServer server = new DefaultAgiServer(mapping);
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
