package org.tiphotline.routing;

import java.util.Optional;
import java.util.Set;
import org.tiphotline.calls.CallRef;
import org.tiphotline.operators.Operator;
import org.tiphotline.telephony.TelephonyPort;

/** A PBX for routing tests: it carries out nothing it is not told to by a test, and cannot call back. */
abstract class TestPbx implements TelephonyPort {

    private final String provider;

    TestPbx(String provider) {
        this.provider = provider;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public void withdraw(CallRef call, Operator operator) {}

    @Override
    public void conference(CallRef call, String number) {}

    @Override
    public void transfer(CallRef call, String number) {}

    @Override
    public void hangUp(CallRef call) {}

    @Override
    public Optional<Set<String>> liveCalls() {
        return Optional.empty();
    }

    @Override
    public Optional<String> cannotCallBack(Operator operator) {
        return Optional.of("this test PBX does not call back");
    }

    @Override
    public void callBack(CallRef newCall, Operator operator, String number) {
        throw new IllegalStateException("this test PBX does not call back");
    }

    @Override
    public Optional<String> cannotSupervise(Operator supervisor) {
        return Optional.of("this test PBX has no supervisor phones");
    }

    @Override
    public void supervise(CallRef call, Operator operator, Operator supervisor,
            org.tiphotline.telephony.SupervisionMode mode) {
        throw new IllegalStateException("this test PBX has no supervisor phones");
    }

    @Override
    public void endSupervision(CallRef call, Operator supervisor, org.tiphotline.telephony.SupervisionMode mode) {}

    @Override
    public Optional<String> cannotConsult(Operator colleague) {
        return Optional.of("this test PBX does not consult");
    }

    @Override
    public void consult(CallRef call, Operator operator, Operator colleague) {
        throw new IllegalStateException("this test PBX does not consult");
    }

    @Override
    public void handOver(CallRef call, Operator operator, Operator colleague) {
        throw new IllegalStateException("this test PBX does not consult");
    }

    @Override
    public void endConsult(CallRef call, Operator operator, Operator colleague) {}

    @Override
    public void addInterpreter(CallRef call, Operator operator, String number) {
        throw new IllegalStateException("this test PBX has no interpreter line");
    }
}
