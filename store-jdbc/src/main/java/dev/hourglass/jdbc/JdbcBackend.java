package dev.hourglass.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.Capability;
import dev.hourglass.Limits;
import dev.hourglass.StoreException;
import dev.hourglass.Sweeper;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.LimiterBackend;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.SessionChangeFeed;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StreamBackend;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** A store on one database through one HikariCP pool. */
final class JdbcBackend implements Backend {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final String name;
    private final String describe;
    private final Set<Capability> capabilities;
    private final Limits limits;
    private final DataSource ds;
    /** The pool this store opened and closes; null over a data source the application gave. */
    private final HikariDataSource owned;

    private final Db db;
    private final JdbcSessions sessions;
    private final JdbcStreams streams;
    private final JdbcLimiters limiters;
    private final JdbcSweep sweep;
    private final Sweeper sweeper;
    private final PgListener listener;
    private final int validationSeconds;
    private final JdbcSessionChanges changes;

    private JdbcBackend(JdbcSettings s, StoreConfig config, DataSource ds, HikariDataSource owned) {
        this.name = config.scheme();
        this.describe = StoreConfig.redact(config.uri());
        this.ds = ds;
        this.owned = owned;
        this.limits = new Limits(s.maxSessionBytes(), s.maxMessageBytes());
        this.validationSeconds = (int) Math.max(1, (s.validationTimeout().toMillis() + 999) / 1000);
        Dialect dialect = new Dialect(s.mysql(), s.tablePrefix());
        this.db = new Db(ds, dialect, name, describe);
        Signals signals = new Signals();
        this.listener = s.listen() && owned != null
                ? new PgListener(
                        new org.postgresql.Driver(),
                        s.jdbcUrl(),
                        s.connectionProperties(),
                        dialect.channel(),
                        signals,
                        describe)
                : null;
        EnumSet<Capability> caps = EnumSet.of(Capability.PERSISTENT, Capability.CROSS_PROCESS, Capability.CROSS_NODE);
        if (listener != null) {
            caps.add(Capability.BLOCKING_READS_NOTIFIED);
        }
        this.capabilities = Set.copyOf(caps);
        this.sessions = new JdbcSessions(db);
        this.streams = new JdbcStreams(db, signals, listener);
        this.limiters = new JdbcLimiters(db);
        String owner = ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        long leaseMillis = Math.max(30_000, 3 * config.options().sweepInterval().toMillis());
        this.sweep = new JdbcSweep(db, config.expirySink(), owner, leaseMillis);
        this.sweeper = config.newSweeper(name, limiters.after(sweep));
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        this.changes = owned != null
                ? new JdbcSessionChanges(
                        db,
                        () -> DriverManager.getConnection(s.jdbcUrl(), s.connectionProperties()),
                        describe,
                        timeoutMillis)
                : new JdbcSessionChanges(db, ds::getConnection, describe, timeoutMillis);
    }

    /**
     * A store over {@code given}, a data source the application opened and closes: the store takes
     * connections from it as it takes them from its own pool, and never closes it. PostgreSQL's
     * LISTEN/NOTIFY wake-ups of blocking stream reads are off (a listening connection would be held
     * out of the application's pool for the store's life), so those reads poll.
     */
    static JdbcBackend over(JdbcSettings s, StoreConfig config, DataSource given) {
        JdbcBackend backend = new JdbcBackend(s, config, given, null);
        Schema.ensure(backend.db, (int) Math.max(30, config.timeout().toSeconds()));
        return backend;
    }

    static JdbcBackend open(JdbcSettings s, StoreConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("hourglass-" + POOLS.incrementAndGet());
        hc.setJdbcUrl(s.jdbcUrl());
        hc.setDriverClassName(s.mysql() ? "com.mysql.cj.jdbc.Driver" : "org.postgresql.Driver");
        if (s.user() != null) {
            hc.setUsername(s.user());
        }
        if (s.password() != null) {
            hc.setPassword(s.password());
        }
        hc.setDataSourceProperties(s.driverProperties());
        hc.setMaximumPoolSize(s.poolSize());
        hc.setMinimumIdle(s.poolSize());
        hc.setConnectionTimeout(s.connectionTimeout().toMillis());
        hc.setValidationTimeout(
                Math.min(s.validationTimeout().toMillis(), s.connectionTimeout().toMillis()));
        hc.setAutoCommit(true);
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // Start without a connection: an unreachable database then fails below as "unavailable".
        hc.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            JdbcBackend backend = new JdbcBackend(s, config, ds, ds);
            Schema.ensure(backend.db, (int) Math.max(30, config.timeout().toSeconds()));
            return backend;
        } catch (RuntimeException | Error e) {
            ds.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public SessionBackend sessions() {
        return sessions;
    }

    @Override
    public StreamBackend streams() {
        return streams;
    }

    @Override
    public Optional<LimiterBackend> limiters() {
        return Optional.of(limiters.backend());
    }

    @Override
    public Optional<Sweeper> sweeper() {
        return Optional.of(sweeper);
    }

    @Override
    public Optional<SessionChangeFeed> sessionChanges() {
        return Optional.of(changes);
    }

    @Override
    public boolean ping() {
        try (Connection c = ds.getConnection()) {
            return c.isValid(validationSeconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            if (listener != null) {
                listener.close();
            }
            sweep.releaseLease();
        } catch (StoreException e) {
            // the lease lapses by itself
        } finally {
            db.close();
            if (owned != null) {
                owned.close();
            }
        }
    }
}
