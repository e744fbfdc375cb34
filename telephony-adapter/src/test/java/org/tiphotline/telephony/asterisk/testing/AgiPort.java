package org.tiphotline.telephony.asterisk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port for the hotline's FastAGI server in a test. The server binds its own socket some seconds after the test
 * chose the port, so a port the kernel handed out with {@code new ServerSocket(0)} can be taken in between by any
 * outgoing connection of the starting application (database pool, HTTP clients), which are given ports from the
 * same ephemeral range. It happened on CI. A port below that range is never handed out automatically.
 */
public final class AgiPort {

    /** Below Linux's default ephemeral range (32768–60999) and above the registered services' busiest ports. */
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;

    private AgiPort() {
    }

    public static int free() {
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                last = taken;
            }
        }
        throw new UncheckedIOException("no free port between " + LOW + " and " + HIGH + " after 50 tries", last);
    }
}
