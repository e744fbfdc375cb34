package org.tiphotline.telephony.asterisk.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient.End;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient.Transcript;

/** The client is only worth having if Asterisk-Java's own FastAGI server reads it as it reads Asterisk. */
@Timeout(30)
class FastAgiClientTest {

    private DefaultAgiServer server;
    private Thread serverThread;
    private int port;
    /** What the script saw or threw, recorded on the server's pool thread. */
    private final List<Object> seen = new CopyOnWriteArrayList<>();

    private void serve(AgiScript script) throws IOException {
        // DefaultAgiServer cannot report an ephemeral port, so borrow a free one; the client retries until bound.
        port = AgiPort.free();
        SimpleMappingStrategy mapping = new SimpleMappingStrategy();
        mapping.setMappings(Map.of("hotline", script));
        server = new DefaultAgiServer(mapping);
        server.setAddress(InetAddress.getLoopbackAddress());
        server.setPort(port);
        serverThread = new Thread(() -> {
            try {
                server.startup();
            } catch (IOException e) {
                seen.add(e);
            }
        }, "test-agi-server");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        if (server != null) {
            server.shutdown();
            serverThread.join(TimeUnit.SECONDS.toMillis(5));
            assertThat(serverThread.isAlive()).isFalse();
        }
    }

    private FastAgiClient client() {
        return new FastAgiClient("127.0.0.1", port).readTimeout(Duration.ofSeconds(5));
    }

    @Test
    void scriptSeesTheEnvironmentAndTheDigitAndEveryCommandIsTranscribed() throws Exception {
        serve((AgiRequest request, AgiChannel channel) -> {
            seen.add(request.getScript());
            seen.add(request.getCallerIdNumber());
            seen.add(request.getChannel());
            seen.add(List.of(request.getArguments()));
            channel.answer();
            seen.add(channel.getData("x", 1000, 1));
            channel.setVariable("A", "b");
            seen.add(channel.getVariable("A"));
            seen.add(channel.getVariable("UNSET"));
            seen.add(channel.streamFile("hotline/press-1", "12"));
        });
        FastAgiClient.Script caller = new FastAgiClient.Script().inputs("2", "1");

        Transcript transcript = client().args("en").run(caller);

        assertThat(seen).containsExactly("hotline", "+155501000001", "PJSIP/trunk-00000001", List.of("en"),
                "2", "b", null, '1');
        assertThat(transcript.end()).isEqualTo(End.SERVER_CLOSED);
        assertThat(transcript.commands()).containsExactly(
                "ANSWER",
                "GET DATA \"x\" 1000 1",
                "SET VARIABLE \"A\" \"b\"",
                "GET VARIABLE \"A\"",
                "GET VARIABLE \"UNSET\"",
                "STREAM FILE \"hotline/press-1\" \"12\"",
                // Asterisk-Java reports the outcome to the dialplan after every script.
                "SET VARIABLE \"AJ_AGISTATUS\" \"SUCCESS\"");
        assertThat(transcript.exchanges().get(5).reply()).isEqualTo("200 result=49 endpos=8000");
        assertThat(caller.variables()).containsEntry("A", "b").containsEntry("AJ_AGISTATUS", "SUCCESS");
    }

    @Test
    void hangupDuringAPromptReadsAsMinusOneThenTheNextMediaCommandThrows() throws Exception {
        serve((request, channel) -> {
            seen.add(channel.getData("hotline/welcome", 3000, 1));
            channel.setVariable("AFTER", "hangup");
            try {
                channel.streamFile("hotline/goodbye");
            } catch (AgiHangupException e) {
                seen.add("hangup");
                throw e;
            }
        });

        Transcript transcript = client().run(new FastAgiClient.Script().hangupAt(1));

        // Asterisk-Java does not throw on result=-1: the script must treat "-1" as the caller having gone.
        assertThat(seen).containsExactly("-1", "hangup");
        assertThat(transcript.exchanges()).extracting(FastAgiClient.Exchange::reply).containsExactly(
                "200 result=-1\nHANGUP",
                "200 result=1",
                FastAgiClient.DEAD_CHANNEL,
                "200 result=1");
        assertThat(transcript.commands().get(3)).isEqualTo("SET VARIABLE \"AJ_AGISTATUS\" \"FAILED\"");
        assertThat(transcript.end()).isEqualTo(End.SERVER_CLOSED);
    }

    @Test
    void hangupLineBeforeAReplyIsSkippedByTheLibrary() throws Exception {
        serve((request, channel) -> {
            channel.answer();
            seen.add(channel.getVariable("CALLERID(num)"));
            seen.add(channel.getFullVariable("${CALLERID(num)}"));
        });

        Transcript transcript = client().run(new FastAgiClient.Script()
                .variable("CALLERID(num)", "+155501000004").hangupAt(2));

        assertThat(seen).containsExactly("+155501000004", "+155501000004");
        assertThat(transcript.exchanges().get(1).reply()).isEqualTo("HANGUP\n200 result=1 (+155501000004)");
        assertThat(transcript.end()).isEqualTo(End.SERVER_CLOSED);
    }

    @Test
    void plainFunctionResponderAndReadTimeoutBoundTheSession() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        serve((request, channel) -> {
            seen.add(channel.exec("Playback", "hotline/hold"));
            // Hold the session open without a command, as a script stuck on a slow lookup would.
            try {
                release.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                seen.add(e);
            }
        });

        Transcript transcript = client().readTimeout(Duration.ofMillis(300))
                .run(command -> command.startsWith("EXEC") ? "200 result=0" : FastAgiClient.UNKNOWN_COMMAND);
        release.complete(null);

        assertThat(seen).containsExactly(0);
        assertThat(transcript.commands()).containsExactly("EXEC \"Playback\" \"hotline/hold\"");
        assertThat(transcript.end()).isEqualTo(End.READ_TIMEOUT);
    }
}
