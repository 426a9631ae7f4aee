package dev.hourglass.jdbc;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.CloseResult;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Message;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.Poll;
import dev.hourglass.StreamClosedException;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.StreamBackend;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Streams in three tables: the stream row (status, count, expiry), its messages keyed by
 * {@code (stream_id, seq)} and one marker row per reader. Every transaction that touches several
 * of them locks the stream row first, so they queue rather than deadlock.
 *
 * <p>{@link #next} takes a message in one short transaction: a shared lock on the stream row (the
 * count cannot move and the stream cannot be deleted meanwhile), an atomic advance of the reader's
 * marker (insert or increment under the marker row's lock: each position goes to exactly one
 * caller, on any node), then the message read. A cheap unlocked read first answers the common
 * "nothing new" poll without a transaction.
 *
 * <p>{@link #take} leases the reader's next message in its marker row ({@code lease_seq}, the
 * message leased, and {@code lease_until}) under the row's lock; {@link #ack} moves the marker in
 * one conditional update. A lease names the message it is for, so {@link #next} moving the marker
 * past it ends it without touching it.
 *
 * <p>Waiting reads are woken by {@link Signals}: at once for changes through this store and, on
 * PostgreSQL, for other nodes' (LISTEN/NOTIFY); within a bounded poll of about 50 ms for other
 * MySQL/MariaDB nodes'.
 */
final class JdbcStreams implements StreamBackend {

    /** What the unlocked first read answers when the reader has something to take. */
    private static final Poll PENDING = Poll.of(null, StreamStatus.OPEN, null);

    private final Db db;
    private final Dialect d;
    private final Signals signals;
    private final String takeEnsure;
    private final String takeLock;
    private final String takeLease;
    private final String ackUpdate;
    private final String readMessages;
    private final String readStatus;

    JdbcStreams(Db db, Signals signals, PgListener listener) {
        this.db = db;
        this.d = db.dialect;
        this.signals = signals;
        signals.poll(db, listener);
        String r = d.readers;
        this.takeEnsure = d.mysql
                ? "INSERT IGNORE INTO " + r + " (stream_id, reader, marker) VALUES (?, ?, 0)"
                : "INSERT INTO " + r + " (stream_id, reader, marker) VALUES (?, ?, 0) ON CONFLICT DO NOTHING";
        this.takeLock =
                "SELECT marker, lease_seq, lease_until FROM " + r + " WHERE stream_id = ? AND reader = ? FOR UPDATE";
        this.takeLease = "UPDATE " + r + " SET lease_seq = ?, lease_until = ? WHERE stream_id = ? AND reader = ?";
        this.ackUpdate = "UPDATE " + r + " SET marker = ?, lease_seq = 0, lease_until = 0"
                + " WHERE stream_id = ? AND reader = ? AND marker = ? AND lease_seq = ? AND EXISTS (SELECT 1 FROM "
                + d.streams + " t WHERE t.id = ? AND t.expires_at > ?)";
        this.readStatus = "SELECT status, reason, message_count FROM " + d.streams + " WHERE id = ? AND expires_at > ?";
        this.readMessages = "SELECT seq, payload, created_at FROM " + d.messages
                + " WHERE stream_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?";
    }

    @Override
    public boolean open(String id, Attributes metadata, long now, long expiresAt) {
        byte[] blob = metadata.toBytes();
        boolean opened = db.inTransaction("open", id, c -> {
            Long expires = lockedExpiry(c, id);
            if (expires == null) {
                return insertStream(c, id, blob, now, expiresAt);
            }
            if (expires > now) {
                return false;
            }
            deleteContent(c, id);
            try (PreparedStatement ps = c.prepareStatement(d.streamReplace)) {
                ps.setBytes(1, blob);
                ps.setLong(2, now);
                ps.setLong(3, expiresAt);
                d.bindId(ps, 4, id);
                ps.executeUpdate();
            }
            return true;
        });
        if (opened) {
            signals.signal(id);
        }
        return opened;
    }

    private boolean insertStream(Connection c, String id, byte[] blob, long now, long expiresAt) throws SQLException {
        String sql = d.mysql ? d.streamInsert : d.streamInsert + " ON CONFLICT (id) DO NOTHING";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            d.bindId(ps, 1, id);
            ps.setBytes(2, blob);
            ps.setLong(3, now);
            ps.setLong(4, expiresAt);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (Db.isDuplicateKey(e)) {
                return false; // opened on another node a moment ago
            }
            throw e;
        }
    }

    private Long lockedExpiry(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(d.streamLock)) {
            d.bindId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private void deleteContent(Connection c, String id) throws SQLException {
        for (String sql : new String[] {d.streamDeleteMessages, d.streamDeleteReaders}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                d.bindId(ps, 1, id);
                ps.executeUpdate();
            }
        }
    }

    @Override
    public long append(String id, byte[] payload, long now) {
        long seq = d.mysql ? appendMySql(id, payload, now) : appendPostgres(id, payload, now);
        signals.signal(id);
        return seq;
    }

    private long appendMySql(String id, byte[] payload, long now) {
        return db.inTransaction("append", id, c -> {
            long seq;
            try (PreparedStatement ps = c.prepareStatement(d.append)) {
                d.bindId(ps, 1, id);
                ps.setLong(2, now);
                if (ps.executeUpdate() != 1) {
                    throw rejected(c, id, now);
                }
                seq = Dialect.lastInsertId(ps);
            }
            try (PreparedStatement ps = c.prepareStatement(d.appendInsert)) {
                d.bindId(ps, 1, id);
                ps.setLong(2, seq);
                ps.setBytes(3, payload);
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return seq;
        });
    }

    private long appendPostgres(String id, byte[] payload, long now) {
        return db.call("append", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.append)) {
                d.bindId(ps, 1, id);
                ps.setLong(2, now);
                d.bindId(ps, 3, id);
                ps.setBytes(4, payload);
                ps.setLong(5, now);
                ps.setString(6, d.channel());
                ps.setString(7, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            throw rejected(c, id, now);
        });
    }

    /** Why an append changed nothing: the stream is absent, or closed. */
    private RuntimeException rejected(Connection c, String id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(d.streamStatus)) {
            d.bindId(ps, 1, id);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new NoSuchStreamException(id);
                }
                StreamStatus status = JdbcCodec.status(rs.getInt(1), id);
                if (status == StreamStatus.OPEN) {
                    // It changed between the two statements; the caller may retry.
                    return new NoSuchStreamException(id);
                }
                return new StreamClosedException(id, status);
            }
        }
    }

    @Override
    public CloseResult complete(String id, long now) {
        return close(id, StreamStatus.COMPLETED, null, now);
    }

    @Override
    public CloseResult fail(String id, String reason, long now) {
        return close(id, StreamStatus.FAILED, reason, now);
    }

    private CloseResult close(String id, StreamStatus status, String reason, long now) {
        boolean closed = db.call(status == StreamStatus.COMPLETED ? "complete" : "fail", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.close)) {
                ps.setInt(1, status.code());
                ps.setString(2, reason);
                d.bindId(ps, 3, id);
                ps.setLong(4, now);
                if (d.mysql) {
                    return ps.executeUpdate() == 1;
                }
                ps.setString(5, d.channel());
                ps.setString(6, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (closed) {
            signals.signal(id);
            return CloseResult.CLOSED;
        }
        return db.call("state", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.streamStatus)) {
                d.bindId(ps, 1, id);
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return CloseResult.ABSENT;
                    }
                    StreamStatus found = JdbcCodec.status(rs.getInt(1), id);
                    // open again only if it was reopened between the two statements: it was absent then
                    return found == StreamStatus.OPEN ? CloseResult.ABSENT : CloseResult.already(found);
                }
            }
        });
    }

    @Override
    public Poll next(String id, String reader, long now) {
        Poll peeked = db.call("next", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.peek)) {
                d.bindId(ps, 1, reader);
                d.bindId(ps, 2, id);
                ps.setLong(3, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    long count = rs.getLong(3);
                    long marker = rs.getLong(4);
                    return marker < count
                            ? PENDING
                            : Poll.of(null, JdbcCodec.status(rs.getInt(1), id), rs.getString(2));
                }
            }
        });
        if (peeked != PENDING) {
            return peeked;
        }
        return db.inTransaction("next", id, c -> claim(c, id, reader, now));
    }

    /** A live stream's status, failure reason and message count. */
    private record StreamRow(StreamStatus status, String reason, long count) {}

    /**
     * The stream row as {@code sql} reads it ({@code readLock}, which also takes the shared lock, or
     * {@code readStatus}); null when the stream does not exist or has expired.
     */
    private StreamRow streamRow(Connection c, String sql, String id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            d.bindId(ps, 1, id);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new StreamRow(JdbcCodec.status(rs.getInt(1), id), rs.getString(2), rs.getLong(3))
                        : null;
            }
        }
    }

    private Poll claim(Connection c, String id, String reader, long now) throws SQLException {
        StreamRow stream = streamRow(c, d.readLock, id, now);
        if (stream == null) {
            return null;
        }
        StreamStatus status = stream.status();
        String reason = stream.reason();
        long count = stream.count();
        if (count == 0) {
            return Poll.of(null, status, reason);
        }
        try (PreparedStatement ps = c.prepareStatement(d.claim)) {
            d.bindId(ps, 1, id);
            d.bindId(ps, 2, reader);
            ps.setLong(3, count);
            if (!d.mysql) {
                d.bindId(ps, 4, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Poll.of(null, status, reason);
                    }
                    long seq = rs.getLong(1);
                    return Poll.of(
                            new Message(
                                    seq,
                                    JdbcCodec.payload(rs.getBytes(2), seq, id),
                                    Instant.ofEpochMilli(rs.getLong(3))),
                            status,
                            reason);
                }
            }
            int n = ps.executeUpdate();
            long handedBack = Dialect.lastInsertId(ps);
            // 1 with nothing handed back: a new marker at 1; 2: advanced to the value handed back; else at the end.
            long seq = n == 2 ? handedBack : n == 1 && handedBack == 0 ? 1 : 0;
            if (seq == 0) {
                return Poll.of(null, status, reason);
            }
            try (PreparedStatement m = c.prepareStatement(d.message)) {
                d.bindId(m, 1, id);
                m.setLong(2, seq);
                try (ResultSet rs = m.executeQuery()) {
                    if (!rs.next()) {
                        throw new CorruptDataException(
                                "message " + seq + " of stream '" + id + "' is missing below its count " + count);
                    }
                    return Poll.of(
                            new Message(
                                    seq,
                                    JdbcCodec.payload(rs.getBytes(1), seq, id),
                                    Instant.ofEpochMilli(rs.getLong(2))),
                            status,
                            reason);
                }
            }
        }
    }

    @Override
    public Poll take(String id, String reader, long leaseUntil, long now) {
        return db.inTransaction("take", id, c -> {
            StreamRow stream = streamRow(c, d.readLock, id, now);
            if (stream == null) {
                return null;
            }
            StreamStatus status = stream.status();
            String reason = stream.reason();
            long count = stream.count();
            if (count == 0) {
                return Poll.of(null, status, reason);
            }
            long[] row = lockReader(c, id, reader);
            if (row == null) {
                // the first take under this name; a row another caller inserts meanwhile is kept
                try (PreparedStatement ps = c.prepareStatement(takeEnsure)) {
                    d.bindId(ps, 1, id);
                    d.bindId(ps, 2, reader);
                    ps.executeUpdate();
                }
                row = lockReader(c, id, reader);
                if (row == null) {
                    throw new CorruptDataException(
                            "the marker of reader '" + reader + "' of stream '" + id + "' vanished under its lock");
                }
            }
            long marker = row[0];
            long leaseSeq = row[1];
            long held = row[2];
            if (marker >= count) {
                return Poll.of(null, status, reason);
            }
            long seq = marker + 1;
            if (leaseSeq == seq && held > now) {
                return Poll.held(status, reason, held);
            }
            try (PreparedStatement ps = c.prepareStatement(takeLease)) {
                ps.setLong(1, seq);
                ps.setLong(2, leaseUntil);
                d.bindId(ps, 3, id);
                d.bindId(ps, 4, reader);
                ps.executeUpdate();
            }
            return Poll.of(message(c, id, seq, count), status, reason);
        });
    }

    /** The reader's marker, leased sequence and lease end under the row's lock; null when it has no row. */
    private long[] lockReader(Connection c, String id, String reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(takeLock)) {
            d.bindId(ps, 1, id);
            d.bindId(ps, 2, reader);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : null;
            }
        }
    }

    private Message message(Connection c, String id, long seq, long count) throws SQLException {
        try (PreparedStatement m = c.prepareStatement(d.message)) {
            d.bindId(m, 1, id);
            m.setLong(2, seq);
            try (ResultSet rs = m.executeQuery()) {
                if (!rs.next()) {
                    throw new CorruptDataException(
                            "message " + seq + " of stream '" + id + "' is missing below its count " + count);
                }
                return new Message(
                        seq, JdbcCodec.payload(rs.getBytes(1), seq, id), Instant.ofEpochMilli(rs.getLong(2)));
            }
        }
    }

    @Override
    public boolean ack(String id, String reader, long sequence, long now) {
        boolean acked = db.call("ack", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(ackUpdate)) {
                ps.setLong(1, sequence);
                d.bindId(ps, 2, id);
                d.bindId(ps, 3, reader);
                ps.setLong(4, sequence - 1);
                ps.setLong(5, sequence);
                d.bindId(ps, 6, id);
                ps.setLong(7, now);
                return ps.executeUpdate() == 1;
            }
        });
        if (acked) {
            notifyOthers(id);
            signals.signal(id);
        }
        return acked;
    }

    /** On PostgreSQL, tells the other nodes' listeners that the stream changed. */
    private void notifyOthers(String id) {
        if (d.mysql) {
            return;
        }
        db.call("notify", id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)::text")) {
                ps.setString(1, d.channel());
                ps.setString(2, id);
                ps.executeQuery().close();
            }
            return null;
        });
    }

    @Override
    public Batch read(String id, long after, int limit, long now) {
        return db.call("read", id, c -> {
            StreamRow stream = streamRow(c, readStatus, id, now);
            if (stream == null) {
                return null;
            }
            StreamStatus status = stream.status();
            String reason = stream.reason();
            long count = stream.count();
            List<Message> out = new ArrayList<>();
            if (after < count) {
                try (PreparedStatement ps = c.prepareStatement(readMessages)) {
                    d.bindId(ps, 1, id);
                    ps.setLong(2, after);
                    ps.setLong(3, count);
                    ps.setInt(4, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long seq = rs.getLong(1);
                            out.add(new Message(
                                    seq,
                                    JdbcCodec.payload(rs.getBytes(2), seq, id),
                                    Instant.ofEpochMilli(rs.getLong(3))));
                        }
                    }
                }
            }
            return new Batch(after, out, status, Optional.ofNullable(reason), count);
        });
    }

    @Override
    public Watch watch(String id, Runnable onChange) {
        return signals.watch(id, onChange);
    }

    @Override
    public StreamState state(String id, long now) {
        return db.call("state", id, c -> {
            try (PreparedStatement ps = c.prepareStatement(d.state)) {
                d.bindId(ps, 1, id);
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Attributes metadata = JdbcCodec.attributes(rs.getBytes(1), "stream '" + id + "'");
                    StreamStatus status = JdbcCodec.status(rs.getInt(2), id);
                    String reason = rs.getString(3);
                    long count = rs.getLong(4);
                    long created = rs.getLong(5);
                    long expires = rs.getLong(6);
                    Map<String, Long> markers = new HashMap<>();
                    do {
                        if (rs.getObject(7) != null) {
                            markers.put(d.readId(rs, 7, "reader name of stream '" + id + "'"), rs.getLong(8));
                        }
                    } while (rs.next());
                    return new StreamState(
                            id,
                            metadata,
                            status,
                            Optional.ofNullable(reason),
                            count,
                            markers,
                            Instant.ofEpochMilli(created),
                            Instant.ofEpochMilli(expires));
                }
            }
        });
    }

    @Override
    public boolean delete(String id, long now) {
        Boolean deleted = db.inTransaction("delete", id, c -> {
            Long expires = lockedExpiry(c, id);
            if (expires == null) {
                return null;
            }
            deleteContent(c, id);
            try (PreparedStatement ps = c.prepareStatement(d.streamDeleteRow)) {
                d.bindId(ps, 1, id);
                ps.executeUpdate();
            }
            if (!d.mysql) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)::text")) {
                    ps.setString(1, d.channel());
                    ps.setString(2, id);
                    ps.executeQuery().close();
                }
            }
            return expires > now;
        });
        if (deleted == null) {
            return false;
        }
        signals.signal(id);
        return deleted;
    }
}
