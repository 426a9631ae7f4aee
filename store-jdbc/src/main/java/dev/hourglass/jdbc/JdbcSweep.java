package dev.hourglass.jdbc;

import dev.hourglass.ExpiryListener;
import dev.hourglass.spi.SweepTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes expired sessions and streams in small batches, one node at a time.
 *
 * <p>Nodes take turns through a lease row ({@code UPDATE ... WHERE until_ms < now OR owner = me});
 * a node that does not hold it removes nothing. A batch locks at most {@code batchSize} expired
 * rows through the expiry index with {@code FOR UPDATE SKIP LOCKED} and deletes exactly those by
 * primary key, in one short transaction: the sweeper never waits for a row another transaction
 * holds, so it cannot be part of a deadlock, and callers wait at most for one batch. Unlike an
 * unbounded {@code DELETE ... WHERE expiry < ?} on every node, its cost grows with what expired,
 * not with the size of the table. Each removed session id goes to the expiry listeners after the
 * batch commits.
 */
final class JdbcSweep implements SweepTask {

    private static final Logger log = LoggerFactory.getLogger(JdbcSweep.class);
    static final String LEASE = "sweeper";
    /** The most ids in one {@code IN} list; lists are padded to a power of two so few statement shapes exist. */
    private static final int MAX_IN = 1024;
    /** Streams take their messages with them: fewer per batch keeps each transaction short. */
    private static final int MAX_STREAMS = 100;

    private static final int BACKLOG_CAP = 100_000;

    private final Db db;
    private final Dialect d;
    private final ExpiryListener sink;
    private final String owner;
    private final long leaseMillis;
    private final Map<String, String> deleteStatements = new HashMap<>();
    private long leaseRenewAt = Long.MIN_VALUE;
    private long leaseUntil = Long.MIN_VALUE;

    JdbcSweep(Db db, ExpiryListener sink, String owner, long leaseMillis) {
        this.db = db;
        this.d = db.dialect;
        this.sink = sink;
        this.owner = owner;
        this.leaseMillis = leaseMillis;
    }

    @Override
    public synchronized int sweep(long now, int batchSize) {
        if (!holdLease(now)) {
            return 0;
        }
        int removed = 0;
        while (removed < batchSize) {
            int want = Math.min(MAX_IN, batchSize - removed);
            int n = sweepSessions(now, want);
            removed += n;
            if (n < want) {
                break;
            }
        }
        while (removed < batchSize) {
            int want = Math.min(MAX_STREAMS, batchSize - removed);
            int n = sweepStreams(now, want);
            removed += n;
            if (n < want) {
                break;
            }
        }
        return removed;
    }

    private boolean holdLease(long now) {
        if (now < leaseRenewAt && now < leaseUntil) {
            return true;
        }
        long until = now + leaseMillis;
        boolean held = db.call("sweeper lease", LEASE, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.leaseAcquire)) {
                ps.setString(1, owner);
                ps.setLong(2, until);
                ps.setString(3, LEASE);
                ps.setLong(4, now);
                ps.setString(5, owner);
                return ps.executeUpdate() == 1;
            }
        });
        if (held) {
            leaseUntil = until;
            leaseRenewAt = now + leaseMillis / 3;
        } else {
            leaseUntil = Long.MIN_VALUE;
            leaseRenewAt = Long.MIN_VALUE;
        }
        return held;
    }

    /** Gives the lease up so that another node can sweep at once; best effort. */
    synchronized void releaseLease() {
        if (leaseUntil == Long.MIN_VALUE) {
            return;
        }
        leaseUntil = Long.MIN_VALUE;
        leaseRenewAt = Long.MIN_VALUE;
        try {
            db.call("sweeper lease release", LEASE, c -> {
                try (PreparedStatement ps = c.prepareStatement(d.leaseRelease)) {
                    ps.setString(1, LEASE);
                    ps.setString(2, owner);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            log.debug("could not release the sweeper lease; it lapses by itself", e);
        }
    }

    private int sweepSessions(long now, int limit) {
        List<String> removed = d.mysql
                ? db.inTransaction("sweep", null, c -> {
                    List<String> ids = lockExpired(c, d.sweepSessions, now, limit);
                    deleteIn(c, d.sessions, "id", ids);
                    return ids;
                })
                : db.call("sweep", null, c -> selectIds(c, d.sweepSessions, now, limit, true));
        for (String id : removed) {
            sink.expired(id);
        }
        return removed.size();
    }

    private int sweepStreams(long now, int limit) {
        List<String> removed = d.mysql
                ? db.inTransaction("sweep", null, c -> {
                    List<String> ids = lockExpired(c, d.sweepStreams, now, limit);
                    deleteIn(c, d.messages, "stream_id", ids);
                    deleteIn(c, d.readers, "stream_id", ids);
                    deleteIn(c, d.streams, "id", ids);
                    return ids;
                })
                : db.call("sweep", null, c -> selectIds(c, d.sweepStreams, now, limit, true));
        return removed.size();
    }

    private List<String> lockExpired(Connection c, String sql, long now, int limit) throws SQLException {
        return selectIds(c, sql, now, limit, false);
    }

    private List<String> selectIds(Connection c, String sql, long now, int limit, boolean nowTwice)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, now);
            ps.setInt(2, limit);
            if (nowTwice) {
                ps.setLong(3, now);
            }
            List<String> ids = new ArrayList<>(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(d.readId(rs, 1, "id of an expired row"));
                }
            }
            return ids;
        }
    }

    private void deleteIn(Connection c, String table, String column, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        int size = Dialect.paddedSize(ids.size());
        String sql = deleteStatements.computeIfAbsent(table + ' ' + size, k -> Dialect.deleteIn(table, column, size));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < size; i++) {
                d.bindId(ps, i + 1, ids.get(Math.min(i, ids.size() - 1)));
            }
            ps.executeUpdate();
        }
    }

    @Override
    public long backlog(long now) {
        return db.call(
                "sweeper backlog", null, c -> count(c, d.backlogSessions, now) + count(c, d.backlogStreams, now));
    }

    private static long count(Connection c, String sql, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, now);
            ps.setInt(2, BACKLOG_CAP);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
