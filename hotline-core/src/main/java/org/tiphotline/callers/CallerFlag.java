package org.tiphotline.callers;

import java.time.Instant;
import java.util.UUID;
import org.tiphotline.calls.CallId;

/**
 * A supervisor's flag on a caller, as screens show it: the number only as its mask, people by name.
 *
 * @param note the supervisor's note, decrypted (its read is audited by whoever returns it), or null
 */
public record CallerFlag(UUID id, FlagKind kind, String note, String callerMask, CallId fromCall, String setBy,
        Instant setAt, Instant expiresAt, String liftedBy, Instant liftedAt) {}
