package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.agi;
import static org.tiphotline.console.asterisk.AsteriskTestCalls.caller;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.asterisk.AsteriskTestSettings;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;

/**
 * A rolling upgrade stops one node cleanly while callers are in its IVR. Asterisk continues a FastAGI session that
 * the server closes in the dialplan as if the script had finished (res_agi.c: AGISTATUS=SUCCESS), and the sample
 * dialplan sends a caller without HOTLINE_IVR=done to the fallback, not to the other node: so a stopping node lets
 * its IVRs end, and only new callers, refused at its closed port (AGISTATUS=FAILURE), go to the other node.
 */
class UpgradeAgiSessionsTest {

    private static final String SECRET = "test-only-ami-secret";

    @TempDir
    Path first;
    @TempDir
    Path second;

    FakeAmiPeer ami;
    RunningHotline a;
    RunningHotline b;

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        if (ami != null) {
            ami.close();
        }
    }

    @Test
    void aStoppingNodeLetsTheIvrsItRunsEndAndRefusesNewOnes() throws Exception {
        ami = new FakeAmiPeer("tiphotline", SECRET).banner("Asterisk Call Manager/9.0.0").asteriskVersion("20.5.0");
        a = RunningHotline.start(first, AsteriskTestSettings.of(AgiPort.free(), ami, SECRET));
        int bAgi = AgiPort.free();
        b = RunningHotline.secondNode(a, second, AsteriskTestSettings.of(bAgi, ami, SECRET));

        // The caller is in the middle of b's IVR when b is asked to stop, and takes a while to press the next key.
        CompletableFuture<Void> stopping = new CompletableFuture<>();
        FastAgiClient.Script keys = caller("1", "2", "1", "1");
        AtomicInteger commands = new AtomicInteger();
        FastAgiClient session = agi(bAgi, "1762000300.1", "PJSIP/hotline-trunk-00000301")
                .readTimeout(Duration.ofSeconds(30));
        CompletableFuture<FastAgiClient.Transcript> ivr = session.runAsync(command -> {
            if (commands.incrementAndGet() == 4) {
                RunningHotline node = b;
                Thread.ofPlatform().start(() -> {
                    try {
                        node.close();
                        stopping.complete(null);
                    } catch (RuntimeException e) {
                        stopping.completeExceptionally(e);
                    }
                });
                sleep(1500);
            }
            return keys.apply(command);
        });

        FastAgiClient.Transcript transcript = ivr.get(60, TimeUnit.SECONDS);
        stopping.get(60, TimeUnit.SECONDS);
        b = null;

        assertThat(keys.variables()).as("the IVR ran to its end on the stopping node")
                .containsEntry("HOTLINE_IVR", "done");
        assertThat(a.bean(Calls.class).idOf(new CallRef("asterisk", "1762000300.1"))
                .flatMap(a.bean(Calls.class)::load).orElseThrow().state())
                .as("the caller waits for an operator").isEqualTo(CallState.QUEUED);
        assertThat(transcript.commands()).isNotEmpty();
        // A new caller meets a closed port: Asterisk's AGISTATUS=FAILURE, and the dialplan tries the other node.
        assertThatThrownBy(() -> agi(bAgi, "1762000300.2", "PJSIP/hotline-trunk-00000302")
                .connectTimeout(Duration.ofSeconds(2)).run(caller("1", "2", "1", "1")))
                .isInstanceOf(IOException.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
