package org.tiphotline.telephony.asterisk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.tiphotline.calls.CallSettings;
import org.tiphotline.telephony.ivr.IvrScript;
import org.tiphotline.telephony.ivr.IvrSettings;
import org.tiphotline.telephony.ivr.IvrTexts;

/**
 * Makes the default Asterisk prompts at build time (telephony-adapter's {@code process-test-classes}): every
 * prompt of the IVR in every language that has texts, spoken by Debian's {@code espeak-ng} and converted by
 * {@code sox} into {@code <out>/<language>/hotline/<prompt>.wav}, the layout of Asterisk's sounds directory.
 *
 * <p>One format only, WAV (8 kHz, 16-bit, mono): Asterisk's {@code format_wav} plays it natively and turns it
 * into any codec in one cheap step, and with one file per prompt a recording that replaces it cannot be shadowed
 * by a leftover default in another format (Asterisk picks the cheapest format among files of the same name).
 * A language option prompt exists once per digit, since the digit depends on the deployment's order; so does the
 * "cannot speak freely" notice, whose digit is a setting.
 */
public final class DefaultPrompts {

    /** The digits the language menu can give (it offers at most nine languages). */
    static final int DIGITS = 9;
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    /** espeak-ng's voice per language; a language not listed uses its code as the voice name. */
    private static final Map<String, String> VOICES = Map.of("en", "en-029", "es", "es-419", "fr", "fr-fr");
    private static final String INSTALL = "the default IVR prompts are made with Debian's espeak-ng and sox: "
            + "install them (apt-get install -y espeak-ng sox) and build again";

    private DefaultPrompts() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: DefaultPrompts <output directory>");
            System.exit(2);
        }
        try {
            int made = make(Path.of(args[0]));
            System.out.println(made < 0 ? "IVR prompts up to date in " + args[0]
                    : "IVR prompts: " + made + " files in " + args[0]);
        } catch (IllegalStateException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Makes every file; -1 when the directory already holds these texts' files. */
    static int make(Path out) throws IOException, InterruptedException {
        requireTool("espeak-ng");
        requireTool("sox");
        List<Spoken> all = all();
        Path stamp = out.resolve(".texts-sha256");
        String digest = digest(all);
        if (Files.exists(stamp) && Files.readString(stamp).strip().equals(digest)
                && all.stream().allMatch(s -> Files.exists(out.resolve(s.file() + ".wav")))) {
            return -1;
        }
        Path raw = Files.createTempFile("ivr-prompt", ".wav");
        try {
            for (Spoken spoken : all) {
                Path target = out.resolve(spoken.file() + ".wav");
                Files.createDirectories(target.getParent());
                run(List.of("espeak-ng", "-v", VOICES.getOrDefault(spoken.language(), spoken.language()),
                        "-s", "150", "-w", raw.toString(), spoken.text()));
                // 8 kHz mono 16-bit, normalised a little below full scale, a quarter second of silence at
                // each end so that nothing is clipped when playback starts or a digit cuts it.
                run(List.of("sox", raw.toString(), "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer",
                        target.toString(), "gain", "-n", "-3", "pad", "0.25", "0.25"));
            }
        } finally {
            Files.deleteIfExists(raw);
        }
        Files.writeString(stamp, digest + "\n");
        return all.size();
    }

    /** One file to speak: its path under the sounds directory (no extension), its language and words. */
    record Spoken(String file, String language, String text) {}

    /** Every file, for every language with texts, in every such language's directory. */
    static List<Spoken> all() {
        List<String> languages = List.copyOf(IvrTexts.builtIn().languages());
        IvrScript script = new IvrScript(new IvrSettings(2, Duration.ofSeconds(5)), new CallSettings(languages));
        List<Spoken> all = new ArrayList<>();
        for (String directory : languages) {
            String dir = directory + "/" + AsteriskSettings.DEFAULT_DIRECTORY;
            List<String> prompts = new ArrayList<>(List.of(IvrScript.WELCOME));
            prompts.addAll(script.promptsAfterChoice());
            for (String prompt : prompts) {
                if (prompt.equals(IvrScript.CANNOT_SPEAK_FREELY)) {
                    // Once per digit a deployment may choose for it.
                    String text = required(directory, prompt);
                    for (String digit : script.quietDigitChoices()) {
                        all.add(new Spoken(dir + AsteriskSettings.quietNoticeSound(digit), directory,
                                text.replace(IvrTexts.DIGIT, digit)));
                    }
                } else {
                    all.add(new Spoken(dir + prompt, directory, required(directory, prompt)));
                }
            }
            // Option prompts play from the first language's directory, in their own language: any of these
            // languages may come first in a deployment.
            for (String option : languages) {
                String text = required(option, IvrScript.languageOptionPrompt(option));
                for (int digit = 1; digit <= DIGITS; digit++) {
                    all.add(new Spoken(dir + AsteriskSettings.languageOptionSound(option, Integer.toString(digit)),
                            option, text.replace(IvrTexts.DIGIT, Integer.toString(digit))));
                }
            }
        }
        return all;
    }

    private static String required(String language, String prompt) {
        String text = IvrTexts.builtIn().text(language, prompt);
        if (text == null) {
            throw new IllegalStateException("ivr-texts.properties has no text for " + language + "." + prompt);
        }
        return text;
    }

    private static void requireTool(String tool) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(tool, "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(tool + " does not run; " + INSTALL);
            }
        } catch (IOException e) {
            throw new IllegalStateException(tool + " is not installed; " + INSTALL);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command.getFirst() + " failed (" + String.join(" ",
                    command.subList(0, Math.min(4, command.size()))) + " ...): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    private static String digest(List<Spoken> all) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            all.forEach(s -> sha.update((s.file() + "\t" + s.language() + "\t" + s.text() + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            sha.update(VOICES.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
