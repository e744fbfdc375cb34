package org.tiphotline.exports;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Exports' limits.
 *
 * @param smallCellThreshold the fewest people a published combination of quasi-identifiers may describe (10 by
 *        default, as for every statistic of the task force)
 * @param approvalValidFor how long an approved identifying export may be downloaded
 * @param maxDownloads how many times an approved identifying export may be downloaded
 */
@ConfigurationProperties("hotline.exports")
public record ExportSettings(@DefaultValue("10") int smallCellThreshold, @DefaultValue("48h") Duration approvalValidFor,
        @DefaultValue("3") int maxDownloads) {

    public ExportSettings {
        if (smallCellThreshold < 2) {
            throw new IllegalArgumentException("hotline.exports.small-cell-threshold must be at least 2");
        }
        if (approvalValidFor == null || approvalValidFor.isNegative() || approvalValidFor.isZero()
                || approvalValidFor.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("hotline.exports.approval-valid-for must be between 1s and 30 days");
        }
        if (maxDownloads < 1 || maxDownloads > 20) {
            throw new IllegalArgumentException("hotline.exports.max-downloads must be between 1 and 20");
        }
    }

    public static ExportSettings defaults() {
        return new ExportSettings(10, Duration.ofHours(48), 3);
    }
}
