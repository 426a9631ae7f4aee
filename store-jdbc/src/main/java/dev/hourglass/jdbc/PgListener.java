package dev.hourglass.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of its own (outside the pool) that LISTENs on the store's channel and turns each
 * notification (a stream id, sent when an append, close or delete commits on any node) into a
 * {@link Signals#signal}. Started by the first blocking read; reconnects with a back-off after a
 * failure, and wakes every waiter when it reconnects so that nothing missed meanwhile is left
 * waiting for the polling safety net.
 */
final class PgListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PgListener.class);
    private static final int POLL_MILLIS = 500;

    private final Driver driver;
    private final String url;
    private final Properties properties;
    private final String channel;
    private final Signals signals;
    private final String describe;

    private volatile boolean listening;
    private volatile boolean closed;
    private volatile Connection connection;
    private Thread thread;

    PgListener(Driver driver, String url, Properties properties, String channel, Signals signals, String describe) {
        this.driver = driver;
        this.url = url;
        this.properties = properties;
        this.channel = channel;
        this.signals = signals;
        this.describe = describe;
    }

    boolean listening() {
        return listening;
    }

    synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        thread = new Thread(this::run, "hourglass-pg-listener");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long backoff = 100;
        while (!closed) {
            try (Connection c = driver.connect(url, properties)) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + channel);
                }
                listening = true;
                backoff = 100;
                signals.signalAll();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            signals.signal(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                if (listening) {
                    log.warn(
                            "stream notifications from {} stopped; blocking reads poll until they are back ({})",
                            describe,
                            e instanceof SQLException s ? Db.codes(s) : "the listener failed");
                    log.debug("stream notifications from {} stopped", describe, e);
                }
            } finally {
                listening = false;
                connection = null;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                break;
            }
            backoff = Math.min(backoff * 2, 5_000);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null) {
            return;
        }
        t.interrupt();
        try {
            t.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connection c = connection;
        if (t.isAlive() && c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
