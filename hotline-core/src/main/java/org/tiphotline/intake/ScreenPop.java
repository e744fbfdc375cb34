package org.tiphotline.intake;

import java.time.Instant;
import java.util.Map;
import org.tiphotline.calls.CallDirection;
import org.tiphotline.calls.CallId;

/**
 * What an operator's console shows when a call rings at them: the call's metadata (never the caller's number
 * in clear) and the draft report already bound to it. Published for the console to deliver.
 *
 * @param safeToCallBack the caller's answer to the IVR's callback question; null when not asked
 * @param quietMode the caller cannot speak freely: the console opens in the yes/no script
 * @param direction {@code INBOUND}, or {@code CALLBACK} for a call the hotline dialled back
 */
public record ScreenPop(String operatorUsername, CallId call, ReportId report, String provider,
        String providerCallId, String callerMask, String language, boolean urgent, String callerType,
        Map<String, String> ivrPath, long waitedSeconds, int earlierContacts, Instant ringingAt,
        Boolean safeToCallBack, boolean quietMode, CallDirection direction) {
}
