package org.tiphotline.signin;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.max;
import static org.tiphotline.db.Tables.SIGN_IN_EVENT;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.springframework.stereotype.Component;

/**
 * The sign-in log: every try, lockout, sign-out and session end, with the username as typed and the address.
 * Never a password. Written in its own statement: a refused sign-in has no transaction to join.
 */
@Component
public class SignInEvents {

    public enum Outcome {
        SIGNED_IN, FAILED, LOCKED_OUT, REFUSED_WHILE_THROTTLED, SIGNED_OUT, IDLE_TIMEOUT, SESSION_LIMIT,
        /** Single sign-on: let in; the provider vouched for someone with no account here, a disabled one, another
         * role; or the exchange with the provider failed. */
        SSO_SIGNED_IN, SSO_REFUSED_UNKNOWN_USER, SSO_REFUSED_DISABLED, SSO_REFUSED_ROLE, SSO_FAILED
    }

    public record Event(Instant at, String username, String address, Outcome outcome) {}

    /** Failures (of any kind but a sign-in) of one username or from one address since a moment. */
    public record Repeated(String key, int failures, int others, Instant last) {}

    private static final List<String> FAILURES = List.of(Outcome.FAILED.name(), Outcome.LOCKED_OUT.name(),
            Outcome.REFUSED_WHILE_THROTTLED.name(), Outcome.SSO_REFUSED_UNKNOWN_USER.name(),
            Outcome.SSO_REFUSED_DISABLED.name(), Outcome.SSO_REFUSED_ROLE.name(), Outcome.SSO_FAILED.name());

    private final DSLContext db;
    private final Clock clock;

    public SignInEvents(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void record(String username, String address, Outcome outcome) {
        db.insertInto(SIGN_IN_EVENT)
                .set(SIGN_IN_EVENT.AT, clock.instant().atOffset(ZoneOffset.UTC))
                .set(SIGN_IN_EVENT.USERNAME, cut(username == null ? "" : username, 100))
                .set(SIGN_IN_EVENT.ADDRESS, cut(address == null ? "unknown" : address, 64))
                .set(SIGN_IN_EVENT.OUTCOME, outcome.name())
                .execute();
    }

    /** The newest events, newest first. */
    public List<Event> latest(int limit) {
        return db.selectFrom(SIGN_IN_EVENT).orderBy(SIGN_IN_EVENT.ID.desc()).limit(limit)
                .fetch(r -> new Event(r.getAt().toInstant(), r.getUsername(), r.getAddress(),
                        Outcome.valueOf(r.getOutcome())));
    }

    /** Usernames tried and failed at least {@code atLeast} times within the window; others = distinct addresses. */
    public List<Repeated> repeatedByUsername(Duration within, int atLeast) {
        return repeated(SIGN_IN_EVENT.USERNAME, SIGN_IN_EVENT.ADDRESS, within, atLeast);
    }

    /** Addresses that failed at least {@code atLeast} times within the window; others = distinct usernames. */
    public List<Repeated> repeatedByAddress(Duration within, int atLeast) {
        return repeated(SIGN_IN_EVENT.ADDRESS, SIGN_IN_EVENT.USERNAME, within, atLeast);
    }

    private List<Repeated> repeated(Field<String> key, Field<String> other, Duration within, int atLeast) {
        return db.select(key, count(), countDistinct(other), max(SIGN_IN_EVENT.AT))
                .from(SIGN_IN_EVENT)
                .where(SIGN_IN_EVENT.OUTCOME.in(FAILURES))
                .and(SIGN_IN_EVENT.AT.ge(clock.instant().minus(within).atOffset(ZoneOffset.UTC)))
                .groupBy(key)
                .having(count().ge(atLeast))
                .orderBy(count().desc()).limit(50)
                .fetch(r -> new Repeated(r.value1(), r.value2(), r.value3(), r.value4().toInstant()));
    }

    private static String cut(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }
}
