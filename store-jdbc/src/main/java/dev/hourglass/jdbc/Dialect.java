package dev.hourglass.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Every statement the store runs, for one dialect and table prefix, plus the few things the two
 * dialects do differently: how ids are bound, how a transaction starts, and how a statement hands
 * back a value (MySQL's {@code LAST_INSERT_ID(expr)} in the OK packet, PostgreSQL's
 * {@code RETURNING}). Table names come from a validated prefix; every value is a parameter.
 */
final class Dialect {

    /** The low bits of a session version that count writes; the high bits hold the creation time. */
    static final long COUNTER_MASK = (1L << 21) - 1;

    private static final String BUMP =
            "CASE WHEN version % 2097152 >= 2097151 THEN version - 2097150 ELSE version + 1 END";

    final boolean mysql;
    final String prefix;
    final String sessions;
    final String streams;
    final String messages;
    final String readers;
    final String leases;
    final String schemaVersion;

    // sessions
    final String get;
    final String put;
    /** {@link #put} without a result, for batches. */
    final String putBatch;

    final String createIfAbsent;
    final String compareAndSet;
    final String selectForUpdate;
    final String touch;
    final String touchIfVersion;
    final String getAndTouch;
    final String delete;
    final String idsFirst;
    final String idsAfter;
    final String count;

    // streams
    final String streamLock;
    final String streamInsert;
    final String streamReplace;
    final String streamDeleteMessages;
    final String streamDeleteReaders;
    final String streamDeleteRow;
    final String append;
    final String appendInsert;
    final String streamStatus;
    final String close;
    final String peek;
    final String readLock;
    final String claim;
    final String message;
    final String state;

    // sweeping
    final String leaseAcquire;
    final String leaseRelease;
    final String sweepSessions;
    final String sweepStreams;
    final String backlogSessions;
    final String backlogStreams;

