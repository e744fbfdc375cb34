package org.tiphotline.protection;

import static org.tiphotline.db.Tables.AUDIT_SEAL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The chain's head, published where the database cannot rewrite it: on a schedule ({@link AuditSealer}) the leading
 * node signs the last
 * entry (seq, hash, time) with the audit key and writes it as one line to the application's log and to
 * {@code audit-heads.log} in {@link AuditChainSettings#headsDirectory()}. Someone with the database's rights who
 * rebuilds the chain (after deleting a row, say) cannot make it agree with heads already published, and without the
 * key cannot sign a head of their own; the verification ({@link AuditChainCheck}) compares the chain with every head
 * it finds in that directory's {@code *.log} files, so heads collected from the log can be dropped there too.
 *
 * <p>What it cannot see: a change made after the last published head and before the next (at most
 * {@code publish-every}), if the chain is rebuilt too.
 */
@Component
public class AuditHeads {

    /** The file the leading node appends to. */
    public static final String FILE = "audit-heads.log";

    /** A head as published: the chain's entry {@code seq} had {@code hash} at {@code at}. */
    public record Head(long seq, byte[] hash, Instant at) {}

    /** A head found in a file: where, and whether its signature holds under the audit key. */
    public record Published(Head head, String file, int line, boolean signed) {}

    private static final Logger log = LoggerFactory.getLogger(AuditHeads.class);
    private static final String PREFIX = "tiphotline audit head:";
    private static final Pattern LINE = Pattern.compile(Pattern.quote(PREFIX)
            + " seq=(\\d{1,18}) hash=([0-9a-f]{64}) at=(\\S+) sig=([0-9a-f]{64})");
    private static final HexFormat HEX = HexFormat.of();

    private final DSLContext db;
    private final AuditMacs macs;
    private final AuditChainSettings settings;
    private final Clock clock;
    /** The last head this node published (the leader's schedule, {@link AuditSealer}, calls one at a time). */
    private volatile long lastPublished = -1;

    public AuditHeads(DSLContext db, AuditMacs macs, AuditChainSettings settings, Clock clock) {
        this.db = db;
        this.macs = macs;
        this.settings = settings;
        this.clock = clock;
    }

    /** Publishes the chain's head if it moved since this node last did; the head published, if any. */
    public Optional<Head> publish() {
        Optional<Head> head = db.select(AUDIT_SEAL.SEQ, AUDIT_SEAL.CHAIN_HASH).from(AUDIT_SEAL)
                .orderBy(AUDIT_SEAL.SEQ.desc()).limit(1).fetchOptional()
                .map(r -> new Head(r.value1(), r.value2(), clock.instant().truncatedTo(ChronoUnit.MICROS)));
        if (head.isEmpty() || head.get().seq() == lastPublished) {
            return Optional.empty();
        }
        String line = line(head.get());
        append(line);
        // The log is the second copy, for a log collector that keeps it off this machine.
        log.info(line);
        lastPublished = head.get().seq();
        return head;
    }

    /** Every head line in the directory's {@code *.log} files, in file-name and line order. */
    public List<Published> read() {
        Path dir = settings.headsDirectory();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Published> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log") && Files.isRegularFile(f))
                    .sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = LINE.matcher(lines.get(i));
                    if (m.find()) {
                        parse(m, file.getFileName().toString(), i + 1).ifPresent(found::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the published audit heads in " + dir, e);
        }
        return found;
    }

    /** The line a head is published as. */
    String line(Head head) {
        return PREFIX + " seq=" + head.seq() + " hash=" + HEX.formatHex(head.hash()) + " at=" + head.at()
                + " sig=" + HEX.formatHex(macs.head(head.seq(), head.hash(), head.at()));
    }

    private Optional<Published> parse(Matcher m, String file, int line) {
        try {
            Head head = new Head(Long.parseLong(m.group(1)), HEX.parseHex(m.group(2)), Instant.parse(m.group(3)));
            boolean signed = MessageDigest.isEqual(HEX.parseHex(m.group(4)),
                    macs.head(head.seq(), head.hash(), head.at()));
            return Optional.of(new Published(head, file, line, signed));
        } catch (DateTimeParseException | NumberFormatException e) {
            return Optional.of(new Published(new Head(-1, new byte[0], Instant.EPOCH), file, line, false));
        }
    }

    private void append(String line) {
        Path dir = settings.headsDirectory();
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            try (FileChannel out = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                // On disk before it counts as published: a power cut must not lose a head the log already shows.
                out.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append the audit head to " + dir.resolve(FILE), e);
        }
    }
}
