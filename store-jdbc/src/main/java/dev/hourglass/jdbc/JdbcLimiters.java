package dev.hourglass.jdbc;

import dev.hourglass.CorruptDataException;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.spi.LimiterBackend;
import dev.hourglass.spi.LimiterCells;
import dev.hourglass.spi.LimiterStates;
import dev.hourglass.spi.SweepTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Limiter state in the {@code limiters} table, one row per limiter key, its state's bytes as
 * {@link LimiterStates} encodes them and its expiry.
 *
 * <p>A quota take is one upsert that decides in the database: PostgreSQL's
 * {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE <admitted or expired> RETURNING} (a refusal
 * updates nothing and returns no row, and is then answered from one read of the row);
 * MySQL/MariaDB's {@code INSERT ... ON DUPLICATE KEY UPDATE}, which leaves its decision and the
 * row's new values in session variables that one {@code SELECT} of those variables reads back,
 * so the answer is exactly the upsert's. The row lock an upsert takes queues concurrent takes of
 * the key, and a concurrent first take waits for the insert, so quotas stay exact.
 *
 * <p>The other decisions are one short transaction on the row: {@code SELECT ... FOR UPDATE},
 * then one {@code UPDATE} (or {@code DELETE}) of the new state, on PostgreSQL sent together with
 * its {@code COMMIT}. A key without a row gets a
 * placeholder first ({@code ON DUPLICATE KEY UPDATE} / {@code ON CONFLICT DO NOTHING}, which wait
 * for a concurrent insert of the same key instead of failing), so concurrent first takes queue on
 * one row lock and stay exact. A row whose expiry has passed reads as absent; the sweeper deletes
 * such rows in small batches with {@code FOR UPDATE SKIP LOCKED}, so it never waits for a decision.
 */
final class JdbcLimiters implements LimiterCells, SweepTask {

    private static final int MAX_BATCH = 1024;
    private static final int BACKLOG_CAP = 100_000;

    private final Db db;
    private final Dialect d;
    private final String select;
    private final String placeholder;
    private final String update;
    private final String delete;
    private final String write;
    private final String remove;
    private final String lockExpired;
    private final String backlog;
    private final String quota;
    private final String quotaRead;
    private final LimiterBackend cells = LimiterStates.over(this);

    JdbcLimiters(Db db) {
        this.db = db;
        this.d = db.dialect;
        String t = d.prefix + "limiters";
        this.select = "SELECT state, expires_at FROM " + t + " WHERE id = ? FOR UPDATE";
        this.placeholder = d.mysql
                ? "INSERT INTO " + t
                        + " (id, state, expires_at) VALUES (?, ?, 0) ON DUPLICATE KEY UPDATE expires_at = expires_at"
                : "INSERT INTO " + t + " (id, state, expires_at) VALUES (?, ?, 0) ON CONFLICT (id) DO NOTHING";
        this.update = "UPDATE " + t + " SET state = ?, expires_at = ? WHERE id = ?";
        this.delete = "DELETE FROM " + t + " WHERE id = ?";
        // PostgreSQL runs both statements of one string in one round trip; the commit that follows
        // finds no transaction open and sends nothing.
        this.write = d.mysql ? update : update + "; COMMIT";
        this.remove = d.mysql ? delete : delete + "; COMMIT";
        this.lockExpired = d.mysql
                ? "SELECT id FROM " + t + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED"
                : "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t
                        + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= ? RETURNING id";
        this.backlog =
                "SELECT COUNT(*) FROM (SELECT id FROM " + t + " WHERE expires_at <= ? LIMIT " + BACKLOG_CAP + ") x";
        this.quota = d.mysql ? mysqlQuota(t) : postgresQuota(t);
        this.quotaRead =
                d.mysql ? "SELECT @hg_ok, @hg_s, @hg_e" : "SELECT state, expires_at FROM " + t + " WHERE id = ?";
    }