    Dialect(boolean mysql, String prefix) {
        this.mysql = mysql;
        this.prefix = prefix;
        this.sessions = prefix + "sessions";
        this.streams = prefix + "streams";
        this.messages = prefix + "stream_messages";
        this.readers = prefix + "stream_readers";
        this.leases = prefix + "leases";
        this.schemaVersion = prefix + "schema_version";

        String s = sessions;
        get = "SELECT attributes, created_at, accessed_at, expires_at, version FROM " + s
                + " WHERE id = ? AND expires_at > ?";
        selectForUpdate = get + " FOR UPDATE";
        String insert = "INSERT INTO " + s + (mysql ? "" : " AS s")
                + " (id, attributes, created_at, accessed_at, expires_at, version) VALUES (?, ?, ?, ?, ?, ?)";
        if (mysql) {
            // Assignments run left to right and see the columns already assigned: expires_at goes last.
            put = insert + " ON DUPLICATE KEY UPDATE"
                    + " version = LAST_INSERT_ID(CASE WHEN expires_at > ? THEN " + BUMP + " ELSE VALUES(version) END),"
                    + " created_at = CASE WHEN expires_at > ? THEN created_at ELSE VALUES(created_at) END,"
                    + " attributes = VALUES(attributes), accessed_at = VALUES(accessed_at), expires_at = VALUES(expires_at)";
            createIfAbsent = insert + " ON DUPLICATE KEY UPDATE"
                    + " version = LAST_INSERT_ID(CASE WHEN expires_at > ? THEN version ELSE VALUES(version) END),"
                    + " attributes = CASE WHEN expires_at > ? THEN attributes ELSE VALUES(attributes) END,"
                    + " created_at = CASE WHEN expires_at > ? THEN created_at ELSE VALUES(created_at) END,"
                    + " accessed_at = CASE WHEN expires_at > ? THEN accessed_at ELSE VALUES(accessed_at) END,"
                    + " expires_at = CASE WHEN expires_at > ? THEN expires_at ELSE VALUES(expires_at) END";
            compareAndSet = "UPDATE " + s + " SET attributes = ?, version = ?, accessed_at = ?,"
                    + " expires_at = LAST_INSERT_ID(expires_at) WHERE id = ? AND version = ? AND expires_at > ?";
            getAndTouch = null;
        } else {
            put = insert + " ON CONFLICT (id) DO UPDATE SET"
                    + " version = CASE WHEN s.expires_at > ? THEN " + BUMP.replace("version", "s.version")
                    + " ELSE EXCLUDED.version END,"
                    + " created_at = CASE WHEN s.expires_at > ? THEN s.created_at ELSE EXCLUDED.created_at END,"
                    + " attributes = EXCLUDED.attributes, accessed_at = EXCLUDED.accessed_at, expires_at = EXCLUDED.expires_at"
                    + " RETURNING created_at, version";
            createIfAbsent = insert + " ON CONFLICT (id) DO UPDATE SET"
                    + " attributes = EXCLUDED.attributes, created_at = EXCLUDED.created_at,"
                    + " accessed_at = EXCLUDED.accessed_at, expires_at = EXCLUDED.expires_at, version = EXCLUDED.version"
                    + " WHERE s.expires_at <= ? RETURNING version";
            compareAndSet = "UPDATE " + s + " SET attributes = ?, version = ?, accessed_at = ?"
                    + " WHERE id = ? AND version = ? AND expires_at > ? RETURNING expires_at";
            getAndTouch = "UPDATE " + s + " SET accessed_at = ?, expires_at = ? WHERE id = ? AND expires_at > ?"
                    + " RETURNING attributes, created_at, version";
        }
        putBatch = mysql ? put : put.substring(0, put.indexOf(" RETURNING"));
        touch = "UPDATE " + s + " SET accessed_at = ?, expires_at = ? WHERE id = ? AND expires_at > ?";
        touchIfVersion =
                "UPDATE " + s + " SET accessed_at = ?, expires_at = ? WHERE id = ? AND version = ? AND expires_at > ?";
        delete = "DELETE FROM " + s + " WHERE id = ? AND expires_at > ?";
        idsFirst = "SELECT id FROM " + s + " WHERE expires_at > ? ORDER BY id LIMIT ?";
        idsAfter = "SELECT id FROM " + s + " WHERE id > ? AND expires_at > ? ORDER BY id LIMIT ?";
        count = "SELECT COUNT(*) FROM " + s + " WHERE expires_at > ?";

        String t = streams;
        streamLock = "SELECT expires_at FROM " + t + " WHERE id = ? FOR UPDATE";
        streamInsert = "INSERT INTO " + t + " (id, metadata, status, reason, message_count, created_at, expires_at)"
                + " VALUES (?, ?, 0, NULL, 0, ?, ?)";
        streamReplace = "UPDATE " + t + " SET metadata = ?, status = 0, reason = NULL, message_count = 0,"
                + " created_at = ?, expires_at = ? WHERE id = ?";
        streamDeleteMessages = "DELETE FROM " + messages + " WHERE stream_id = ?";
        streamDeleteReaders = "DELETE FROM " + readers + " WHERE stream_id = ?";
        streamDeleteRow = "DELETE FROM " + t + " WHERE id = ?";
        if (mysql) {
            append = "UPDATE " + t + " SET message_count = LAST_INSERT_ID(message_count + 1)"
                    + " WHERE id = ? AND expires_at > ? AND status = 0";
            appendInsert = "INSERT INTO " + messages + " (stream_id, seq, payload, created_at) VALUES (?, ?, ?, ?)";
            close = "UPDATE " + t + " SET status = ?, reason = ? WHERE id = ? AND expires_at > ? AND status = 0";
            readLock = "SELECT status, reason, message_count FROM " + t
                    + " WHERE id = ? AND expires_at > ? LOCK IN SHARE MODE";
            claim = "INSERT INTO " + readers + " (stream_id, reader, marker) VALUES (?, ?, 1) ON DUPLICATE KEY UPDATE"
                    + " marker = LAST_INSERT_ID(CASE WHEN marker < ? THEN marker + 1 ELSE marker END)";
        } else {
            // The notification goes out when the statement commits, so a woken reader sees the change.
            append = "WITH t AS (UPDATE " + t + " SET message_count = message_count + 1"
                    + " WHERE id = ? AND expires_at > ? AND status = 0 RETURNING message_count),"
                    + " m AS (INSERT INTO " + messages + " (stream_id, seq, payload, created_at)"
                    + " SELECT ?, message_count, ?, ? FROM t RETURNING seq)"
                    + " SELECT seq, pg_notify(?, ?)::text FROM m";
            appendInsert = null;
            close = "WITH u AS (UPDATE " + t
                    + " SET status = ?, reason = ? WHERE id = ? AND expires_at > ? AND status = 0"
                    + " RETURNING id) SELECT pg_notify(?, ?)::text FROM u";
            readLock = "SELECT status, reason, message_count FROM " + t + " WHERE id = ? AND expires_at > ? FOR SHARE";
            claim = "WITH c AS (INSERT INTO " + readers + " AS r (stream_id, reader, marker) VALUES (?, ?, 1)"
                    + " ON CONFLICT (stream_id, reader) DO UPDATE SET marker = r.marker + 1 WHERE r.marker < ?"
                    + " RETURNING marker)"
                    + " SELECT c.marker, m.payload, m.created_at FROM c JOIN " + messages
                    + " m ON m.stream_id = ? AND m.seq = c.marker";
        }
        streamStatus = "SELECT status FROM " + t + " WHERE id = ? AND expires_at > ?";
        peek = "SELECT t.status, t.reason, t.message_count, r.marker FROM " + t + " t LEFT JOIN " + readers
                + " r ON r.stream_id = t.id AND r.reader = ? WHERE t.id = ? AND t.expires_at > ?";
        message = "SELECT payload, created_at FROM " + messages + " WHERE stream_id = ? AND seq = ?";
        state =
                "SELECT t.metadata, t.status, t.reason, t.message_count, t.created_at, t.expires_at, r.reader, r.marker FROM "
                        + t + " t LEFT JOIN " + readers
                        + " r ON r.stream_id = t.id WHERE t.id = ? AND t.expires_at > ?";

        leaseAcquire =
                "UPDATE " + leases + " SET owner = ?, until_ms = ? WHERE name = ? AND (until_ms < ? OR owner = ?)";
        leaseRelease = "UPDATE " + leases + " SET until_ms = 0 WHERE name = ? AND owner = ?";
        if (mysql) {
            sweepSessions =
                    "SELECT id FROM " + s + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED";
            sweepStreams =
                    "SELECT id FROM " + t + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED";
        } else {
            sweepSessions = "DELETE FROM " + s + " WHERE id IN (SELECT id FROM " + s
                    + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= ? RETURNING id";
            sweepStreams = "WITH d AS (DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t
                    + " WHERE expires_at <= ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED) AND expires_at <= ? RETURNING id),"
                    + " dm AS (DELETE FROM " + messages + " WHERE stream_id IN (SELECT id FROM d)),"
                    + " dr AS (DELETE FROM " + readers + " WHERE stream_id IN (SELECT id FROM d))"
                    + " SELECT id FROM d";
        }
        backlogSessions = "SELECT COUNT(*) FROM (SELECT 1 FROM " + s + " WHERE expires_at <= ? LIMIT ?) x";
        backlogStreams = "SELECT COUNT(*) FROM (SELECT 1 FROM " + t + " WHERE expires_at <= ? LIMIT ?) x";
    }

