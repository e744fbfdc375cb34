package org.tiphotline.signin;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param freeTries failures (per account, and per address) before any delay: a typo costs nothing
 * @param firstDelay the delay after the first failure beyond the free ones; each further failure doubles it
 * @param maxDelay the longest delay between tries
 * @param lockAfter failures on one account that lock it for {@code lockFor}
 * @param lockFor how long a locked account refuses every try, the right password included
 * @param addressFreeTries failures from one address (any usernames) before its tries wait too; higher than for an
 *     account, since a whole hotline floor may share one address
 * @param addressLockAfter failures from one address (any usernames) that lock the address for {@code lockFor}
 * @param forgetAfter a count with no new failure for this long starts again from zero
 * @param sweep how often the leading node deletes the counts that are forgotten and no longer locked
 * @param alertAfter failures of one username or address within {@code forgetAfter} that the administrators'
 *     status page shows as repeated
 */
@ConfigurationProperties("hotline.sign-in")
public record SignInSettings(@DefaultValue("3") int freeTries, @DefaultValue("1s") Duration firstDelay,
        @DefaultValue("5m") Duration maxDelay, @DefaultValue("10") int lockAfter, @DefaultValue("15m") Duration lockFor,
        @DefaultValue("10") int addressFreeTries, @DefaultValue("30") int addressLockAfter, @DefaultValue("1h") Duration forgetAfter,
        @DefaultValue("10m") Duration sweep, @DefaultValue("5") int alertAfter) {
}
