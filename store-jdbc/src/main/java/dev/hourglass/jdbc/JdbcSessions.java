package dev.hourglass.jdbc;

import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.SessionIndex;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sessions as one row each, attributes in one blob. Every operation is one primary-key statement
 * in auto-commit, except merge (read, then compare-and-set; a short locking transaction when that
 * loses a race) and MySQL's get-and-touch (read, then a touch conditional on the version read).
 *
 * <p>A version is {@code createdAt << 21 | counter}: the counter (1..2^21-1) moves on every
 * attribute write, and carrying the creation time lets MySQL, which has no {@code RETURNING},
 * answer put and compare-and-set with the whole session from one statement. A session deleted
 * and created again gets a new creation time or a random counter, so an old version does not match.
 *
 * <p>The session index is a table of (digest of name and value, id, name) rows, removed with their
 * session by a cascading foreign key. A write that sets or removes an indexed attribute runs in one
 * transaction with its index rows (one more statement per indexed attribute it sets, one to clear
 * the id's old rows); other writes are unchanged. A lookup is one join statement.
 */
final class JdbcSessions implements SessionBackend {

    private static final int COUNTER_BITS = 21;
    private static final long MAX_TIME = (1L << (63 - COUNTER_BITS)) - 1;
    private static final Object LOST_RACE = new Object();
    private static final int MAX_BATCH = 512;

    private final Db db;
    private final Dialect d;
    private final String indexFind;
    private final String indexAdd;
    private final String indexClearName;
    private final String indexClearId;

    JdbcSessions(Db db) {
        this.db = db;
        this.d = db.dialect;
        String index = d.prefix + "session_index";
        this.indexFind = "SELECT s.id, s.attributes, s.created_at, s.accessed_at, s.expires_at, s.version FROM "
                + index + " i JOIN " + d.sessions + " s ON s.id = i.id WHERE i.digest = ? AND s.expires_at > ?"
                + " LIMIT ?";
        this.indexAdd = d.mysql
                ? "INSERT IGNORE INTO " + index + " (digest, id, name) VALUES (?, ?, ?)"
                : "INSERT INTO " + index + " (digest, id, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
        this.indexClearName = "DELETE FROM " + index + " WHERE id = ? AND name = ?";
        this.indexClearId = "DELETE FROM " + index + " WHERE id = ?";
    }

    /**
     * Files {@code id} under the indexed values of {@code set} (clearing what it had under those names)
     * and removes it from the indexed names of {@code remove}; with {@code replace}, every row of the
     * id goes first. Runs inside the transaction that writes the session, after its row is written.
     */
    private void refile(Connection c, String id, Attributes set, Set<String> remove, boolean replace)
            throws SQLException {
        if (replace) {
            try (PreparedStatement ps = c.prepareStatement(indexClearId)) {
                d.bindId(ps, 1, id);
                ps.executeUpdate();
            }
        } else {
            Set<String> names = new LinkedHashSet<>(SessionIndex.indexedNames(remove));
            names.addAll(SessionIndex.indexedNames(set.names()));
            for (String n : names) {
                try (PreparedStatement ps = c.prepareStatement(indexClearName)) {
                    d.bindId(ps, 1, id);
                    d.bindId(ps, 2, n);
                    ps.executeUpdate();
                }
            }
        }
        for (String n : SessionIndex.indexedNames(set.names())) {
            try (PreparedStatement ps = c.prepareStatement(indexAdd)) {
                ps.setBytes(1, SessionIndex.digest(n, set.getBytes(n)));
                d.bindId(ps, 2, id);
                d.bindId(ps, 3, n);
                ps.executeUpdate();
            }
        }
    }

    @Override
    public Map<String, Session> findByIndex(String name, byte[] value, int limit, long now) {
        byte[] digest = SessionIndex.digest(name, value);
        Map<String, Session> found = db.call("findByIndex", name, c -> {
            Map<String, Session> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(indexFind)) {
                ps.setBytes(1, digest);
                ps.setLong(2, now);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = d.readId(rs, 1, "session id");
                        rows.put(
                                id,
                                session(
                                        id,
                                        JdbcCodec.attributes(rs.getBytes(2), "session '" + id + "'"),
                                        rs.getLong(3),
                                        rs.getLong(4),
                                        rs.getLong(5),
                                        rs.getLong(6)));
                    }
                }
            }
            return rows;
        });
        return SessionIndex.matches(found, name, value, limit, now);
    }

    static long freshVersion(long now) {
        if (now < 0 || now > MAX_TIME) {
            throw new IllegalArgumentException(
                    "clock reads " + Instant.ofEpochMilli(now) + ", outside the range this store keeps (1970 to 2109)");
        }
        return (now << COUNTER_BITS) | (1 + ThreadLocalRandom.current().nextLong(Dialect.COUNTER_MASK));
    }

    static long bump(long version) {
        return (version & Dialect.COUNTER_MASK) >= Dialect.COUNTER_MASK
                ? version - Dialect.COUNTER_MASK + 1
                : version + 1;
    }

    static long createdAt(long version) {
        return version >> COUNTER_BITS;
    }

    private static Session session(String id, Attributes a, long created, long accessed, long expires, long version) {
        return new Session(
                id,
                a,
                Instant.ofEpochMilli(created),
                Instant.ofEpochMilli(accessed),
                Instant.ofEpochMilli(expires),
                version);
    }

    /** Reads a row of {@code attributes, created_at, accessed_at, expires_at, version}. */
    private static Session read(String id, ResultSet rs) throws SQLException {
        return session(
                id,
                JdbcCodec.attributes(rs.getBytes(1), "session '" + id + "'"),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5));
    }

    private Session select(Connection c, String sql, String id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            d.bindId(ps, 1, id);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(id, rs) : null;
            }
        }
    }

    @Override
    public Session get(String id, long now) {
        return db.call("get", id, c -> select(c, d.get, id, now));
    }

    private void bindInsert(PreparedStatement ps, String id, byte[] blob, long now, long expiresAt, long version)
            throws SQLException {
        d.bindId(ps, 1, id);
        ps.setBytes(2, blob);
        ps.setLong(3, now);
        ps.setLong(4, now);
        ps.setLong(5, expiresAt);
        ps.setLong(6, version);
    }

    @Override
    public Map<String, Session> getAll(Collection<String> ids, long now) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(ids));
        Map<String, Session> found = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += MAX_BATCH) {
            List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + MAX_BATCH));
            int size = Dialect.paddedSize(chunk.size());
            db.call("getAll", chunk.get(0), c -> {
                try (PreparedStatement ps = c.prepareStatement(d.getIn(size))) {
                    for (int i = 0; i < size; i++) {
                        d.bindId(ps, i + 1, chunk.get(Math.min(i, chunk.size() - 1)));
                    }
                    ps.setLong(size + 1, now);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String id = d.readId(rs, 1, "session id");
                            found.put(
                                    id,
                                    session(
                                            id,
                                            JdbcCodec.attributes(rs.getBytes(2), "session '" + id + "'"),
                                            rs.getLong(3),
                                            rs.getLong(4),
                                            rs.getLong(5),
                                            rs.getLong(6)));
                        }
                    }
                }
                return null;
            });
        }
        Map<String, Session> ordered = new LinkedHashMap<>();
        for (String id : distinct) {
            Session s = found.get(id);
            if (s != null) {
                ordered.put(id, s);
            }
        }
        return ordered;
    }

    /**
     * Writes in chunks, each one transaction of batched upserts in one fixed order of ids (so that
     * two batches lock rows in the same order and cannot deadlock), one round trip for the statements with
     * MySQL's batch rewriting or PostgreSQL's pipelining.
     */
    @Override
    public void putAll(Map<String, Attributes> batch, long now, long expiresAt) {
        List<String> ids = new ArrayList<>(batch.keySet());
        Collections.sort(ids);
        for (int from = 0; from < ids.size(); from += MAX_BATCH) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_BATCH));
            db.inTransaction("putAll", chunk.get(0), c -> {
                try (PreparedStatement ps = c.prepareStatement(d.putBatch)) {
                    for (String id : chunk) {
                        bindInsert(ps, id, batch.get(id).toBytes(), now, expiresAt, freshVersion(now));
                        ps.setLong(7, now);
                        ps.setLong(8, now);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                for (String id : chunk) {
                    if (SessionIndex.anyIndexed(batch.get(id))) {
                        refile(c, id, batch.get(id), Set.of(), true);
                    }
                }
                return null;
            });
        }
    }

    @Override
    public Session put(String id, Attributes attributes, long now, long expiresAt) {
        long fresh = freshVersion(now);
        byte[] blob = attributes.toBytes();
        if (SessionIndex.anyIndexed(attributes)) {
            return db.inTransaction("put", id, c -> {
                Session s = put(c, id, attributes, blob, fresh, now, expiresAt);
                refile(c, id, attributes, Set.of(), true);
                return s;
            });
        }
        return db.call("put", id, c -> put(c, id, attributes, blob, fresh, now, expiresAt));
    }

    private Session put(
            Connection c, String id, Attributes attributes, byte[] blob, long fresh, long now, long expiresAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(d.put)) {
            bindInsert(ps, id, blob, now, expiresAt, fresh);
            ps.setLong(7, now);
            ps.setLong(8, now);
            long version;
            if (d.mysql) {
                int n = ps.executeUpdate();
                version = n == 1 ? fresh : Dialect.lastInsertId(ps);
            } else {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    version = rs.getLong(2);
                }
            }
            return session(id, attributes, createdAt(version), now, expiresAt, version);
        }
    }

    @Override
    public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
        long fresh = freshVersion(now);
        byte[] blob = attributes.toBytes();
        boolean created = SessionIndex.anyIndexed(attributes)
                ? db.inTransaction("createIfAbsent", id, c -> {
                    boolean inserted = createIfAbsent(c, id, blob, fresh, now, expiresAt);
                    if (inserted) {
                        refile(c, id, attributes, Set.of(), true);
                    }
                    return inserted;
                })
                : db.call("createIfAbsent", id, c -> createIfAbsent(c, id, blob, fresh, now, expiresAt));
        return created ? session(id, attributes, now, now, expiresAt, fresh) : null;
    }

    private boolean createIfAbsent(Connection c, String id, byte[] blob, long fresh, long now, long expiresAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(d.createIfAbsent)) {
            bindInsert(ps, id, blob, now, expiresAt, fresh);
            if (d.mysql) {
                for (int i = 7; i <= 11; i++) {
                    ps.setLong(i, now);
                }
                int n = ps.executeUpdate();
                // 1 and no value handed back: inserted; 2: an expired row replaced; 1 with the live version: kept.
                return n == 2 || (n == 1 && Dialect.lastInsertId(ps) == 0);
            }
            ps.setLong(7, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public Session merge(String id, Attributes set, Set<String> remove, long now) {
        if (SessionIndex.anyIndexed(set) || !SessionIndex.indexedNames(remove).isEmpty()) {
            return db.inTransaction("merge", id, c -> {
                Session locked = select(c, d.selectForUpdate, id, now);
                if (locked == null) {
                    return null;
                }
                Session merged = cas(
                        c,
                        id,
                        locked.version(),
                        locked.attributes().without(remove).withAll(set),
                        now);
                if (merged != null) {
                    refile(c, id, set, remove, false);
                }
                return merged;
            });
        }
        Session current = get(id, now);
        if (current == null) {
            return null;
        }
        Session merged = compareAndSet(
                id, current.version(), current.attributes().without(remove).withAll(set), now);
        if (merged != null) {
            return merged;
        }
        // Lost a race: take the row lock so that a hot session cannot starve this merge.
        return db.inTransaction("merge", id, c -> {
            Session locked = select(c, d.selectForUpdate, id, now);
            if (locked == null) {
                return null;
            }
            return cas(
                    c, id, locked.version(), locked.attributes().without(remove).withAll(set), now);
        });
    }

    @Override
    public boolean touch(String id, long now, long expiresAt) {
        return db.call("touch", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.touch)) {
                ps.setLong(1, now);
                ps.setLong(2, expiresAt);
                d.bindId(ps, 3, id);
                ps.setLong(4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Session getAndTouch(String id, long now, long expiresAt) {
        if (!d.mysql) {
            return db.call("getAndTouch", id, c -> {
                try (PreparedStatement ps = c.prepareStatement(d.getAndTouch)) {
                    ps.setLong(1, now);
                    ps.setLong(2, expiresAt);
                    d.bindId(ps, 3, id);
                    ps.setLong(4, now);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next()
                                ? session(
                                        id,
                                        JdbcCodec.attributes(rs.getBytes(1), "session '" + id + "'"),
                                        rs.getLong(2),
                                        now,
                                        expiresAt,
                                        rs.getLong(3))
                                : null;
                    }
                }
            });
        }
        // MySQL cannot return the row it updates: read it, then touch only if no write came between.
        Object result = db.call("getAndTouch", id, c -> {
            Session current = select(c, d.get, id, now);
            if (current == null) {
                return null;
            }
            return touchIfVersion(c, id, current.version(), now, expiresAt)
                    ? touched(current, now, expiresAt)
                    : LOST_RACE;
        });
        return result == LOST_RACE ? lockedGetAndTouch(id, now, expiresAt) : (Session) result;
    }

    private Session lockedGetAndTouch(String id, long now, long expiresAt) {
        return db.inTransaction("getAndTouch", id, c -> {
            Session current = select(c, d.selectForUpdate, id, now);
            if (current == null || !touchIfVersion(c, id, current.version(), now, expiresAt)) {
                return null;
            }
            return touched(current, now, expiresAt);
        });
    }

    private boolean touchIfVersion(Connection c, String id, long version, long now, long expiresAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(d.touchIfVersion)) {
            ps.setLong(1, now);
            ps.setLong(2, expiresAt);
            d.bindId(ps, 3, id);
            ps.setLong(4, version);
            ps.setLong(5, now);
            return ps.executeUpdate() == 1;
        }
    }

    private static Session touched(Session s, long now, long expiresAt) {
        return new Session(
                s.id(),
                s.attributes(),
                s.createdAt(),
                Instant.ofEpochMilli(now),
                Instant.ofEpochMilli(expiresAt),
                s.version());
    }

    @Override
    public boolean delete(String id, long now) {
        // An expired row stays for the sweeper, which reports it to the expiry listeners.
        return db.call("delete", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.delete)) {
                d.bindId(ps, 1, id);
                ps.setLong(2, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
        if (SessionIndex.anyIndexed(attributes)) {
            return db.inTransaction("compareAndSet", id, c -> {
                Session s = cas(c, id, expectedVersion, attributes, now);
                if (s != null) {
                    refile(c, id, attributes, Set.of(), true);
                }
                return s;
            });
        }
        return db.call("compareAndSet", id, c -> cas(c, id, expectedVersion, attributes, now));
    }

    private Session cas(Connection c, String id, long expectedVersion, Attributes attributes, long now)
            throws SQLException {
        long next = bump(expectedVersion);
        try (PreparedStatement ps = c.prepareStatement(d.compareAndSet)) {
            ps.setBytes(1, attributes.toBytes());
            ps.setLong(2, next);
            ps.setLong(3, now);
            d.bindId(ps, 4, id);
            ps.setLong(5, expectedVersion);
            ps.setLong(6, now);
            long expiresAt;
            if (d.mysql) {
                if (ps.executeUpdate() != 1) {
                    return null;
                }
                expiresAt = Dialect.lastInsertId(ps);
            } else {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    expiresAt = rs.getLong(1);
                }
            }
            return session(id, attributes, createdAt(expectedVersion), now, expiresAt, next);
        }
    }

    /**
     * Lists ids in the table's byte order after the cursor, which is the last id of the previous
     * page: checked as an id and bound as a parameter, so any cursor a caller makes up either lists
     * what follows it or is refused, and never reaches SQL text.
     */
    @Override
    public Page<String> ids(String cursor, int limit, long now) {
        String after = cursor == null ? null : JdbcCodec.cursor(cursor);
        return db.call("ids", null, c -> {
            try (PreparedStatement ps = c.prepareStatement(after == null ? d.idsFirst : d.idsAfter)) {
                int i = 1;
                if (after != null) {
                    d.bindId(ps, i++, after);
                }
                ps.setLong(i++, now);
                ps.setInt(i, limit);
                List<String> ids = new ArrayList<>(Math.min(limit, 1024));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(d.readId(rs, 1, "session id"));
                    }
                }
                return new Page<>(ids, ids.size() < limit ? Optional.empty() : Optional.of(ids.get(ids.size() - 1)));
            }
        });
    }

    @Override
    public long count(long now) {
        return db.call("count", null, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.count)) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
