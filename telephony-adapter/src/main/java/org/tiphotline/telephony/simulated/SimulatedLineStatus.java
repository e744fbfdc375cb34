package org.tiphotline.telephony.simulated;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.tiphotline.telephony.TelephonyStatus;

/** Tells the administrators that the simulated line is on: in production it never should be. */
@Component
@ConditionalOnProperty(prefix = "hotline.telephony.simulated", name = "enabled", havingValue = "true")
class SimulatedLineStatus implements TelephonyStatus {

    private final Instant since;

    SimulatedLineStatus(Clock clock) {
        this.since = clock.instant();
    }

    @Override
    public List<Link> links() {
        return List.of(new Link("Simulated line (demo and training)", true, since,
                "test calls from staff consoles reach the live queue; switch it off in production"));
    }
}
