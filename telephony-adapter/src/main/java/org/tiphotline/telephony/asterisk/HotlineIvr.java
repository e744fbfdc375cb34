package org.tiphotline.telephony.asterisk;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.command.AgiCommand;
import org.asteriskjava.fastagi.command.ChannelStatusCommand;
import org.asteriskjava.fastagi.command.SetVariableCommand;
import org.asteriskjava.fastagi.command.StreamFileCommand;
import org.asteriskjava.fastagi.command.WaitForDigitCommand;
import org.asteriskjava.fastagi.reply.AgiReply;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.telephony.ivr.IvrMenu;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * The hotline IVR over FastAGI: plays {@link IvrScript}'s menus, reports each answer to the core as it is given,
 * then ends the AGI session so that no thread is held while the caller waits or talks. The dialplan takes over
 * ({@code ops/asterisk/extensions.conf}): music on hold until the core picks an operator.
 *
 * <p>{@code HOTLINE_IVR=done} is set before the core is told the IVR is over, and nothing is sent after that:
 * once the core knows, it may move the channel at any moment, and the dialplan sends a caller whose IVR did not
 * finish (application unreachable, crashed, refused the call) to the human fallback line instead.
 *
 * <p>A prompt that cannot be played is a configuration fault, not a caller who left: Asterisk answers
 * {@code result=-1} both when the file is missing and when the caller hangs up during it, so the channel itself
 * is asked (a dead one answers 511, which Asterisk-Java raises as {@link AgiHangupException}). A live caller hears
 * the default language's prompt instead, or at worst the question's silence, and the IVR goes on.
 */