    /**
     * The PostgreSQL channel appends and closes notify: a valid identifier since the prefix is, in
     * lower case because {@code LISTEN} folds it and {@code pg_notify} does not.
     */
    String channel() {
        return prefix.toLowerCase(Locale.ROOT) + "streams";
    }

    /** {@code DELETE FROM table WHERE column IN (?, ...)} with {@code n} parameters. */
    static String deleteIn(String table, String column, int n) {
        return "DELETE FROM " + table + " WHERE " + column + " IN (" + placeholders(n) + ")";
    }

    /** The live sessions among {@code n} ids. */
    String getIn(int n) {
        return "SELECT id, attributes, created_at, accessed_at, expires_at, version FROM " + sessions + " WHERE id IN ("
                + placeholders(n) + ") AND expires_at > ?";
    }

    private static String placeholders(int n) {
        StringBuilder sb = new StringBuilder(3 * n);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "?" : ", ?");
        }
        return sb.toString();
    }

    /**
     * The size an {@code IN} list of {@code n} ids is padded to (repeating the last id): a power of
     * two, so that a handful of statement shapes serve every batch and stay in the statement caches.
     */
    static int paddedSize(int n) {
        return Math.max(1, Integer.highestOneBit(n - 1) << 1);
    }

    void bindId(PreparedStatement ps, int index, String id) throws SQLException {
        if (mysql) {
            ps.setBytes(index, id.getBytes(StandardCharsets.UTF_8));
        } else {
            ps.setString(index, id);
        }
    }

    /** An id or reader name from a result column: the exact text, or {@link dev.hourglass.CorruptDataException}. */
    String readId(ResultSet rs, int index, String what) throws SQLException {
        return mysql ? JdbcCodec.id(rs.getBytes(index), what) : JdbcCodec.id(rs.getString(index), what);
    }

    /** The value an {@code UPDATE}/{@code INSERT} handed back with {@code LAST_INSERT_ID(expr)}; 0 when none. */
    static long lastInsertId(Statement st) throws SQLException {
        return st.unwrap(com.mysql.cj.jdbc.StatementImpl.class).getLastInsertID();
    }

    void begin(Connection c) throws SQLException {
        if (mysql) {
            // Leaves the connection in auto-commit mode: one round trip instead of SET autocommit twice.
            try (Statement st = c.createStatement()) {
                st.execute("START TRANSACTION");
            }
        } else {
            c.setAutoCommit(false);
        }
    }

    void commit(Connection c) throws SQLException {
        if (mysql) {
            try (Statement st = c.createStatement()) {
                st.execute("COMMIT");
            }
        } else {
            c.commit();
            c.setAutoCommit(true);
        }
    }

    void rollback(Connection c) throws SQLException {
        if (mysql) {
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK");
            }
        } else {
            c.rollback();
            c.setAutoCommit(true);
        }
    }
}