    /**
     * Parameters: id, fresh state, fresh window end, now, n, limit, n, now. The count is the state's
     * bytes 10..17 (1-based). Assignments run left to right, so {@code state} is set before
     * {@code expires_at} changes.
     */
    private static String mysqlQuota(String t) {
        String count = "CAST(CONV(HEX(SUBSTRING(state, 10, 8)), 16, 10) AS UNSIGNED)";
        return "INSERT INTO " + t
                + " (id, state, expires_at) VALUES (?, (@hg_s := ?), IF((@hg_ok := 1), (@hg_e := ?), 0))"
                + " ON DUPLICATE KEY UPDATE state = (@hg_s := IF(expires_at <= ?, VALUES(state),"
                + " IF((@hg_ok := (LENGTH(state) = " + LimiterStates.QUOTA_BYTES + " AND ASCII(state) = 1 AND " + count
                + " + ? <= ?)), CONCAT(SUBSTRING(state, 1, 9), UNHEX(LPAD(HEX(" + count + " + ?), 16, '0'))), state))),"
                + " expires_at = (@hg_e := IF(expires_at <= ?, VALUES(expires_at), expires_at))";
    }

    /** Parameters: id, fresh state, fresh window end, now, n, now, now, n, limit. */
    private static String postgresQuota(String t) {
        String count = "('x' || encode(substring(l.state from 10 for 8), 'hex'))::bit(64)::bigint";
        return "INSERT INTO " + t + " AS l (id, state, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                + " state = CASE WHEN l.expires_at <= ? THEN EXCLUDED.state"
                + " ELSE overlay(l.state placing int8send(" + count + " + ?) from 10 for 8) END,"
                + " expires_at = CASE WHEN l.expires_at <= ? THEN EXCLUDED.expires_at ELSE l.expires_at END"
                + " WHERE l.expires_at <= ? OR (length(l.state) = " + LimiterStates.QUOTA_BYTES
                + " AND get_byte(l.state, 0) = 1 AND " + count + " + ? <= ?) RETURNING state, expires_at";
    }

    /** The decisions: quota takes by one upsert, the others over {@link #update}. */
    LimiterBackend backend() {
        return new LimiterBackend() {
            @Override
            public RateDecision take(String key, RateLimit limit, long n, long now) {
                return limit instanceof Quota q ? quota(key, q, n, now) : cells.take(key, limit, n, now);
            }

            @Override
            public PermitDecision acquire(String key, Permits permits, String permitId, long now, long leaseEnd) {
                return cells.acquire(key, permits, permitId, now, leaseEnd);
            }

            @Override
            public boolean renew(String key, String permitId, long now, long leaseEnd) {
                return cells.renew(key, permitId, now, leaseEnd);
            }

            @Override
            public boolean release(String key, String permitId, long now) {
                return cells.release(key, permitId, now);
            }

            @Override
            public long inUse(String key, long now) {
                return cells.inUse(key, now);
            }
        };
    }

