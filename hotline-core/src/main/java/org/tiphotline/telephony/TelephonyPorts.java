package org.tiphotline.telephony;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The ports of every provider configured in this deployment, by provider name. */
@Component
public class TelephonyPorts {

    private final Map<String, TelephonyPort> byProvider;

    public TelephonyPorts(List<TelephonyPort> ports) {
        this.byProvider = ports.stream().collect(Collectors.toMap(TelephonyPort::provider, Function.identity()));
    }

    public TelephonyPort of(String provider) {
        TelephonyPort port = byProvider.get(provider);
        if (port == null) {
            throw new IllegalStateException("no telephony adapter for provider '" + provider + "' is running");
        }
        return port;
    }

    public List<TelephonyPort> all() {
        return List.copyOf(byProvider.values());
    }
}
