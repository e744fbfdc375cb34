package org.tiphotline.console.asterisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.tiphotline.console.fuzz.StoredRecords;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.telephony.asterisk.testing.AgiPort;
import org.tiphotline.telephony.asterisk.testing.FakeAmiPeer;
import org.tiphotline.telephony.asterisk.testing.FastAgiClient;

/**
 * The FastAGI IVR under random input: a hostile AGI environment (ids, channels, caller ids, languages, unknown
 * variables) and random answers to its commands (digits, garbage results, error codes, hang-ups, nonsense lines).
 * The server must never hang a session (no read timeout), must keep accepting sessions, and what it stored keeps
 * the rules {@link StoredRecords} states. One application per class, with a fake AMI peer on loopback.
 */
class AgiInputFuzzTest {

    /** One session: the environment sent and the seed of the answers given to the server's commands. */
    record Session(Map<String, String> env, long answers) {}

    private static final String SECRET = "test-only-ami-secret";
    private static final List<String> ENV = List.of("uniqueid", "channel", "callerid", "calleridname", "extension",
            "language", "dnid", "context", "priority", "accountcode", "threadid", "enhanced", "type");

    private static Path data;
    private static FakeAmiPeer ami;
    private static RunningHotline hotline;
    private static int agiPort;
    private static final Map<String, Long> tally = new ConcurrentHashMap<>();

    @BeforeContainer
    static void start() throws IOException {
        data = Files.createTempDirectory("fuzz-agi");
        ami = new FakeAmiPeer("tiphotline", SECRET).banner("Asterisk Call Manager/9.0.0").asteriskVersion("20.5.0");
        agiPort = AgiPort.free();
        Map<String, String> settings = AsteriskTestSettings.of(agiPort, ami, SECRET);
        hotline = RunningHotline.start(data, settings);
        ami.awaitAction("CoreShowChannels", Duration.ofSeconds(10));
    }