    private RateDecision quota(String key, Quota q, long n, long now) {
        long freshEnd = q.windowEnd(now);
        byte[] fresh = LimiterStates.quotaState(freshEnd, n);
        RateDecision decided = db.call("limiter", key, c -> {
            try (PreparedStatement ps = c.prepareStatement(quota)) {
                d.bindId(ps, 1, key);
                ps.setBytes(2, fresh);
                ps.setLong(3, freshEnd);
                ps.setLong(4, now);
                ps.setLong(5, n);
                if (d.mysql) {
                    ps.setLong(6, q.limit());
                    ps.setLong(7, n);
                    ps.setLong(8, now);
                    ps.executeUpdate();
                    return mysqlAnswer(c, key, q, now);
                }
                ps.setLong(6, now);
                ps.setLong(7, now);
                ps.setLong(8, n);
                ps.setLong(9, q.limit());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return answer(key, q, true, rs.getBytes(1), rs.getLong(2), now);
                    }
                }
            }
            return postgresRefusal(c, key, q, n, now);
        });
        return decided != null ? decided : cells.take(key, q, n, now);
    }

    private RateDecision mysqlAnswer(Connection c, String key, Quota q, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(quotaRead);
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new CorruptDataException("limiter '" + key + "' left no decision");
            }
            return answer(key, q, rs.getLong(1) == 1, rs.getBytes(2), rs.getLong(3), now);
        }
    }

    /**
     * The upsert refused (or met bytes that are no quota's): the answer from the row as it is now,
     * or null when that row would no longer refuse, so the take is decided again in a transaction.
     */
    private RateDecision postgresRefusal(Connection c, String key, Quota q, long n, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(quotaRead)) {
            d.bindId(ps, 1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getLong(2) <= now) {
                    return null;
                }
                byte[] state = rs.getBytes(1);
                long count = LimiterStates.quotaCount(key, state);
                return count + n > q.limit() ? answer(key, q, false, state, rs.getLong(2), now) : null;
            }
        }
    }

    private static RateDecision answer(String key, Quota q, boolean admitted, byte[] state, long end, long now) {
        return LimiterStates.quotaAnswer(q, admitted, LimiterStates.quotaCount(key, state), end, now);
    }

    @Override
    public <R> R update(String key, long now, Change<R> change) {
        return db.inTransaction("limiter", key, c -> {
            boolean present;
            byte[] state;
            try (PreparedStatement ps = c.prepareStatement(select)) {
                d.bindId(ps, 1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    present = rs.next();
                    state = present && rs.getLong(2) > now ? rs.getBytes(1) : null;
                }
            }
            if (!present) {
                try (PreparedStatement ps = c.prepareStatement(placeholder)) {
                    d.bindId(ps, 1, key);
                    ps.setBytes(2, new byte[0]);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(select)) {
                    d.bindId(ps, 1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        state = rs.next() && rs.getLong(2) > now ? rs.getBytes(1) : null;
                    }
                }
            }
            Update<R> u = change.apply(state);
            if (u.changed() || !present) {
                if (u.state() == null) {
                    try (PreparedStatement ps = c.prepareStatement(remove)) {
                        d.bindId(ps, 1, key);
                        ps.executeUpdate();
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement(write)) {
                        ps.setBytes(1, u.state());
                        ps.setLong(2, u.expiresAt());
                        d.bindId(ps, 3, key);
                        ps.executeUpdate();
                    }
                }
            }
            return u.result();
        });
    }

    /** Runs {@code first}, then this table's sweep with what is left of each batch. */
    SweepTask after(SweepTask first) {
        return new SweepTask() {
            @Override
            public int sweep(long now, int batchSize) {
                int n = first.sweep(now, batchSize);
                return n < batchSize ? n + JdbcLimiters.this.sweep(now, batchSize - n) : n;
            }

            @Override
            public long backlog(long now) {
                return first.backlog(now) + JdbcLimiters.this.backlog(now);
            }
        };
    }

    @Override
    public int sweep(long now, int batchSize) {
        int removed = 0;
        while (removed < batchSize) {
            int want = Math.min(MAX_BATCH, batchSize - removed);
            int n = d.mysql ? sweepMySql(now, want) : sweepPostgres(now, want);
            removed += n;
            if (n < want) {
                break;
            }
        }
        return removed;
    }

    private int sweepMySql(long now, int limit) {
        return db.inTransaction("limiter sweep", null, c -> {
            List<byte[]> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(lockExpired)) {
                ps.setLong(1, now);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getBytes(1));
                    }
                }
            }
            if (!ids.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(delete + " AND expires_at <= ?")) {
                    for (byte[] id : ids) {
                        ps.setBytes(1, id);
                        ps.setLong(2, now);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return ids.size();
        });
    }

    private int sweepPostgres(long now, int limit) {
        return db.call("limiter sweep", null, c -> {
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement(lockExpired)) {
                ps.setLong(1, now);
                ps.setInt(2, limit);
                ps.setLong(3, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                    }
                }
            }
            return n;
        });
    }

    @Override
    public long backlog(long now) {
        return db.call("limiter backlog", null, (Connection c) -> {
            try (PreparedStatement ps = c.prepareStatement(backlog)) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }
}
