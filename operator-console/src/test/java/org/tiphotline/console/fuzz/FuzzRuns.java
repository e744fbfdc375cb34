package org.tiphotline.console.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The end of every fuzz class's run: its figures written, what it opened closed, its data directory gone. */
final class FuzzRuns {

    private FuzzRuns() {
    }

    /** {@code open} in order, nulls skipped (a start that failed half way still ends cleanly). */
    static void end(Tally tally, Path data, AutoCloseable... open) throws Exception {
        tally.write();
        for (AutoCloseable c : open) {
            if (c != null) {
                c.close();
            }
        }
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            System.out.println("could not remove the fuzz data directory: " + e);
        }
    }
}
