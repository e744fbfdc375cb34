package org.tiphotline.telephony.twilio;

import org.tiphotline.operators.OperatorId;

/** How operators are known to Twilio's Voice SDK: by their id only, never a name or a username. */
final class TwilioTokens {

    private TwilioTokens() {
    }

    /** The client identity the console registers with and {@code <Dial><Client>} rings. */
    static String identity(OperatorId operator) {
        return "operator-" + operator.value();
    }
}
