package org.tiphotline.console.supervision;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param showOperator whether the operator's console says that a supervisor is listening, coaching or on the call
 *     (default yes: an operator who knows can use the help; a hotline may switch it off for quality listening)
 */
@ConfigurationProperties("hotline.supervision")
public record SupervisionSettings(@DefaultValue("true") boolean showOperator) {}
