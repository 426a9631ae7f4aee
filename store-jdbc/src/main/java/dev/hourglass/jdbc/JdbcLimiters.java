package dev.hourglass.jdbc;

import dev.hourglass.spi.LimiterCells;
import dev.hourglass.spi.SweepTask;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Limiter state in the {@code limiters} table, one row per limiter key. A decision is one short
 * transaction on that row: {@code SELECT ... FOR UPDATE}, then one {@code UPDATE} (or
 * {@code DELETE}) of the new state. A key without a row gets a placeholder first
 * ({@code ON DUPLICATE KEY UPDATE} / {@code ON CONFLICT DO NOTHING}, which wait for a concurrent
 * insert of the same key instead of failing), so concurrent first takes queue on one row lock and
 * stay exact. A row whose expiry has passed reads as absent; the sweeper deletes such rows in
 * small batches with {@code FOR UPDATE SKIP LOCKED}, so it never waits for a decision.
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
    private final String lockExpired;
    private final String backlog;

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
        this.lockExpired = d.mysql
                ? "SELECT id FROM " + t + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED"
                : "DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t
                        + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= ? RETURNING id";
        this.backlog =
                "SELECT COUNT(*) FROM (SELECT id FROM " + t + " WHERE expires_at <= ? LIMIT " + BACKLOG_CAP + ") x";
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
                    try (PreparedStatement ps = c.prepareStatement(delete)) {
                        d.bindId(ps, 1, key);
                        ps.executeUpdate();
                    }
                } else {
                    try (PreparedStatement ps = c.prepareStatement(update)) {
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
