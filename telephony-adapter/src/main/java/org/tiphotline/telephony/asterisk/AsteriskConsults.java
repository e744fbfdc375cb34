package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.action.SetVarAction;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;

/**
 * Consults, warm transfers and interpreter lines on Asterisk, with the ConfBridge conferences escalation already
 * uses ({@code ops/asterisk/extensions.conf}, {@code [hotline-conference]}):
 * <ul>
 * <li><b>consult</b>: one Redirect moves the caller into the call's own conference ({@code hotline-<uid>}, exten
 *     {@code s}: alone there, they hear the hotline's music and nobody hears them) and the operator into the consult
 *     conference ({@code hotline-consult-<uid>}, exten {@code consult}); the colleague's phone is Originated into the
 *     consult conference, on a leg with a Uniqueid of ours ({@code consult-<colleague>-<uid>}), so that later steps
 *     find it by that id on whichever node leads;</li>
 * <li><b>hand-over</b>: the colleague's leg is Redirected into the caller's conference as its operator (exten
 *     {@code operator}, a marked user) and the operator's leg is hung up; the colleague's leg is the call's operator
 *     leg from then on, so its hang-up ends the call and the operator's does not;</li>
 * <li><b>called off</b>: the colleague's leg is hung up and the operator Redirected into the caller's conference;</li>
 * <li><b>interpreter</b>: as a conference escalation (caller and operator Redirected together into the call's
 *     conference), with the interpreter's line Originated into exten {@code interpreter}.</li>
 * </ul>
 * The channel variables the dialplan reads ({@code HOTLINE_CONFERENCE}, {@code HOTLINE_CONSULT}) are set with
 * SetVar before each move, as escalation does.
 */
final class AsteriskConsults {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);
    static final String CONSULT_PREFIX = "hotline-consult-";

    private final AsteriskCalls calls;

    AsteriskConsults(AsteriskCalls calls) {
        this.calls = calls;
    }

    /** The colleague's leg of a consult on the call: see the class comment. */
    static String legId(String callUniqueId, OperatorId colleague) {
        return "consult-" + colleague.value() + "-" + callUniqueId;
    }

    /** Null when an operator talks on the call, else why nothing can be done, in words. */
    static String whyNot(LiveCall c) {
        if (c == null) {
            return "the call is not live on Asterisk";
        }
        synchronized (c) {
            return c.talking == null || c.operatorChannel == null ? "no operator's phone is on the call" : null;
        }
    }

    void consult(LiveCall c, Operator colleague, String endpoint) {
        String operatorChannel = operatorChannel(c);
        String conference = AsteriskEscalation.CONFERENCE_PREFIX + c.uniqueId;
        String consult = CONSULT_PREFIX + c.uniqueId;
        synchronized (c) {
            // From now on bridges change by our doing: the caller leaving the Dial is not their hang-up.
            c.conferencing = true;
        }
        String context = calls.settings.dialplan().conference();
        OriginateAction originate = new OriginateAction();
        originate.setChannel(endpoint);
        originate.setChannelId(legId(c.uniqueId, colleague.id()));
        originate.setContext(context);
        originate.setExten("consult");
        originate.setPriority(1);
        originate.setAsync(true);
        originate.setTimeout(calls.settings.ringSeconds() * 1000L);
        originate.setVariable("HOTLINE_CONSULT", consult);
        // What the colleague's phone shows: a colleague asks; nothing of the caller.
        originate.setCallerId("\"Colleague asks\" <consult>");
        AmiLink ami = calls.ami;
        ami.send(new SetVarAction(c.channel, "HOTLINE_CONFERENCE", conference))
                .thenCompose(r -> ami.send(new SetVarAction(operatorChannel, "HOTLINE_CONSULT", consult)))
                .thenCompose(r -> ami.send(new RedirectAction(c.channel, operatorChannel, context, "s", 1, context,
                        "consult", 1)))
                .thenCompose(r -> ami.send(originate))
                .exceptionally(failure -> {
                    log.warn("consult on asterisk call {} failed: {}", c.uniqueId, rootMessage(failure));
                    return null;
                });
    }

    void handOver(LiveCall c, OperatorId colleague) {
        String leg = legId(c.uniqueId, colleague);
        String operatorChannel;
        synchronized (c) {
            operatorChannel = c.operatorChannel;
            // Before the operator's leg is hung up: its hang-up must not read as the end of the call.
            c.operatorChannel = leg;
            c.operatorUniqueId = leg;
            c.talking = colleague;
        }
        String context = calls.settings.dialplan().conference();
        AmiLink ami = calls.ami;
        ami.send(new SetVarAction(leg, "HOTLINE_CONFERENCE", AsteriskEscalation.CONFERENCE_PREFIX + c.uniqueId))
                .thenCompose(r -> ami.send(new RedirectAction(leg, context, "operator", 1)))
                .thenCompose(r -> ami.send(new HangupAction(operatorChannel)))
                .exceptionally(failure -> {
                    log.warn("hand-over of asterisk call {} failed: {}", c.uniqueId, rootMessage(failure));
                    return null;
                });
    }

    void callOff(LiveCall c, OperatorId colleague) {
        String operatorChannel = operatorChannel(c);
        String context = calls.settings.dialplan().conference();
        AmiLink ami = calls.ami;
        ami.send(new HangupAction(legId(c.uniqueId, colleague)))
                .exceptionally(gone -> null)
                .thenCompose(r -> ami.send(new SetVarAction(operatorChannel, "HOTLINE_CONFERENCE",
                        AsteriskEscalation.CONFERENCE_PREFIX + c.uniqueId)))
                .thenCompose(r -> ami.send(new RedirectAction(operatorChannel, context, "operator", 1)))
                .exceptionally(failure -> {
                    log.warn("calling off the consult on asterisk call {} failed: {}", c.uniqueId,
                            rootMessage(failure));
                    return null;
                });
    }

    void interpreter(LiveCall c, String number) {
        AsteriskEscalation.requireNumber(number);
        String operatorChannel = operatorChannel(c);
        String conference = AsteriskEscalation.CONFERENCE_PREFIX + c.uniqueId;
        boolean inConference;
        synchronized (c) {
            inConference = c.conferencing;
            c.conferencing = true;
        }
        String context = calls.settings.dialplan().conference();
        OriginateAction originate = new OriginateAction();
        originate.setChannel(calls.settings.escalationDial().replace("{number}", number));
        originate.setContext(context);
        originate.setExten("interpreter");
        originate.setPriority(1);
        originate.setAsync(true);
        originate.setTimeout(45_000L);
        originate.setVariable("HOTLINE_CONFERENCE", conference);
        AmiLink ami = calls.ami;
        java.util.concurrent.CompletableFuture<?> moved = inConference
                ? java.util.concurrent.CompletableFuture.completedFuture(null)
                : AsteriskEscalation.intoConference(calls, c, operatorChannel);
        moved.thenCompose(r -> ami.send(originate)).exceptionally(failure -> {
            log.warn("interpreter line on asterisk call {} failed: {}", c.uniqueId, rootMessage(failure));
            return null;
        });
    }

    private static String operatorChannel(LiveCall c) {
        String why = whyNot(c);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        synchronized (c) {
            return c.operatorChannel;
        }
    }
}
