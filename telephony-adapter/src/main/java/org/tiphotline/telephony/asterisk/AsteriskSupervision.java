package org.tiphotline.telephony.asterisk;

import static org.tiphotline.telephony.asterisk.AsteriskCalls.rootMessage;

import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.telephony.SupervisionMode;

/**
 * A supervisor on an operator's call: an async {@code Originate} rings the supervisor's phone and, once answered,
 * runs {@code ChanSpy} on the operator's leg. The options, as apps/app_chanspy.c defines them:
 * <ul>
 * <li>listening in is ChanSpy's default: without {@code w}, {@code W}, {@code B} or {@code d} no whisper audiohook is
 *     attached, so nobody hears the supervisor. {@code q} does <i>not</i> mean that: it only spares the supervisor
 *     the beep and the spoken channel name when spying starts (played to the spying channel, never to the call).</li>
 * <li>coaching is {@code w}: the supervisor's audio is written into the operator's channel only, so the operator
 *     hears them and the caller does not;</li>
 * <li>joining is {@code B} (barge): written into the operator's channel and into the channel it is bridged with,
 *     the caller's, so all three talk.</li>
 * </ul>
 * Always with {@code q} (no beep nor channel name in the supervisor's ear), {@code u} (the spec is the exact
 * channel, so {@code PJSIP/operator1} never also matches {@code PJSIP/operator10-...}) and {@code E} (the
 * supervisor's leg ends when the operator's does, rather than wait in silence for another channel to spy on).
 *
 * <p>The supervisor's leg gets a Uniqueid of ours ({@code ChannelId}), named after the mode, the supervisor and the
 * call, so that stopping is an AMI {@code Hangup} of that id (Asterisk finds a channel by name or Uniqueid) on
 * whichever node leads by then, and a switch of mode never collides with the leg it replaces.
 */
final class AsteriskSupervision {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);

    private final AsteriskCalls calls;

    AsteriskSupervision(AsteriskCalls calls) {
        this.calls = calls;
    }

    /** ChanSpy's options for {@code mode}; see the class comment. */
    static String options(SupervisionMode mode) {
        return "quE" + switch (mode) {
            case LISTEN -> "";
            case WHISPER -> "w";
            case JOIN -> "B";
        };
    }

    /** The supervisor's leg on the call: see the class comment. */
    static String legId(String callUniqueId, OperatorId supervisor, SupervisionMode mode) {
        return "sv-" + mode.name().toLowerCase(java.util.Locale.ROOT) + "-" + supervisor.value() + "-" + callUniqueId;
    }

    /** Whether an operator's leg is on the call now, so that there is someone to listen to. */
    static String whyNot(LiveCall c) {
        if (c == null) {
            return "the call is not live on Asterisk";
        }
        synchronized (c) {
            return c.talking == null || c.operatorChannel == null ? "no operator's phone is on the call" : null;
        }
    }

    void start(LiveCall c, Operator operator, Operator supervisor, String endpoint, SupervisionMode mode) {
        String why = whyNot(c);
        if (why != null) {
            throw new IllegalStateException(why);
        }
        String operatorChannel;
        synchronized (c) {
            operatorChannel = c.operatorChannel;
        }
        OriginateAction originate = new OriginateAction();
        originate.setChannel(endpoint);
        originate.setChannelId(legId(c.uniqueId, supervisor.id(), mode));
        originate.setApplication("ChanSpy");
        originate.setData(operatorChannel + "," + options(mode));
        originate.setAsync(true);
        originate.setTimeout(calls.settings.ringSeconds() * 1000L);
        // What the supervisor's phone shows: whose call it is and how they will be on it; staff names only.
        originate.setCallerId("\"" + words(mode) + " " + plain(operator.displayName()) + "\" <supervision>");
        calls.ami.send(originate).exceptionally(failure -> {
            log.warn("supervising asterisk call {} failed: {}", c.uniqueId, rootMessage(failure));
            return null;
        });
    }

    void stop(String callUniqueId, OperatorId supervisor, SupervisionMode mode) {
        String leg = legId(callUniqueId, supervisor, mode);
        calls.ami.send(new HangupAction(leg)).exceptionally(failure -> {
            // The supervisor hung up first, or the call ended and took the leg with it (E).
            log.debug("hanging up supervisor leg {}: {}", leg, rootMessage(failure));
            return null;
        });
    }

    private static String words(SupervisionMode mode) {
        return switch (mode) {
            case LISTEN -> "Listen:";
            case WHISPER -> "Coach:";
            case JOIN -> "Join:";
        };
    }

    /** A display name as caller id text: no quotes or angle brackets to break the header. */
    private static String plain(String name) {
        return name == null ? "" : name.replaceAll("[\"<>\\\\\\r\\n]", "").strip();
    }
}
