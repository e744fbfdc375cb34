package org.tiphotline.telephony.asterisk;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.action.SetVarAction;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.Operator;
import org.tiphotline.routing.Router;

/**
 * The adapter's shared state and the one command that both the core and the resync give: the calls live on
 * Asterisk, the connects held while AMI was down, and ringing an operator (Setvar, then Redirect into the
 * dialplan's Dial context). Reports to the core go through here so a refused one never stops the events after it.
 */
final class AsteriskCalls {

    static final String PROVIDER = "asterisk";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);

    final AsteriskSettings settings;
    final Switchboard switchboard;
    private final PendingReports pending;
    /** Looked up when needed: the router needs the telephony ports, this is one of them. */
    final Supplier<Router> router;
    final AmiLink ami;
    /** What the nodes share through PostgreSQL: callers registered by another node's IVR, the link's state. */
    final SharedCalls shared;
    /** The core's call records, for what a new leader must learn of calls it never rang. */
    final Calls records;
    /**
     * Calls on Asterisk by the caller channel's Uniqueid, as this node knows them while it holds the link: those its
     * own IVR registered, those the resync found, and those another node's IVR registered once this one needs them.
     */
    final Map<String, LiveCall> live = new ConcurrentHashMap<>();
    /** Numbers the callers as they reach the IVR, so a resync can tell who came after its channel list. */
    final AtomicLong arrivals = new AtomicLong();
    /**
     * Offer numbers, from the clock so that a new leader's offers never repeat one an earlier leader (or this
     * process before a restart) made: a late HotlineDialFailed of that offer must not settle a new one.
     */
    private final AtomicLong offers = new AtomicLong(System.currentTimeMillis() * 1000);
    /** Endpoint (lower case) → operator username, for the phones rung so far: whose phone a device state is. */
    final Map<String, String> rungEndpoints = new ConcurrentHashMap<>();
    volatile boolean synced;

    AsteriskCalls(AsteriskSettings settings, Switchboard switchboard, PendingReports pending,
            Supplier<Router> router, AmiLink ami, SharedCalls shared, Calls records) {
        this.settings = settings;
        this.switchboard = switchboard;
        this.pending = pending;
        this.router = router;
        this.ami = ami;
        this.shared = shared;
        this.records = records;
    }

    /** Whether the live state has been read from Asterisk since the last (re)connection. */
    boolean synced() {
        return synced && ami.connected();
    }

    /**
     * The phone an administrator set for the operator on the administration page (a PJSIP endpoint), else the one
     * in the settings; null when neither names one.
     */
    String endpointOf(Operator operator) {
        String own = operator.endpoint();
        return own != null && own.startsWith("PJSIP/") ? own : settings.endpoints().get(operator.username());
    }

    /** Rings the operator's phone: the caller is moved into the dialplan's Dial context. */
    void ring(LiveCall c, Operator operator, String endpoint) {
        long offer = offers.incrementAndGet();
        rungEndpoints.put(endpoint.toLowerCase(java.util.Locale.ROOT), operator.username());
        synchronized (c) {
            c.ringing = operator.id();
            c.ringingUsername = operator.username();
            c.offer = offer;
            c.operatorUniqueId = null;
        }
        ami.send(new SetVarAction(c.channel, "HOTLINE_OPERATOR_ENDPOINT", endpoint))
                .thenCompose(r -> ami.send(new SetVarAction(c.channel, "HOTLINE_RING_SECONDS",
                        Integer.toString(settings.ringSeconds()))))
                .thenCompose(r -> ami.send(new SetVarAction(c.channel, "HOTLINE_OFFER", Long.toString(offer))))
                .thenCompose(r -> ami.send(new RedirectAction(c.channel, settings.dialplan().connect(), "s", 1)))
                .whenComplete((r, failure) -> {
                    if (failure != null) {
                        log.warn("connecting asterisk call {} to operator {} failed: {}", c.uniqueId,
                                operator.id(), rootMessage(failure));
                        if (!refused(failure)) {
                            // Lost on the way back: Asterisk may well be dialling. The resync after the
                            // reconnection (or the core's offer timeout) settles it from the channel's real state.
                            return;
                        }
                        ami.onEventThread(() -> report(ref(c.uniqueId), "noAnswer",
                                () -> switchboard.noAnswer(ref(c.uniqueId), operator.id(), "connect failed")));
                    }
                });
    }

    /**
     * The call as this node knows it, else as another node's IVR registered it (then known here from now on);
     * null when neither.
     */
    LiveCall find(String uniqueId) {
        LiveCall c = live.get(uniqueId);
        if (c != null) {
            return c;
        }
        return shared.find(uniqueId).map(a -> live.computeIfAbsent(a.uniqueId(), id -> {
            LiveCall found = new LiveCall(id, a.channel(), 0);
            found.shared = true;
            return found;
        })).orElse(null);
    }

    LiveCall require(CallRef call) {
        LiveCall c = find(call.providerCallId());
        if (c == null) {
            throw new IllegalStateException("asterisk call " + call.providerCallId() + " is not live");
        }
        return c;
    }

    /**
     * A report the core refuses (a call it never knew) must not stop the events after it; one the database cannot
     * take now is kept until it is back ({@link PendingReports}): Asterisk sends no AMI event twice.
     */
    void report(CallRef ref, String what, BooleanSupplier report) {
        try {
            pending.report(ref, what, report);
        } catch (RuntimeException e) {
            log.warn("the core refused an asterisk report: {}", e.getClass().getSimpleName());
        }
    }

    static CallRef ref(String uniqueId) {
        return new CallRef(PROVIDER, uniqueId);
    }

    static boolean refused(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t instanceof CompletionException) {
            t = t.getCause();
        }
        return t instanceof AmiLink.AmiRefused;
    }

    static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && (t instanceof CompletionException || t instanceof ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
