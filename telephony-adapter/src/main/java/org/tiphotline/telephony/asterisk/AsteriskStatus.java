package org.tiphotline.telephony.asterisk;

import java.time.Instant;
import java.util.List;
import org.tiphotline.telephony.TelephonyStatus;
import org.tiphotline.telephony.TelephonyStatusSource;

/**
 * What the Asterisk adapter last saw of its AMI link and of the IVR's prompts on that Asterisk, for the
 * administrator's status page. Written by {@link AmiLink} and the prompt check, read from any thread.
 */
final class AsteriskStatus implements TelephonyStatusSource {

    private TelephonyStatus current = new TelephonyStatus(AsteriskLine.PROVIDER, false, null, null, null,
            List.of(), null, null);

    @Override
    public synchronized TelephonyStatus telephonyStatus() {
        return current;
    }

    synchronized boolean up() {
        return current.linkUp();
    }

    /** @return whether the link was down until now */
    synchronized boolean markUp(Instant at) {
        if (current.linkUp()) {
            return false;
        }
        current = new TelephonyStatus(current.provider(), true, at, current.lastError(), current.lastErrorAt(),
                current.missingPrompts(), current.promptsCheckedAt(), current.promptsUnchecked());
        return true;
    }

    /** @return whether the link was up until now */
    synchronized boolean markDown(Instant at, String reason) {
        boolean wasUp = current.linkUp();
        current = new TelephonyStatus(current.provider(), false, wasUp || current.since() == null ? at
                : current.since(), reason, at, current.missingPrompts(), current.promptsCheckedAt(),
                current.promptsUnchecked());
        return wasUp;
    }

    synchronized void prompts(Instant at, List<TelephonyStatus.MissingPrompt> missing) {
        current = new TelephonyStatus(current.provider(), current.linkUp(), current.since(), current.lastError(),
                current.lastErrorAt(), missing, at, null);
    }

    synchronized void promptsUnchecked(String why) {
        current = new TelephonyStatus(current.provider(), current.linkUp(), current.since(), current.lastError(),
                current.lastErrorAt(), current.missingPrompts(), current.promptsCheckedAt(), why);
    }
}
