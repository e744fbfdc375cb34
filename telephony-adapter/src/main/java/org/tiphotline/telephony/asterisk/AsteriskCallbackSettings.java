package org.tiphotline.telephony.asterisk;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the hotline calls a caller back through Asterisk ({@code ops/asterisk/extensions.conf}, context
 * {@code hotline-callback}). Nothing here is personal data.
 *
 * @param callerId the number the person called back sees: the hotline's own, never an operator's; unset, no callback
 *     is dialled. Choose it knowing who may be holding the caller's phone.
 * @param dial how to dial the person through an outbound trunk (by default the escalation line's), {@code {number}} replaced by their number
 * @param context the dialplan context the operator's answered phone runs to dial them
 */
@ConfigurationProperties("hotline.telephony.asterisk.callback")
public record AsteriskCallbackSettings(
        String callerId,
        @DefaultValue("PJSIP/{number}@escalation-trunk") String dial,
        @DefaultValue("hotline-callback") String context) {

    public AsteriskCallbackSettings {
        if (!dial.contains("{number}")) {
            throw new IllegalArgumentException("hotline.telephony.asterisk.callback.dial must contain {number}");
        }
        if (callerId != null && !callerId.isBlank() && !callerId.matches("\\+?[0-9]{3,20}")) {
            throw new IllegalArgumentException("hotline.telephony.asterisk.callback.caller-id must be 3-20 digits, "
                    + "optionally after +");
        }
    }
}
