package dev.hourglass.jdbc;

import dev.hourglass.spi.SessionChangeFeed;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session changes from the database, set up when a near cache subscribes, on one connection of its
 * own (outside the pool).
 *
 * <p>PostgreSQL: a row trigger on the sessions table sends {@code pg_notify} on the channel
 * {@code <prefix>sessions} with {@code version:expiresAt:id} (or {@code ::id} for a delete), delivered
 * when the write commits; the feed LISTENs, and checks the connection every {@value #HEARTBEAT_MILLIS}
 * ms.
 *
 * <p>MySQL/MariaDB: the nodes publish. Each write through a near cache is queued and appended, in
 * batches, to the table {@code <prefix>session_changes}, numbered by {@code UUID_SHORT()} (a
 * server-wide counter); the feed polls the table every {@value #POLL_MILLIS} ms. (A trigger would
 * catch every writer, but any trigger on the sessions table takes away the insert id the store's own
 * statements read their version from.) So only writes of nodes that have a near cache are reported:
 * give every writing node one, or the staleness bound is all that holds for the others' writes. A
 * number that is skipped (a transaction not yet committed) is looked for again for
 * {@value #GAP_WAIT_MILLIS} ms; more than {@value #MAX_GAPS} at once (a server restart starts the
 * counter afresh) flush the cache instead. Rows older than a minute are pruned in small batches.
 *
 * <p>Any failure of the connection (killed, server restarted, a query past the timeout) makes the feed
 * lost until a new connection is listening or polling again.
 */
final class JdbcSessionChanges implements SessionChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(JdbcSessionChanges.class);
    static final int HEARTBEAT_MILLIS = 250;
    static final int POLL_MILLIS = 20;
    static final int GAP_WAIT_MILLIS = 10_000;
    static final int MAX_GAPS = 64;
    private static final int BATCH = 1_000;
    private static final long PRUNE_EVERY_MILLIS = 5_000;

    private final Db db;
    private final Connector connector;
    private final String describe;
    private final int timeoutMillis;
    private final String table;
    private final String changes;
    private final String channel;
    private final java.util.concurrent.ConcurrentLinkedQueue<Change> published =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private static final int MAX_QUEUED = 100_000;

    /** Opens the connection a subscription follows the changes on (its own, held while it follows). */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    JdbcSessionChanges(Db db, Connector connector, String describe, int timeoutMillis) {
        this.db = db;
        this.connector = connector;
        this.describe = describe;
        this.timeoutMillis = timeoutMillis;
        this.table = db.dialect.sessions;
        this.changes = db.dialect.prefix + "session_changes";
        this.channel = db.dialect.prefix.toLowerCase(java.util.Locale.ROOT) + "sessions";
    }

    /** One report: {@code version} and {@code expiresAt} are {@link SessionChangeFeed#UNKNOWN} for a delete. */
    record Change(String id, long version, long expiresAt) {}

    /**
     * A notification's payload, {@code version:expiresAt:id} or {@code ::id}, or null when it is not
     * one (the id 1..256 bytes, the numbers decimal).
     */
    static Change parse(String payload) {
        if (payload == null) {
            return null;
        }
        int a = payload.indexOf(':');
        int b = a < 0 ? -1 : payload.indexOf(':', a + 1);
        if (b < 0) {
            return null;
        }
        String id = payload.substring(b + 1);
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > 256) {
            return null;
        }
        if (a == 0 && b == 1) {
            return new Change(id, UNKNOWN, UNKNOWN);
        }
        try {
            long version = Long.parseLong(payload.substring(0, a));
            long expiresAt = Long.parseLong(payload.substring(a + 1, b));
            return version == UNKNOWN || expiresAt == UNKNOWN ? null : new Change(id, version, expiresAt);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void wrote(String id, long version, long expiresAt) {
        if (db.dialect.mysql && queued.incrementAndGet() <= MAX_QUEUED) {
            published.add(new Change(id, version, expiresAt));
        } else if (db.dialect.mysql) {
            queued.decrementAndGet();
        }
    }

    @Override
    public Subscription subscribe(Listener listener) {
        install();
        Follower f = new Follower(listener);
        f.thread.start();
        return f::close;
    }

    private void install() {
        if (db.dialect.mysql) {
            db.call("near cache setup", changes, c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS " + changes
                            + " (seq BIGINT UNSIGNED NOT NULL PRIMARY KEY, id VARBINARY(256) NOT NULL,"
                            + " version BIGINT NULL, expires_at BIGINT NULL,"
                            + " changed_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),"
                            + " KEY " + changes + "_at (changed_at)) ENGINE=InnoDB");
                }
                return null;
            });
        } else {
            if (db.call("near cache setup", table, this::hasTrigger)) {
                return;
            }
            db.inTransaction("near cache setup", table, c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_xact_lock(hashtext('" + changes + "'))");
                }
                if (hasTrigger(c)) {
                    return null;
                }
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE OR REPLACE FUNCTION " + changes + "() RETURNS trigger LANGUAGE plpgsql AS $$"
                            + " BEGIN IF TG_OP = 'DELETE' THEN PERFORM pg_notify('" + channel + "', '::' || OLD.id);"
                            + " RETURN OLD; END IF;"
                            + " PERFORM pg_notify('" + channel
                            + "', NEW.version || ':' || NEW.expires_at || ':' || NEW.id);"
                            + " RETURN NEW; END $$");
                    st.execute("CREATE OR REPLACE TRIGGER " + changes + " AFTER INSERT OR UPDATE OR DELETE ON " + table
                            + " FOR EACH ROW EXECUTE FUNCTION " + changes + "()");
                }
                return null;
            });
        }
    }

    /** Whether the PostgreSQL trigger is there (installing it again would lock the sessions table). */
    private boolean hasTrigger(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM pg_trigger WHERE tgname = lower(?) AND tgrelid = to_regclass(?)")) {
            ps.setString(1, changes);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** One subscription: its connection and the thread that follows the changes. */
    private final class Follower {

        private final Listener listener;
        private final Thread thread;
        private volatile boolean closed;
        private volatile Connection connection;
        private boolean wasLive;

        Follower(Listener listener) {
            this.listener = listener;
            this.thread = new Thread(this::run, "hourglass-session-changes");
            this.thread.setDaemon(true);
            listener.lost();
        }

        private void run() {
            long backoff = 50;
            while (!closed) {
                try (Connection c = connector.connect()) {
                    connection = c;
                    c.setAutoCommit(true);
                    c.setNetworkTimeout(Runnable::run, timeoutMillis);
                    if (db.dialect.mysql) {
                        poll(c);
                    } else {
                        listen(c);
                    }
                } catch (SQLException | RuntimeException e) {
                    if (closed) {
                        break;
                    }
                    listener.lost();
                    if (wasLive) {
                        wasLive = false;
                        log.warn(
                                "near cache invalidations from {} stopped; sessions are read from the database until"
                                        + " they are back ({})",
                                describe,
                                e instanceof SQLException s ? Db.codes(s) : "the feed failed");
                        log.debug("near cache invalidations from {} stopped", describe, e);
                    }
                } finally {
                    connection = null;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    break;
                }
                backoff = Math.min(backoff * 2, 1_000);
            }
            listener.lost();
        }

        private void becomeLive() {
            listener.live();
            wasLive = true;
        }

        private void listen(Connection c) throws SQLException {
            try (Statement st = c.createStatement()) {
                st.execute("LISTEN " + channel);
            }
            becomeLive();
            PGConnection pg = c.unwrap(PGConnection.class);
            long lastCheck = System.nanoTime();
            while (!closed) {
                PGNotification[] ns = pg.getNotifications(HEARTBEAT_MILLIS);
                if (ns != null) {
                    for (PGNotification n : ns) {
                        Change ch = parse(n.getParameter());
                        if (ch != null) {
                            listener.changed(ch.id, ch.version, ch.expiresAt);
                        }
                    }
                }
                if (System.nanoTime() - lastCheck > HEARTBEAT_MILLIS * 1_000_000L) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SELECT 1");
                    }
                    lastCheck = System.nanoTime();
                }
            }
        }

        private void poll(Connection c) throws SQLException {
            long last;
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM " + changes)) {
                rs.next();
                last = rs.getLong(1);
            }
            becomeLive();
            TreeMap<Long, Long> gaps = new TreeMap<>();
            long lastPrune = 0;
            long previous = System.currentTimeMillis();
            while (!closed) {
                publish(c);
                long now = System.currentTimeMillis();
                if (now - previous > GAP_WAIT_MILLIS) {
                    // this thread stalled: rows may have been pruned unread
                    gaps.clear();
                    listener.changedAll();
                }
                previous = now;
                int rows = 0;
                StringBuilder sql =
                        new StringBuilder("SELECT seq, id, version, expires_at FROM " + changes + " WHERE seq > ?");
                for (int i = 0; i < gaps.size(); i++) {
                    sql.append(i == 0 ? " OR seq IN (?" : ", ?");
                }
                sql.append(gaps.isEmpty() ? "" : ")").append(" ORDER BY seq LIMIT " + BATCH);
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    ps.setLong(1, last);
                    int p = 2;
                    for (long g : gaps.keySet()) {
                        ps.setLong(p++, g);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows++;
                            long seq = rs.getLong(1);
                            if (seq > last) {
                                if (seq - last - 1 + gaps.size() > MAX_GAPS) {
                                    gaps.clear();
                                    listener.changedAll();
                                } else {
                                    for (long g = last + 1; g < seq; g++) {
                                        gaps.put(g, now);
                                    }
                                }
                                last = seq;
                            } else if (gaps.remove(seq) == null) {
                                continue;
                            }
                            long version = rs.getLong(3);
                            version = rs.wasNull() ? UNKNOWN : version;
                            long expiresAt = rs.getLong(4);
                            expiresAt = rs.wasNull() ? UNKNOWN : expiresAt;
                            String id = new String(rs.getBytes(2), StandardCharsets.UTF_8);
                            listener.changed(id, version, expiresAt);
                        }
                    }
                }
                for (Iterator<Map.Entry<Long, Long>> it = gaps.entrySet().iterator(); it.hasNext(); ) {
                    if (now - it.next().getValue() > GAP_WAIT_MILLIS) {
                        it.remove();
                    }
                }
                if (now - lastPrune > PRUNE_EVERY_MILLIS) {
                    lastPrune = now;
                    try (Statement st = c.createStatement()) {
                        st.executeUpdate("DELETE FROM " + changes
                                + " WHERE changed_at < CURRENT_TIMESTAMP(3) - INTERVAL 60 SECOND LIMIT " + BATCH);
                    } catch (SQLException e) {
                        log.debug("pruning the session changes of {} failed; the next run tries again", describe, e);
                    }
                }
                if (rows < BATCH) {
                    try {
                        Thread.sleep(POLL_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        /** Appends what this node wrote since the last poll, in batches; kept for the next try when it fails. */
        private void publish(Connection c) throws SQLException {
            java.util.List<Change> batch = new java.util.ArrayList<>();
            while (true) {
                batch.clear();
                for (Change ch; batch.size() < 500 && (ch = published.poll()) != null; ) {
                    batch.add(ch);
                }
                if (batch.isEmpty()) {
                    return;
                }
                StringBuilder sql =
                        new StringBuilder("INSERT INTO " + changes + " (seq, id, version, expires_at) VALUES ");
                for (int i = 0; i < batch.size(); i++) {
                    sql.append(i == 0 ? "" : ", ").append("(UUID_SHORT(), ?, ?, ?)");
                }
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int p = 1;
                    for (Change ch : batch) {
                        ps.setBytes(p++, ch.id.getBytes(StandardCharsets.UTF_8));
                        setOrNull(ps, p++, ch.version);
                        setOrNull(ps, p++, ch.expiresAt);
                    }
                    ps.executeUpdate();
                } catch (SQLException | RuntimeException e) {
                    published.addAll(batch);
                    throw e;
                }
                queued.addAndGet(-batch.size());
            }
        }

        private static void setOrNull(PreparedStatement ps, int i, long v) throws SQLException {
            if (v == UNKNOWN) {
                ps.setNull(i, java.sql.Types.BIGINT);
            } else {
                ps.setLong(i, v);
            }
        }

        void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(timeoutMillis + 1_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Connection c = connection;
            if (thread.isAlive() && c != null) {
                try {
                    c.abort(Runnable::run);
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            listener.lost();
        }
    }
}
