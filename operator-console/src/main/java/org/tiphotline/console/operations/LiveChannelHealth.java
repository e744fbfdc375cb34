package org.tiphotline.console.operations;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.messaging.simp.broker.AbstractBrokerMessageHandler;
import org.springframework.stereotype.Component;

/**
 * Readiness of the live channel (component {@code broker}): with the STOMP relay to RabbitMQ, a node whose
 * broker link is down cannot push a screen pop to anyone, so the load balancer should send operators to the other
 * node. The in-process simple broker is up as soon as the application is. No details: the relay's host is the
 * deployment's business, not an anonymous caller's.
 */
@Component("brokerHealthIndicator")
class LiveChannelHealth implements HealthIndicator {

    private final ObjectProvider<AbstractBrokerMessageHandler> brokers;

    LiveChannelHealth(ObjectProvider<AbstractBrokerMessageHandler> brokers) {
        this.brokers = brokers;
    }

    /** Whether every broker this node publishes to is reachable (false when there is none). */
    boolean brokerAvailable() {
        List<AbstractBrokerMessageHandler> all = brokers.orderedStream().toList();
        return !all.isEmpty() && all.stream().allMatch(AbstractBrokerMessageHandler::isBrokerAvailable);
    }

    @Override
    public Health health() {
        return brokerAvailable() ? Health.up().build() : Health.down().build();
    }
}
