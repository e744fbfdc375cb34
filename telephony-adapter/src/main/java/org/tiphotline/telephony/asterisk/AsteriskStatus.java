package org.tiphotline.telephony.asterisk;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.tiphotline.telephony.TelephonyStatus;

/**
 * What the Asterisk adapter last saw of its AMI link and of the IVR's prompts on that Asterisk, for the
 * administrators' status page (two links: the AMI connection, and the prompts). Written by {@link AmiLink} and
 * {@link PromptCheck}, read from any thread; it never asks Asterisk itself.
 */
final class AsteriskStatus implements TelephonyStatus {

    static final String AMI = "Asterisk manager interface (AMI)";
    static final String PROMPTS = "IVR prompts on Asterisk";
    /** What a node that does not lead shows: the link is not down, another node holds it. */
    static final String HELD_ELSEWHERE = "held by the leading node";

    /** A prompt the IVR would play and this Asterisk does not have (file: under its sounds directory). */
    record MissingPrompt(String language, String prompt, String file) {}

    private boolean up;
    /** When the link last went up or down; null before the first attempt. */
    private Instant since;
    private String lastError;
    private List<MissingPrompt> missing = List.of();
    private Instant promptsCheckedAt;
    private String promptsUnchecked;

    @Override
    public synchronized List<Link> links() {
        String amiDetail = up ? (lastError == null ? null : "connected; before: " + lastError) : lastError;
        Link ami = new Link(AMI, up, since, amiDetail);
        Link prompts;
        if (promptsUnchecked != null) {
            prompts = new Link(PROMPTS, false, promptsCheckedAt, "not checked: " + promptsUnchecked);
        } else if (promptsCheckedAt == null) {
            prompts = new Link(PROMPTS, false, null, "not checked yet: the check runs once AMI is connected");
        } else if (missing.isEmpty()) {
            prompts = new Link(PROMPTS, true, promptsCheckedAt, null);
        } else {
            prompts = new Link(PROMPTS, false, promptsCheckedAt, "missing: " + missing.stream()
                    .map(m -> m.prompt() + " (" + m.language() + ")").collect(Collectors.joining(", ")));
        }
        return List.of(ami, prompts);
    }

    synchronized boolean up() {
        return up;
    }

    synchronized Instant since() {
        return since;
    }

    synchronized String lastError() {
        return lastError;
    }

    synchronized List<MissingPrompt> missingPrompts() {
        return missing;
    }

    synchronized Instant promptsCheckedAt() {
        return promptsCheckedAt;
    }

    synchronized String promptsUnchecked() {
        return promptsUnchecked;
    }

    /** @return whether the link was down until now */
    synchronized boolean markUp(Instant at) {
        if (up) {
            return false;
        }
        up = true;
        since = at;
        if (HELD_ELSEWHERE.equals(lastError)) {
            // Not an error: this node followed until now.
            lastError = null;
        }
        return true;
    }

    /** The link is down (or still is) for this reason. @return whether it was up until now */
    synchronized boolean markDown(Instant at, String reason) {
        boolean wasUp = up;
        if (wasUp || since == null) {
            since = at;
        }
        up = false;
        lastError = reason;
        return wasUp;
    }

    synchronized void prompts(Instant at, List<MissingPrompt> missingNow) {
        missing = List.copyOf(missingNow);
        promptsCheckedAt = at;
        promptsUnchecked = null;
    }

    synchronized void promptsUnchecked(String why) {
        promptsUnchecked = why;
    }
}
