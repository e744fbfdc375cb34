package org.tiphotline.telephony;

import java.time.Instant;
import java.util.List;

/**
 * One telephony provider's link as an administrator's status page shows it: a read-only snapshot, nothing
 * personal in it (no numbers, no call ids). Adapters with a standing link publish it through
 * {@link TelephonyStatusSource}.
 *
 * @param provider as in {@link org.tiphotline.calls.CallRef#provider()}
 * @param linkUp whether the provider's control link (Asterisk: AMI) is connected now
 * @param since when the link last went up or down; null before the first attempt
 * @param lastError the last thing that went wrong with the link, in an administrator's words; null if nothing has
 * @param lastErrorAt when it went wrong
 * @param missingPrompts prompts the IVR needs that the provider does not have, as of {@code promptsCheckedAt}
 * @param promptsCheckedAt when the prompts were last checked; null while they have not been
 * @param promptsUnchecked why the last check could not be made; null when it was
 */
public record TelephonyStatus(String provider, boolean linkUp, Instant since, String lastError,
        Instant lastErrorAt, List<MissingPrompt> missingPrompts, Instant promptsCheckedAt, String promptsUnchecked) {

    public TelephonyStatus {
        missingPrompts = List.copyOf(missingPrompts);
    }

    /**
     * A prompt the IVR would play and the provider cannot.
     *
     * @param language the language the caller hears it in (ISO 639)
     * @param prompt the IVR's name for it, e.g. {@code immediate-danger}
     * @param file where the provider looks for it, e.g. {@code es/hotline/immediate-danger} under Asterisk's
     *     sounds directory
     */
    public record MissingPrompt(String language, String prompt, String file) {}
}
