package dev.hourglass.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work on a pooled connection, in auto-commit or in one transaction, retries it once when the
 * database picked it as a deadlock victim (it was rolled back, so nothing was applied), and turns
 * SQL failures into the store's exceptions.
 */
final class Db {

    private static final Logger log = LoggerFactory.getLogger(Db.class);

    /** SQLStates of a server going away, refusing, or cancelling on a timeout (PostgreSQL). */
    private static final Set<String> UNAVAILABLE_STATES = Set.of(
            "57P01", "57P02", "57P03", // admin/crash shutdown, cannot connect now
            "55P03", // lock_not_available (lock_timeout)
            "57014", // query_canceled (statement_timeout)
            "53300", // too_many_connections
            "HYT00", "HYT01");
    /** MySQL/MariaDB errors of the same kind: lock wait timeout, too many connections, shutdown, query interrupted. */
    private static final Set<Integer> UNAVAILABLE_CODES =
            Set.of(1205, 1040, 1053, 1317, 3024, 1969, 2002, 2003, 2006, 2013);

    private static final Set<String> CAPACITY_STATES = Set.of("53100", "53200", "54000");
    private static final Set<Integer> CAPACITY_CODES = Set.of(1114, 1153, 1021);

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    final DataSource ds;
    final Dialect dialect;
    private final String name;
    private final String describe;
    private final AtomicLong lastEvict = new AtomicLong();
    private volatile boolean closed;

    Db(DataSource ds, Dialect dialect, String name, String describe) {
        this.ds = ds;
        this.dialect = dialect;
        this.name = name;
        this.describe = describe;
    }

    /** Marks the store closed: pollers stop (a data source the application gave stays open). */
    void close() {
        closed = true;
    }

    /** Whether the store closed, or the pool under it. */
    boolean isClosed() {
        return closed || (ds instanceof HikariDataSource hikari && hikari.isClosed());
    }

    /** Runs {@code work} on a connection in auto-commit mode. */
    <T> T call(String op, String key, Work<T> work) {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = ds.getConnection()) {
                return work.run(c);
            } catch (SQLException e) {
                if (attempt == 0 && isDeadlock(e)) {
                    log.debug("{} of '{}' was a deadlock victim; retrying once", op, key);
                    continue;
                }
                throw translate(e, op, key);
            }
        }
    }

    /** Runs {@code work} in one transaction, rolled back when it throws. */
    <T> T inTransaction(String op, String key, Work<T> work) {
        for (int attempt = 0; ; attempt++) {
            try (Connection c = ds.getConnection()) {
                dialect.begin(c);
                T result;
                try {
                    result = work.run(c);
                    dialect.commit(c);
                } catch (SQLException | RuntimeException | Error e) {
                    rollback(c);
                    throw e;
                }
                return result;
            } catch (SQLException e) {
                if (attempt == 0 && isDeadlock(e)) {
                    log.debug("{} of '{}' was a deadlock victim; retrying once", op, key);
                    continue;
                }
                throw translate(e, op, key);
            }
        }
    }

    private void rollback(Connection c) {
        try {
            dialect.rollback(c);
        } catch (SQLException | RuntimeException e) {
            // The connection may still be inside the transaction: never hand it to another caller.
            try {
                if (ds instanceof HikariDataSource hikari) {
                    hikari.evictConnection(c);
                } else {
                    // a pool the application gave: closing the physical connection makes it drop this one
                    c.abort(Runnable::run);
                }
            } catch (SQLException | RuntimeException ignored) {
                // the pool is closing
            }
        }
    }

    static boolean isDeadlock(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s
                    && ("40001".equals(s.getSQLState())
                            || "40P01".equals(s.getSQLState())
                            || s.getErrorCode() == 1213)) {
                return true;
            }
        }
        return false;
    }

    static boolean isUnavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException
                    || t instanceof SQLTimeoutException
                    || t instanceof java.io.IOException) {
                return true;
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                if ((state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)))
                        || UNAVAILABLE_CODES.contains(s.getErrorCode())) {
                    return true;
                }
            }
        }
        return isDeadlock(e);
    }

    private static boolean isCapacity(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s
                    && ((s.getSQLState() != null && CAPACITY_STATES.contains(s.getSQLState()))
                            || CAPACITY_CODES.contains(s.getErrorCode()))) {
                return true;
            }
            if (t.getClass().getSimpleName().equals("PacketTooBigException")) {
                return true;
            }
        }
        return false;
    }

    static boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }

    /**
     * The store's exception for a failed statement. The message names the store (its URI without
     * credentials), the operation and the SQLState and vendor code of the failure; the driver's or
     * the pool's exception is the cause, and its text, which can carry the JDBC URL, host and port
     * or class names, is never copied into the message.
     */
    StoreException translate(SQLException e, String op, String key) {
        String what = name + " store " + describe + ": " + op + (key == null ? "" : " of " + JdbcCodec.abbreviate(key));
        String detail = "(" + codes(e) + ")";
        if (isCapacity(e)) {
            return new StoreCapacityException(
                    what + " does not fit " + detail
                            + "; lower the data per entry (options maxSessionBytes, maxMessageBytes) or raise the server's"
                            + " limits (max_allowed_packet, disk space)",
                    e);
        }
        if (isUnavailable(e)) {
            evictIdleConnections();
            return new StoreUnavailableException(
                    what + " failed; the database is unreachable or did not answer in time " + detail, e);
        }
        return new StoreException(what + " failed " + detail, e);
    }

    /** The SQLState and vendor code of the first exception in the chain that has one. */
    static String codes(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getSQLState() != null || s.getErrorCode() != 0)) {
                return "SQLState " + s.getSQLState() + ", error " + s.getErrorCode();
            }
        }
        return "no SQLState";
    }

    /**
     * After one connection failed, the idle ones likely share its fate (the server restarted):
     * replace them instead of handing each to a caller to find out.
     */
    private void evictIdleConnections() {
        long now = System.nanoTime();
        long last = lastEvict.get();
        if (now - last > 1_000_000_000L && lastEvict.compareAndSet(last, now)) {
            try {
                if (ds instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
                    hikari.getHikariPoolMXBean().softEvictConnections();
                }
            } catch (RuntimeException ignored) {
                // the pool is closing
            }
        }
    }
}
