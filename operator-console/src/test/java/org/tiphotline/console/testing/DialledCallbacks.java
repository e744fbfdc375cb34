package org.tiphotline.console.testing;

import static org.tiphotline.db.Tables.AUDIT_LOG;

import java.time.Duration;
import java.util.UUID;
import org.jooq.DSLContext;
import org.tiphotline.callbacks.CallbackDialer;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.operators.Operators;

/** What the callback tests ask of a running hotline: a dial in a user's name, the number's reads, a call's end. */
public final class DialledCallbacks {

    private DialledCallbacks() {
    }

    /** Dials back the caller of {@code earlier} for a new task, as the user {@code username} took it. */
    public static CallId dial(RunningHotline hotline, CallId earlier, String username) {
        return hotline.bean(CallbackDialer.class).dial(UUID.randomUUID(), earlier,
                hotline.bean(Operators.class).byUsername(username).orElseThrow().id());
    }

    /** The audited reads in clear of the number of {@code earlier} in {@code actor}'s name: only a dial makes one. */
    public static int numberReads(RunningHotline hotline, CallId earlier, String actor) {
        return hotline.bean(DSLContext.class).fetchCount(AUDIT_LOG, AUDIT_LOG.ACTION.eq("READ"),
                AUDIT_LOG.ENTITY.eq("call"), AUDIT_LOG.ENTITY_ID.eq(earlier.toString()), AUDIT_LOG.ACTOR.eq(actor),
                AUDIT_LOG.FIELDS.contains(new String[] {"caller_number"}));
    }

    public static Call call(RunningHotline hotline, CallId id) {
        return hotline.bean(Calls.class).load(id).orElseThrow();
    }

    /** Where the provider's call is now, or null before its record exists. */
    public static org.tiphotline.calls.CallState state(RunningHotline hotline, CallRef ref) {
        Calls calls = hotline.bean(Calls.class);
        return calls.idOf(ref).flatMap(calls::load).map(Call::state).orElse(null);
    }

    /** The provider's call once its record has an outcome (the provider's reports are stored asynchronously). */
    public static Call ended(RunningHotline hotline, CallRef ref) throws InterruptedException {
        Calls calls = hotline.bean(Calls.class);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var stored = calls.idOf(ref).flatMap(calls::load);
            if (stored.isPresent() && stored.get().outcome() != null) {
                return stored.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the call " + ref.providerCallId() + " did not end");
    }
}
