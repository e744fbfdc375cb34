package org.tiphotline.intake;

import java.time.Instant;
import java.util.Map;
import org.tiphotline.calls.CallId;

/**
 * What an operator's console shows when a call rings at them: the call's metadata (never the caller's number
 * in clear) and the draft report already bound to it. Published for the console to deliver.
 */
public record ScreenPop(String operatorUsername, CallId call, ReportId report, String provider,
        String providerCallId, String callerMask, String language, boolean urgent, String callerType,
        Map<String, String> ivrPath, long waitedSeconds, int earlierContacts, Instant ringingAt) {
}
