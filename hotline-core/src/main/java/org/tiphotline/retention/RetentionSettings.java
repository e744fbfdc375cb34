package org.tiphotline.retention;

import java.time.Duration;
import java.time.Period;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long each kind of record is kept ({@code hotline.retention}, docs/operations.md "Retention"). Every rule is off
 * until a jurisdiction switches it on: what the law asks differs by country, and a rule that erases is not a default
 * to discover after the fact.
 *
 * @param abandonedCalls abandoned calls that never got a report: the caller's number goes, the call's times stay
 * @param unsubmittedDrafts hotline report drafts never submitted
 * @param closedCaseDocuments documents of cases closed (and unchanged) since
 * @param proposeEvery how often the leading node proposes a new batch for each rule that is on
 * @param maxBatch the most records one batch stands for; the rest come in the next one
 */
@ConfigurationProperties("hotline.retention")
public record RetentionSettings(@DefaultValue Rule abandonedCalls, @DefaultValue Rule unsubmittedDrafts,
        @DefaultValue Rule closedCaseDocuments, @DefaultValue("24h") Duration proposeEvery,
        @DefaultValue("5000") int maxBatch) {

    /**
     * One kind's rule.
     *
     * @param enabled whether batches are proposed for it
     * @param after how old a record must be (6m, 30d, 2y); each kind has its own default
     */
    public record Rule(@DefaultValue("false") boolean enabled, Period after) {

        public Rule {
            if (after != null && (after.isNegative() || after.isZero())) {
                throw new IllegalArgumentException("a retention period must be longer than zero");
            }
        }

        Rule orAfter(Period fallback) {
            return after == null ? new Rule(enabled, fallback) : this;
        }
    }

    public RetentionSettings {
        abandonedCalls = (abandonedCalls == null ? new Rule(false, null) : abandonedCalls)
                .orAfter(RetentionKind.ABANDONED_CALLS.defaultPeriod);
        unsubmittedDrafts = (unsubmittedDrafts == null ? new Rule(false, null) : unsubmittedDrafts)
                .orAfter(RetentionKind.UNSUBMITTED_DRAFTS.defaultPeriod);
        closedCaseDocuments = (closedCaseDocuments == null ? new Rule(false, null) : closedCaseDocuments)
                .orAfter(RetentionKind.CLOSED_CASE_DOCUMENTS.defaultPeriod);
        if (proposeEvery == null || proposeEvery.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("hotline.retention.propose-every must be at least 1m");
        }
        if (maxBatch < 1 || maxBatch > 50_000) {
            throw new IllegalArgumentException("hotline.retention.max-batch must be between 1 and 50000");
        }
    }

    /** Every rule off, the defaults otherwise. */
    public static RetentionSettings off() {
        return new RetentionSettings(null, null, null, Duration.ofHours(24), 5000);
    }

    public Rule rule(RetentionKind kind) {
        return switch (kind) {
            case ABANDONED_CALLS -> abandonedCalls;
            case UNSUBMITTED_DRAFTS -> unsubmittedDrafts;
            case CLOSED_CASE_DOCUMENTS -> closedCaseDocuments;
        };
    }
}
