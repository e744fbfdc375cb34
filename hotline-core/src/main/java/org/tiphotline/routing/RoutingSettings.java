package org.tiphotline.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param offerTimeout how long a call rings at an operator before it goes to the next one (and the silent
 *     operator is set away)
 * @param languageWait how long a non-urgent call waits for an operator who speaks its language before any
 *     available operator may take it; urgent calls never wait for a language match
 */
@ConfigurationProperties("hotline.routing")
public record RoutingSettings(@DefaultValue("20s") Duration offerTimeout, @DefaultValue("30s") Duration languageWait) {
}
