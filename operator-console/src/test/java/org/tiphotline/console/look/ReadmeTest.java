package org.tiphotline.console.look;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README is followed by newcomers without guessing (issue 17, item 7): every link and image it and the docs use
 * points inside the repository and exists, and no table is broken into raw "|" text by a blank line.
 */
class ReadmeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    @Test
    void everyLinkAndImageOfTheReadmeAndTheDocsIsInsideTheRepositoryAndExists() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                // Web links are references; what a newcomer needs is in the repository, which is what is checked.
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")) {
                    continue;
                }
                String file = target.replaceAll("#.*$", "");
                Path resolved = doc.getParent().resolve(file).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(ROOT.relativize(doc) + ": " + target);
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(Files.readString(ROOT.resolve("README.md"))).doesNotContain("../shared");
    }

    @Test
    void noTableOfTheReadmeIsCutByABlankLine() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> cut = new ArrayList<>();
        for (int i = 1; i + 1 < lines.size(); i++) {
            // A blank line between two table rows, where the row after it does not start a new table (a header
            // followed by its |---| line), leaves everything below it as raw text on GitHub.
            boolean newTable = i + 2 < lines.size() && lines.get(i + 2).startsWith("|---");
            if (lines.get(i).isBlank() && lines.get(i - 1).startsWith("|") && lines.get(i + 1).startsWith("|")
                    && !newTable) {
                cut.add("line " + (i + 1));
            }
        }
        assertThat(cut).as("blank lines inside a table").isEmpty();
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (var files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        return docs;
    }
}
