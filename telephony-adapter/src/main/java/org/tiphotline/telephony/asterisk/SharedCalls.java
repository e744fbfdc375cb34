package org.tiphotline.telephony.asterisk;

import static org.tiphotline.db.Tables.ASTERISK_CHANNEL;
import static org.tiphotline.db.Tables.ASTERISK_LINK;
import static org.tiphotline.db.Tables.ASTERISK_UNREACHABLE_PHONE;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * What the adapter shares between nodes through PostgreSQL (V50): callers whose IVR ran on a node without the AMI
 * link, the link's state as the leader last knew it, and the phones Asterisk could not reach. Nothing personal:
 * Uniqueids, channel names, staff usernames. The rest of a call's state is the leader's alone and re-derived from
 * Asterisk after a takeover (package-info, "Two nodes").
 */
final class SharedCalls {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AsteriskLine.class);

    /** A caller registered by a node's IVR: arrival numbers grow with time across nodes. */
    record Arrival(String uniqueId, String channel, long arrival) {}

    private final DSLContext db;
    private final String node;

    SharedCalls(DSLContext db, String node) {
        this.db = db;
        this.node = node;
    }

    String node() {
        return node;
    }

    /** A caller reached this node's IVR while another node (or none) holds the AMI link. */
    void arrived(String uniqueId, String channel) {
        db.insertInto(ASTERISK_CHANNEL).set(ASTERISK_CHANNEL.UNIQUE_ID, uniqueId)
                .set(ASTERISK_CHANNEL.CHANNEL, channel == null || channel.isBlank() ? "unknown" : channel)
                .set(ASTERISK_CHANNEL.NODE, node).onConflictDoNothing().execute();
    }

    Optional<Arrival> find(String uniqueId) {
        return db.select(ASTERISK_CHANNEL.UNIQUE_ID, ASTERISK_CHANNEL.CHANNEL, ASTERISK_CHANNEL.ARRIVAL)
                .from(ASTERISK_CHANNEL).where(ASTERISK_CHANNEL.UNIQUE_ID.eq(uniqueId))
                .fetchOptional(r -> new Arrival(r.value1(), r.value2(), r.value3()));
    }

    /** The caller's channel is gone: whether another node's IVR had registered it. */
    boolean gone(String uniqueId) {
        return db.deleteFrom(ASTERISK_CHANNEL).where(ASTERISK_CHANNEL.UNIQUE_ID.eq(uniqueId)).execute() > 0;
    }

    /**
     * The last arrival number handed out so far, read before a channel list is asked for: a caller registered with a
     * higher number may be missing from that list. A number taken but not yet committed is no higher, and its
     * channel existed before it was taken, so the list shows it.
     */
    long lastArrival() {
        // Before the first nextval the sequence shows its start value with is_called false: nothing handed out.
        Long last = db.select(DSL.field("case when is_called then last_value else 0 end", Long.class))
                .from(DSL.table("asterisk_arrival_seq")).fetchOne(0, Long.class);
        return last == null ? 0 : last;
    }

    /** Callers registered by another node's IVR after {@code listed}. */
    Set<String> arrivedAfter(long listed) {
        return Set.copyOf(db.select(ASTERISK_CHANNEL.UNIQUE_ID).from(ASTERISK_CHANNEL)
                .where(ASTERISK_CHANNEL.ARRIVAL.gt(listed)).fetch(ASTERISK_CHANNEL.UNIQUE_ID));
    }

    boolean arrivedAfter(String uniqueId, long listed) {
        return db.fetchExists(ASTERISK_CHANNEL, ASTERISK_CHANNEL.UNIQUE_ID.eq(uniqueId)
                .and(ASTERISK_CHANNEL.ARRIVAL.gt(listed)));
    }

    /** After a resync: the registered callers whose channel the list no longer shows are gone. */
    void keepOnly(Set<String> listedChannels, long listed) {
        db.deleteFrom(ASTERISK_CHANNEL).where(ASTERISK_CHANNEL.ARRIVAL.le(listed))
                .and(ASTERISK_CHANNEL.UNIQUE_ID.notIn(listedChannels)).execute();
    }

    /** This node holds the link and has (or has not) resynced. */
    void link(boolean synced) {
        try {
            db.insertInto(ASTERISK_LINK).set(ASTERISK_LINK.ID, 1).set(ASTERISK_LINK.NODE, node)
                    .set(ASTERISK_LINK.SYNCED, synced).set(ASTERISK_LINK.CHANGED_AT, OffsetDateTime.now())
                    .onConflict(ASTERISK_LINK.ID).doUpdate().set(ASTERISK_LINK.NODE, node)
                    .set(ASTERISK_LINK.SYNCED, synced).set(ASTERISK_LINK.CHANGED_AT, OffsetDateTime.now()).execute();
        } catch (RuntimeException e) {
            log.warn("recording the AMI link's state failed: {}", e.getClass().getSimpleName());
        }
    }

    /** Whether the leading node last said it holds a resynced link (a node that let go says so first). */
    boolean linkSynced() {
        Boolean synced = db.select(ASTERISK_LINK.SYNCED).from(ASTERISK_LINK).where(ASTERISK_LINK.ID.eq(1))
                .fetchOne(ASTERISK_LINK.SYNCED);
        return Boolean.TRUE.equals(synced);
    }

    /** This node lets the link go: no node holds it until the next one says so. */
    void linkLetGo() {
        db.update(ASTERISK_LINK).set(ASTERISK_LINK.SYNCED, false).set(ASTERISK_LINK.CHANGED_AT, OffsetDateTime.now())
                .where(ASTERISK_LINK.NODE.eq(node)).execute();
    }

    void unreachable(String username, boolean unreachable) {
        if (unreachable) {
            db.insertInto(ASTERISK_UNREACHABLE_PHONE).set(ASTERISK_UNREACHABLE_PHONE.USERNAME, username)
                    .set(ASTERISK_UNREACHABLE_PHONE.SINCE, OffsetDateTime.now()).onConflictDoNothing().execute();
        } else {
            db.deleteFrom(ASTERISK_UNREACHABLE_PHONE).where(ASTERISK_UNREACHABLE_PHONE.USERNAME.eq(username))
                    .execute();
        }
    }

    Set<String> unreachable() {
        return Set.copyOf(db.select(ASTERISK_UNREACHABLE_PHONE.USERNAME).from(ASTERISK_UNREACHABLE_PHONE)
                .fetch(ASTERISK_UNREACHABLE_PHONE.USERNAME));
    }
}