final class HotlineIvr implements AgiScript {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HotlineIvr.class);
    private static final String ALL_DIGITS = "0123456789*#";

    private final Switchboard switchboard;
    private final IvrScript script;
    private final AsteriskSettings settings;
    private final AsteriskLine line;
    /**
     * The adapter's own time per AGI step: from reading Asterisk's reply (or the request, for the first command)
     * to sending the next command. Null without a meter registry. Untagged: nothing of the call goes in a metric.
     */
    private final io.micrometer.core.instrument.Timer steps;
    /** When this thread's session last read from Asterisk, in nanoseconds; each AGI session has its own thread. */
    private final ThreadLocal<long[]> lastRead = ThreadLocal.withInitial(() -> new long[1]);
    /** Prompt files already reported as unplayable: one warning each, not one per caller. */
    private final java.util.Set<String> faultyPrompts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    HotlineIvr(Switchboard switchboard, IvrScript script, AsteriskSettings settings, AsteriskLine line,
            io.micrometer.core.instrument.Timer steps) {
        this.steps = steps;
        this.switchboard = switchboard;
        this.script = script;
        this.settings = settings;
        this.line = line;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) throws AgiException {
        lastRead.get()[0] = System.nanoTime();
        String uniqueId = request.getUniqueId();
        if (uniqueId == null || uniqueId.isBlank() || !usable(uniqueId, 128)) {
            // Found by the AGI fuzzer: an overlong id threw out of the script, one with NUL failed at the insert.
            log.warn("FastAGI request without a usable agi_uniqueid refused; the dialplan's fallback takes the "
                    + "caller");
            return;
        }
        CallRef ref = new CallRef(AsteriskLine.PROVIDER, uniqueId);
        try {
            // The line first: a resync running now must know this caller before their record can exist.
            line.arrivedInIvr(uniqueId, request.getChannel());
            switchboard.arrived(ref, request.getCallerIdNumber(), dialled(request));
            play(ref, channel, request.getCallerIdNumber());
        } catch (AgiHangupException hungUp) {
            switchboard.callerHungUp(ref);
        } catch (AgiException | RuntimeException e) {
            // Never the caller's data in the log: the call id and the kind of failure are enough to look it up.
            log.warn("IVR of asterisk call {} stopped: {}; the dialplan's fallback takes the caller", uniqueId,
                    e.getClass().getSimpleName());
        }
    }

    private void play(CallRef ref, AgiChannel channel, String callerNumber) throws AgiException {
        String language = script.menus().getFirst().fallback();
        boolean[] quietReported = {false};
        for (IvrMenu menu : script.menusFor(callerNumber)) {
            if (script.noticeBefore(menu)
                    && play(channel, language, IvrScript.CANNOT_SPEAK_FREELY, script.quietDigit()) != 0) {
                // Only the digit itself cuts the notice short; pressed during it, it counts as pressed at the
                // question that follows, which is then asked in full.
                reportQuiet(ref, quietReported);
            }
            String answer = ask(menu, language, channel, ref, quietReported);
            if (answer == null) {
                continue;
            }
            switchboard.ivrAnswered(ref, menu.question(), answer);
            if (menu.question() == IvrQuestion.LANGUAGE) {
                language = answer;
                // Asterisk then finds every later prompt under sounds/<language>/.
                send(channel, new SetVariableCommand("CHANNEL(language)", language));
            }
        }
        play(channel, language, IvrScript.CONFIDENTIALITY, null);
        send(channel, new SetVariableCommand("HOTLINE_IVR", "done"));
        switchboard.ivrCompleted(ref);
    }

    /** Asks one question until answered or out of attempts; null when nothing is to be reported. */
    private String ask(IvrMenu menu, String language, AgiChannel channel, CallRef ref, boolean[] quietReported)
            throws AgiException {
        boolean quietHeardHere = false;
        for (int attempt = 1; ; attempt++) {
            String digits = collect(menu, language, channel, attempt == 1);
            switch (menu.interpret(digits, attempt, quietHeardHere)) {
                case IvrMenu.Step.Answered answered -> {
                    return answered.answer();
                }
                case IvrMenu.Step.NotAnswered notAnswered -> {
                    return null;
                }
                case IvrMenu.Step.AskAgain again -> play(channel, language, IvrScript.INVALID, null);
                case IvrMenu.Step.CannotSpeakFreely quiet -> {
                    reportQuiet(ref, quietReported);
                    quietHeardHere = true;
                    // The same question again, on the same attempt.
                    attempt--;
                }
            }
        }
    }

    /** Reports the "cannot speak freely" digit, the first time the caller presses it. */
    private void reportQuiet(CallRef ref, boolean[] reported) {
        if (!reported[0]) {
            reported[0] = true;
            switchboard.ivrAnswered(ref, IvrQuestion.CANNOT_SPEAK_FREELY, "YES");
        }
    }

    /** Plays the menu's prompts, any digit cutting them short, then waits for one digit. Empty on silence. */
    private String collect(IvrMenu menu, String language, AgiChannel channel, boolean first) throws AgiException {
        // Each entry: the language of the prompt, the prompt.
        java.util.List<String[]> prompts = new java.util.ArrayList<>();
        if (menu.question() == IvrQuestion.LANGUAGE) {
            if (first) {
                prompts.add(new String[] {language, IvrScript.WELCOME});
            }
            // Each option in its own language, so every caller hears their language named in it.
            menu.options().values().forEach(option -> prompts.add(
                    new String[] {option, IvrScript.languageOptionPrompt(option)}));
        } else {
            prompts.add(new String[] {language, menu.prompt()});
        }
        for (String[] prompt : prompts) {
            char pressed = play(channel, prompt[0], prompt[1], ALL_DIGITS);
            if (pressed != 0) {
                return String.valueOf(pressed);
            }
        }
        AgiReply waited = send(channel, new WaitForDigitCommand(script.settings().digitTimeout().toMillis()));
        if (waited.getResultCode() < 0) {
            requireAlive(channel);
            return "";
        }
        return waited.getResultCode() == 0 ? "" : String.valueOf((char) waited.getResultCode());
    }

    /**
     * Plays a prompt, then the default language's if it could not be played; the digit it was cut short with,
     * or 0. Asterisk-Java's convenience methods turn {@code result=-1} into the same 0 as silence, which would let
     * a hung-up caller's IVR run on to its defaults and queue a call nobody is on: so the raw reply is read, and
     * the channel asked what -1 meant.
     */
    private char play(AgiChannel channel, String language, String prompt, String escapeDigits) throws AgiException {
        for (String file : files(language, prompt)) {
            StreamFileCommand command = escapeDigits == null ? new StreamFileCommand(file)
                    : new StreamFileCommand(file, escapeDigits);
            int code = send(channel, command).getResultCode();
            if (code >= 0) {
                return code == 0 ? 0 : (char) code;
            }
            requireAlive(channel);
            if (faultyPrompts.add(file)) {
                // The file name and language only: nothing about the caller.
                log.warn("IVR prompt '{}' ({} prompt '{}') cannot be played on Asterisk: a missing or unreadable "
                        + "sound file, a configuration fault; callers hear a fallback and the IVR goes on", file,
                        language, prompt);
            }
        }
        return 0;
    }

    /** The prompt's sound file, then the default language's one. */
    private java.util.List<String> files(String language, String prompt) {
        String file = settings.sound(language, prompt);
        String defaultLanguage = script.menus().getFirst().fallback();
        if (defaultLanguage == null || defaultLanguage.equals(language)) {
            return java.util.List.of(file);
        }
        String fallback = settings.sound(defaultLanguage, prompt);
        if (fallback.equals(file)) {
            // Not configured per language: Asterisk looks in sounds/<channel language>/ for both, so the default
            // language's file is named by its directory (Asterisk then finds it without a language).
            fallback = defaultLanguage + "/" + fallback;
        }
        return java.util.List.of(file, fallback);
    }

    /** Sends one command, timing the adapter's step before it (see {@link #steps}). */
    private AgiReply send(AgiChannel channel, AgiCommand command) throws AgiException {
        long[] read = lastRead.get();
        if (steps != null) {
            steps.record(System.nanoTime() - read[0], java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        try {
            return channel.sendCommand(command);
        } finally {
            read[0] = System.nanoTime();
        }
    }

    /** Throws AgiHangupException unless the caller is still on the line. */
    private void requireAlive(AgiChannel channel) throws AgiException {
        // A dead channel answers 511 (Asterisk-Java throws AgiHangupException on it) or closes the socket.
        if (send(channel, new ChannelStatusCommand()).getResultCode() < 0) {
            throw new AgiHangupException();
        }
    }

    private static String dialled(AgiRequest request) {
        String extension = request.getExtension();
        if (extension != null && !extension.isBlank() && !"s".equals(extension) && usable(extension, 40)) {
            return extension;
        }
        String dnid = request.getDnid();
        return dnid != null && !dnid.isBlank() && usable(dnid, 40) ? dnid : "unknown";
    }

    private static boolean usable(String value, int maxLength) {
        return value.length() <= maxLength && value.chars().noneMatch(Character::isISOControl);
    }
}
