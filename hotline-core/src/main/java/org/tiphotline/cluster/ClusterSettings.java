package org.tiphotline.cluster;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param node this node's name in logs and metrics (default: the JVM's pid@host); never personal data
 * @param checkEvery how often a follower tries to take the lead, and the leader checks it still holds it
 * @param checkTimeout how long the leader's check may take before it steps down: a leader that cannot reach the
 *     database must stop acting before PostgreSQL gives the lead to another node
 */
@ConfigurationProperties("hotline.cluster")
public record ClusterSettings(String node, @DefaultValue("1s") Duration checkEvery,
        @DefaultValue("2s") Duration checkTimeout) {

    public ClusterSettings {
        if (node == null || node.isBlank()) {
            node = ManagementFactory.getRuntimeMXBean().getName();
        }
        if (checkEvery.isNegative() || checkEvery.isZero() || checkTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException(
                    "hotline.cluster.check-every must be positive and hotline.cluster.check-timeout at least 1 s");
        }
    }
}
