package org.tiphotline.telephony.asterisk;

import java.time.Duration;

/**
 * The FastAGI sessions this node is running, so that a node that stops (a rolling upgrade, a restart) lets its
 * callers finish the IVR instead of cutting them off. A cut session is not tried on the other node: Asterisk's
 * {@code AGI()} ends with {@code AGISTATUS=SUCCESS} when the server closes the socket (res_agi.c reads the end of
 * the stream as the script having completed), and the sample dialplan, finding no {@code HOTLINE_IVR=done}, sends
 * that caller to {@code hotline-fallback}. Only a node that does not answer at all ({@code FAILURE}) makes the
 * dialplan try {@code HOTLINE_AGI_2}, which is what a stopping node's closed port gives new callers. Counted from
 * the moment a connection is accepted: the script alone would miss one accepted as the node began to stop.
 */
final class AgiSessions {

    private int running;

    /**
     * One accepted connection's handler (the whole session: request, script, close), counted from now until it
     * returns. {@link #notRun} when it was never started after all.
     */
    Runnable counted(Runnable session) {
        begun();
        return () -> {
            try {
                session.run();
            } finally {
                ended();
            }
        };
    }

    void notRun() {
        ended();
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
