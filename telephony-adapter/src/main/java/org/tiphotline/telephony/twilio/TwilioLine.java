package org.tiphotline.telephony.twilio;

import java.util.Optional;
import java.util.Set;
import org.tiphotline.calls.CallRef;
import org.tiphotline.operators.Operator;
import org.tiphotline.telephony.TelephonyPort;

/**
 * The core's telephony port on Twilio. A waiting caller runs our hold TwiML in a loop; to connect, withdraw or
 * hang up, the adapter moves the live call to other TwiML of ours with the Calls REST API, and Twilio's webhooks
 * ({@link TwilioWebhooks}) report what happened, as Asterisk's events do for the Asterisk adapter.
 */
final class TwilioLine implements TelephonyPort {

    static final String PROVIDER = "twilio";

    private final TwilioApi api;

    TwilioLine(TwilioApi api) {
        this.api = api;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void connect(CallRef call, Operator operator) {
        api.redirect(call.providerCallId(), "/twilio/connect?operator=" + operator.id().value());
    }

    @Override
    public void withdraw(CallRef call, Operator operator) {
        // Back to the hold loop; the Dial to the operator ends with the move.
        api.redirect(call.providerCallId(), "/twilio/wait");
    }

    @Override
    public void conference(CallRef call, String number) {
        throw new UnsupportedOperationException("escalation over Twilio is not available yet");
    }

    @Override
    public void transfer(CallRef call, String number) {
        throw new UnsupportedOperationException("escalation over Twilio is not available yet");
    }

    @Override
    public void hangUp(CallRef call) {
        api.complete(call.providerCallId());
    }

    /** Twilio is not asked (yet): records of calls that ended while the application was down stay as they are. */
    @Override
    public Optional<Set<String>> liveCalls() {
        return Optional.empty();
    }
}