    @AfterContainer
    static void stop() throws IOException {
        long inputs = tally.values().stream().mapToLong(Long::longValue).sum();
        String line = "fastagi sessions: " + inputs + " inputs; " + new java.util.TreeMap<>(tally);
        System.out.println(line);
        Files.writeString(Path.of("target", "fuzz-summary.txt"), java.time.Instant.now() + " " + line + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        if (hotline != null) {
            hotline.close();
        }
        ami.close();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(shrinking = ShrinkingMode.BOUNDED)
    void everySessionEndsAndTheServerKeepsServing(@ForAll("sessions") Session session) {
        FastAgiClient client = new FastAgiClient("127.0.0.1", agiPort).readTimeout(Duration.ofSeconds(5));
        session.env().forEach(client::env);
        Random answers = new Random(session.answers());
        AtomicBoolean hungUp = new AtomicBoolean();
        FastAgiClient.Transcript transcript;
        try {
            // After a hang-up Asterisk answers only what a dead channel allows (the client sends 511 for the rest).
            transcript = client.run(command -> hungUp.get() ? "200 result=1" : answer(command, answers, hungUp));
        } catch (ConnectException e) {
            throw new AssertionError("the FastAGI server stopped accepting sessions after " + session, e);
        } catch (IOException e) {
            // Closing a session on nonsense is the server's right; hanging it or dying is not.
            tally.merge("closed-midway", 1L, Long::sum);
            return;
        }
        tally.merge(transcript.end().name(), 1L, Long::sum);
        assertThat(transcript.end()).as("%s: %s", session, transcript.commands())
                .isNotEqualTo(FastAgiClient.End.READ_TIMEOUT);
    }

    /**
     * Found by this fuzzer: an overlong {@code agi_uniqueid} threw out of the IVR script, and a NUL in it or in the
     * extension reached PostgreSQL, which refused the insert. Now the first two are refused before anything is
     * stored, and an unusable extension gives way to the DNID (or "unknown"), so the call still enters the IVR.
     */
    @Example
    void unusableIdsAreRefusedAndAnUnusableExtensionIsUnknown() throws IOException {
        for (String id : List.of("x".repeat(129), "1761000000.\u0000")) {
            FastAgiClient.Transcript t = new FastAgiClient("127.0.0.1", agiPort).env("agi_uniqueid", id)
                    .readTimeout(Duration.ofSeconds(5)).run(command -> "200 result=1");
            assertThat(t.end()).isEqualTo(FastAgiClient.End.SERVER_CLOSED);
            // Only Asterisk-Java's own status line: no prompt for a call that cannot be stored.
            assertThat(t.commands()).as("no IVR for a call that cannot be stored")
                    .allMatch(c -> c.startsWith("SET VARIABLE \"AJ_AGISTATUS\""));
        }
        new FastAgiClient("127.0.0.1", agiPort).env("agi_uniqueid", "1761000000.901")
                .env("agi_extension", "87\u000065").readTimeout(Duration.ofSeconds(5))
                .run(new FastAgiClient.Script().hangupAt(2));
        assertThat(hotline.bean(org.jooq.DSLContext.class).fetchValue("select dialled_number from hotline.call "
                + "where provider_call_id = '1761000000.901'")).as("the DNID stands in").isEqualTo("+155501000000");
    }

    @AfterProperty
    void storedRecordsKeepTheirRules() {
        assertThat(new StoredRecords(hotline).violations()).isEmpty();
    }

    @Provide
    Arbitrary<Session> sessions() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("1761000000.11", "PJSIP/hotline-trunk-0000000b", "+15550100142", "8765", "en", "es",
                        "unknown", "", " ", "-1", "0", "99999999999999999999", "'; DROP TABLE call; --",
                        "<script>", "日本語", "😀", "\u202E", "\u0007", "%00", "a".repeat(300), "a".repeat(5000)),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(20).filter(s -> s.chars().noneMatch(c -> c == '\n'
                        || c == '\r') && isWellFormed(s)));
        Arbitrary<Map<String, String>> env = Arbitraries.maps(Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(ENV)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
                        .ofMaxLength(12))), values).ofMaxSize(6);
        return Combinators.combine(env, Arbitraries.longs()).as(Session::new);
    }

    /** A reply to one command: mostly plausible (digits, timeouts), sometimes errors, hang-ups or garbage. */
    private static String answer(String command, Random random, AtomicBoolean hungUp) {
        int dice = random.nextInt(20);
        if (dice == 0) {
            hungUp.set(true);
        }
        return switch (dice) {
            case 0 -> FastAgiClient.HANGUP + "\n" + FastAgiClient.DEAD_CHANNEL;
            case 1 -> FastAgiClient.UNKNOWN_COMMAND;
            case 2 -> "200 result=-1";
            case 3 -> "200 result=" + random.nextLong();
            case 4 -> "200 result=abc (\u0000garbage)";
            case 5 -> "520-Invalid command syntax.  Proper usage follows:\n520 End of proper usage.";
            case 6 -> "garbage line without a code";
            case 7 -> "200 result=1 (" + "9".repeat(random.nextInt(2000)) + ")";
            case 8 -> "200 result=";
            case 9 -> null;
            default -> {
                // A key press at a prompt (its ASCII code for WAIT FOR DIGIT / STREAM FILE), digits for GET DATA.
                String upper = command.toUpperCase(java.util.Locale.ROOT);
                char key = "0123456789*#".charAt(random.nextInt(12));
                if (upper.startsWith("GET DATA")) {
                    yield "200 result=" + key + key;
                }
                yield upper.startsWith("STREAM FILE") || upper.startsWith("GET OPTION")
                        ? "200 result=" + (int) key + " endpos=100" : "200 result=" + (int) key;
            }
        };
    }

    private static boolean isWellFormed(String s) {
        return s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF);
    }
}
