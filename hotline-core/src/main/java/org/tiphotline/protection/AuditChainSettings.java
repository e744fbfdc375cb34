package org.tiphotline.protection;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit trail's chain.
 *
 * @param sealEvery how often the leading node links the rows committed since into the chain
 * @param sealBatch the most rows one sealing transaction links (it repeats until none is left)
 * @param publishEvery how often the leading node publishes the chain's head (when it moved)
 * @param headsDirectory where the heads are appended ({@code audit-heads.log}) and where the verification reads
 *        them (every {@code *.log} file in it): a place the database cannot write, ideally on another machine
 */
@ConfigurationProperties("hotline.audit")
public record AuditChainSettings(@DefaultValue("1s") Duration sealEvery, @DefaultValue("1000") int sealBatch,
        @DefaultValue("1m") Duration publishEvery, @DefaultValue("data/audit-heads") Path headsDirectory) {

    public AuditChainSettings {
        if (sealBatch < 1 || sealBatch > 100_000) {
            throw new IllegalArgumentException("hotline.audit.seal-batch must be between 1 and 100000");
        }
        if (publishEvery == null || publishEvery.isNegative() || publishEvery.isZero()) {
            throw new IllegalArgumentException("hotline.audit.publish-every must be positive");
        }
    }
}
