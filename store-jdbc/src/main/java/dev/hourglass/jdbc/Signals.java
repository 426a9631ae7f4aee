package dev.hourglass.jdbc;

import dev.hourglass.spi.StreamBackend;
import dev.hourglass.spi.StreamWatchers;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes waiting stream reads. Changes made through this store signal its watchers at once; on
 * PostgreSQL other nodes' do too, through LISTEN/NOTIFY ({@link PgListener}). Changes made on other
 * nodes of MySQL/MariaDB, which cannot notify, are found by a bounded poll: while any stream is
 * watched, one thread of this store reads the message count, status and reader positions of all the
 * watched streams in one query per {@value #POLL_MILLIS} ms (ids in batches of {@value #BATCH}), and
 * signals the watchers of each stream that changed. So a message appended on another MySQL/MariaDB
 * node reaches a waiting reader within about {@value #POLL_MILLIS} ms plus one query, and the poll
 * costs one query per interval per node however many readers wait. On PostgreSQL the same poll
 * runs every {@value #NOTIFIED_POLL_MILLIS} ms as a safety net while notifications are listened to.
 */
final class Signals implements StreamWatchers.Listener {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);
    static final long POLL_MILLIS = 50;
    static final long NOTIFIED_POLL_MILLIS = 500;
    static final int BATCH = 100;

    private final StreamWatchers watchers = new StreamWatchers(this);
    private final Object lock = new Object();
    private Db db;
    private PgListener listener;
    private Thread poller;

    /** Where the poll reads, and the listener to start with the first watch (null without one). */
    void poll(Db db, PgListener listener) {
        this.db = db;
        this.listener = listener;
    }

    StreamBackend.Watch watch(String id, Runnable onChange) {
        return watchers.watch(id, onChange);
    }

    void signal(String id) {
        watchers.signal(id);
    }

    void signalAll() {
        watchers.signalAll();
    }

    @Override
    public void first(String id) {
        if (listener != null) {
            listener.start();
        }
        synchronized (lock) {
            if (poller == null && db != null) {
                poller = new Thread(this::run, "hourglass-jdbc-stream-poll");
                poller.setDaemon(true);
                poller.start();
            }
        }
    }

    @Override
    public void last(String id) {
        // the poller ends by itself once nothing is watched
    }

    private void run() {
        Map<String, List<Long>> seen = new HashMap<>();
        while (true) {
            synchronized (lock) {
                if (watchers.isEmpty() || db.isClosed()) {
                    poller = null;
                    return;
                }
            }
            Set<String> ids = watchers.ids();
            seen.keySet().retainAll(ids);
            try {
                Map<String, List<Long>> now = read(new ArrayList<>(ids));
                for (String id : ids) {
                    List<Long> state = now.get(id);
                    // a new watch gets one wake-up too: a change may have come between its read and this poll
                    if (!seen.containsKey(id) || !Objects.equals(seen.get(id), state)) {
                        watchers.signal(id);
                    }
                    seen.put(id, state);
                }
            } catch (RuntimeException e) {
                log.debug("stream change poll failed: {}", e.getMessage());
            }
            long wait = listener != null && listener.listening() ? NOTIFIED_POLL_MILLIS : POLL_MILLIS;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
        }
    }

    /** Count, status and the sum of reader positions of each id that names a stream row. */
    private Map<String, List<Long>> read(List<String> ids) {
        Dialect d = db.dialect;
        Map<String, List<Long>> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + BATCH));
            StringBuilder sql = new StringBuilder(
                            "SELECT t.id, t.message_count, t.status, (SELECT COALESCE(SUM(r.marker"
                                    + " + r.lease_seq), 0) FROM ")
                    .append(d.readers)
                    .append(" r WHERE r.stream_id = t.id) FROM ")
                    .append(d.streams)
                    .append(" t WHERE t.id IN (");
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            sql.append(')');
            db.call("stream change poll", part.get(0), c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    for (int i = 0; i < part.size(); i++) {
                        d.bindId(ps, i + 1, part.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(d.readId(rs, 1, "stream id"), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }
}
