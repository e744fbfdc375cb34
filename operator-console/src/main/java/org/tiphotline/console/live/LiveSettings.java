package org.tiphotline.console.live;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param allowedOrigins origins allowed to open the WebSocket besides the console's own (empty: same origin
 *     only, which refuses cross-site WebSocket hijacking)
 */
@ConfigurationProperties("hotline.console")
record LiveSettings(List<String> allowedOrigins) {

    LiveSettings {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
    }
}
