package org.tiphotline.telephony.asterisk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.asteriskjava.manager.action.GetVarAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.response.ManagerResponse;

/**
 * After each AMI connection, asks Asterisk whether every sound file the IVR plays is installed, and reports the
 * missing ones in the log (language and prompt, nothing about any call) and in {@link AsteriskStatus}.
 *
 * <p>AMI cannot look at files itself: {@code Getvar} of {@code STAT(...)} is refused on AMI's threads ("Dangerous
 * function STAT read blocked", Asterisk's {@code pbx_functions.c}) while {@code live_dangerously=no}, which must
 * stay. The dialplan may, so for each file the check Originates a Local channel into {@code [hotline-prompt-check]}
 * ({@code ops/asterisk/extensions.conf}) with the file's path; that extension writes a token and one
 * {@code STAT(e,…)} digit per format into a global variable and hangs up unanswered (no call, no sound), and
 * the check reads it back with {@code Getvar}. Both need only the AMI privileges the adapter already has.
 */
final class PromptCheck {

    static final String CONTEXT = "hotline-prompt-check";
    /** The formats the dialplan tests, in its order; a prompt in any one of them plays. */
    static final List<String> FORMATS = List.of("wav", "ulaw", "alaw", "gsm", "sln", "sln16", "wav16", "g722");
    static final String RESULT = "HOTLINE_PROMPT_FOUND";
    private static final long ORIGINATE_TIMEOUT_MS = 10_000;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PromptCheck.class);

    private final AmiLink link;
    private final List<AsteriskPrompts.Needed> needed;
    private final AtomicLong tokens = new AtomicLong(System.currentTimeMillis());

    PromptCheck(AmiLink link, List<AsteriskPrompts.Needed> needed) {
        this.link = link;
        this.needed = List.copyOf(needed);
    }

    /** Starts the check; returns at once. The outcome goes to the log and the link's status. */
    void run() {
        check().whenComplete((missing, failure) -> {
            if (failure != null) {
                Throwable root = root(failure);
                String why = root instanceof CompletionFailure ? root.getMessage()
                        : "the AMI link failed during the check (" + root.getClass().getSimpleName() + ": "
                                + root.getMessage() + ")";
                link.status().promptsUnchecked(why);
                log.warn("could not check the IVR prompts on Asterisk: {}", why);
                return;
            }
            link.status().prompts(Instant.now(), missing);
            if (missing.isEmpty()) {
                log.info("all {} IVR prompts are installed on Asterisk", needed.size());
            }
            missing.forEach(m -> log.warn("IVR prompt missing on Asterisk: {} in language {} ({} in no format of {}); "
                    + "callers will not hear it. See ops/asterisk/README.md, step 4", m.prompt(), m.language(),
                    m.file(), FORMATS));
        });
    }

    CompletableFuture<List<AsteriskStatus.MissingPrompt>> check() {
        return link.send(new GetVarAction("ASTDATADIR")).thenCompose(response -> {
            String dataDir = value(response);
            if (dataDir.isBlank()) {
                throw new CompletionFailure("Asterisk did not say where its sounds are (Getvar ASTDATADIR)");
            }
            String sounds = dataDir.replaceAll("/+$", "") + "/sounds/";
            CompletableFuture<List<AsteriskStatus.MissingPrompt>> chain =
                    CompletableFuture.completedFuture(new ArrayList<>());
            for (AsteriskPrompts.Needed prompt : needed) {
                String path = prompt.file().startsWith("/") ? prompt.file() : sounds + prompt.file();
                chain = chain.thenCompose(missing -> installed(path).thenApply(found -> {
                    if (!found) {
                        missing.add(new AsteriskStatus.MissingPrompt(prompt.language(), prompt.prompt(),
                                prompt.file()));
                    }
                    return missing;
                }));
            }
            return chain.thenApply(List::copyOf);
        });
    }

    private CompletableFuture<Boolean> installed(String path) {
        String token = Long.toString(tokens.incrementAndGet());
        OriginateAction originate = new OriginateAction();
        originate.setChannel("Local/s@" + CONTEXT + "/n");
        originate.setContext(CONTEXT);
        originate.setExten("s");
        originate.setPriority(1);
        originate.setAsync(true);
        originate.setTimeout(ORIGINATE_TIMEOUT_MS);
        originate.setVariable("HOTLINE_PROMPT_CHECK", token);
        originate.setVariable("HOTLINE_PROMPT", path);
        // The Local channel hangs up unanswered, so the originate "fails" by design; only the variable counts.
        return link.sendCollecting(originate, ORIGINATE_TIMEOUT_MS)
                .thenCompose(events -> link.send(new GetVarAction(RESULT)))
                .thenApply(response -> {
                    String value = value(response);
                    if (!value.startsWith(token + ":")) {
                        throw new CompletionFailure("the dialplan has no [" + CONTEXT + "] context: copy it from "
                                + "ops/asterisk/extensions.conf and run 'dialplan reload'");
                    }
                    return value.substring(token.length() + 1).contains("1");
                });
    }

    private static String value(ManagerResponse response) {
        String value = response instanceof org.asteriskjava.manager.response.GetVarResponse getVar
                ? getVar.getValue() : response.getAttribute("value");
        return value == null ? "" : value.strip();
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** A check that ran and could not conclude, with a reason an administrator can act on. */
    static final class CompletionFailure extends RuntimeException {

        CompletionFailure(String message) {
            super(message);
        }
    }
}
