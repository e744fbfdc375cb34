package org.tiphotline.telephony.asterisk;

import java.time.Duration;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;

/**
 * The FastAGI sessions this node is running, so that a node that stops (a rolling upgrade, a restart) lets its
 * callers finish the IVR instead of cutting them off. A cut session is not tried on the other node: Asterisk's
 * {@code AGI()} ends with {@code AGISTATUS=SUCCESS} when the server closes the socket (res_agi.c reads the end of
 * the stream as the script having completed), and the sample dialplan, finding no {@code HOTLINE_IVR=done}, sends
 * that caller to {@code hotline-fallback}. Only a node that does not answer at all ({@code FAILURE}) makes the
 * dialplan try {@code HOTLINE_AGI_2}, which is what a stopping node's closed port gives new callers.
 */
final class AgiSessions {

    private int running;

    /** The script, counted while each session runs. */
    AgiScript counting(AgiScript script) {
        return (AgiRequest request, AgiChannel channel) -> {
            begun();
            try {
                script.service(request, channel);
            } finally {
                ended();
            }
        };
    }

    synchronized int running() {
        return running;
    }

    /** Waits until no session runs, at most {@code timeout}; answers whether none runs. */
    synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left; running > 0 && (left = deadline - System.nanoTime()) > 0;) {
            wait(Math.max(1, left / 1_000_000));
        }
        return running == 0;
    }

    private synchronized void begun() {
        running++;
    }

    private synchronized void ended() {
        running--;
        notifyAll();
    }
}
