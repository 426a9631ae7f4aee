package dev.hourglass.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.Attributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Raw baseline for the JDBC store: PreparedStatements on a HikariCP pool, one row per session
 * (id, attributes in {@link Attributes#toBytes()} form, created, accessed, expires, version) in a
 * table of the same shape and indexes as the store's. Reads and single-row writes are one
 * statement; merge is SELECT ... FOR UPDATE and UPDATE in one transaction; update is a read and
 * a version-checked UPDATE.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {
            Jvm.OPEN_LANG,
            Jvm.OPEN_REFLECT,
            Jvm.EXPORT_JAVAC_FILE,
            Jvm.EXPORT_NIO_CH,
            Jvm.EXPORT_REF,
            Jvm.NO_ANALYTICS,
            Jvm.HEAP,
            Jvm.HEAP_MIN
        })
public class RawJdbcBench {

    private static final String TABLE = "bench_raw_sessions";
    private static final String COLUMNS = "attributes, created_at, accessed_at, expires_at, version";

    @Param({"mariadb", "postgresql"})
    public String db;

    private final AtomicLong versions = new AtomicLong(System.nanoTime());
    private HikariDataSource pool;
    private boolean mysql;
    private String select;
    private String selectForUpdate;
    private String upsert;
    private String insert;
    private String touch;
    private String setAttributes;
    private String cas;
    private String delete;

    @Setup(Level.Trial)
    public void setup() throws SQLException {
        Servers.Database database = Servers.database(db);
        pool = Jdbc.pool(database, "raw-" + db);
        boolean mysql = database.mysql();
        if (!Jdbc.tableExists(pool, TABLE)) {
            // The store's own DDL for its sessions table (store-jdbc's schema-*.sql), under another name.
            if (mysql) {
                Jdbc.execute(
                        pool,
                        "CREATE TABLE " + TABLE + " (id VARBINARY(256) NOT NULL, attributes LONGBLOB NOT NULL,"
                                + " created_at BIGINT NOT NULL, accessed_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
                                + " version BIGINT NOT NULL, PRIMARY KEY (id), KEY " + TABLE
                                + "_expires_at (expires_at))"
                                + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
            } else {
                Jdbc.execute(
                        pool,
                        "CREATE TABLE " + TABLE + " (id TEXT COLLATE \"C\" NOT NULL PRIMARY KEY,"
                                + " attributes BYTEA NOT NULL, created_at BIGINT NOT NULL, accessed_at BIGINT NOT NULL,"
                                + " expires_at BIGINT NOT NULL, version BIGINT NOT NULL)");
                Jdbc.execute(pool, "CREATE INDEX " + TABLE + "_expires_at ON " + TABLE + " (expires_at)");
            }
        }
        this.mysql = mysql;
        select = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = ? AND expires_at > ?";
        selectForUpdate = select + " FOR UPDATE";
        insert = "INSERT INTO " + TABLE + " (id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)";
        upsert = insert
                + (mysql
                        ? " ON DUPLICATE KEY UPDATE attributes = VALUES(attributes), accessed_at = VALUES(accessed_at),"
                                + " expires_at = VALUES(expires_at), version = VALUES(version)"
                        : " ON CONFLICT (id) DO UPDATE SET attributes = EXCLUDED.attributes, accessed_at = EXCLUDED.accessed_at,"
                                + " expires_at = EXCLUDED.expires_at, version = EXCLUDED.version");
        touch = "UPDATE " + TABLE + " SET accessed_at = ?, expires_at = ? WHERE id = ? AND expires_at > ?";
        setAttributes = "UPDATE " + TABLE + " SET attributes = ?, version = ? WHERE id = ?";
        cas = "UPDATE " + TABLE + " SET attributes = ?, version = ? WHERE id = ? AND version = ? AND expires_at > ?";
        delete = "DELETE FROM " + TABLE + " WHERE id = ?";
        populate(database);
    }

    private void populate(Servers.Database database) throws SQLException {
        String marker = "populated-marker";
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(select)) {
            bindId(s, 1, marker);
            s.setLong(2, 0);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    return;
                }
            }
        }
        long t0 = System.nanoTime();
        long now = System.currentTimeMillis();
        try (Connection c = Jdbc.bulk(database)) {
            if (database.mysql()) {
                try (PreparedStatement s = c.prepareStatement(insert)) {
                    c.setAutoCommit(false);
                    for (int i = 0; i <= Data.KEYS; i++) {
                        bindId(s, 1, i < Data.KEYS ? Data.id(i) : marker);
                        s.setBytes(2, Data.bytes(i));
                        s.setLong(3, now);
                        s.setLong(4, now);
                        s.setLong(5, now + Data.TTL_MILLIS);
                        s.setLong(6, versions.incrementAndGet());
                        s.addBatch();
                        if (i % 1_000 == 999 || i == Data.KEYS) {
                            s.executeBatch();
                            c.commit();
                        }
                    }
                    c.setAutoCommit(true);
                }
            } else {
                Jdbc.copy(c, "COPY " + TABLE + " (id, " + COLUMNS + ") FROM STDIN", Data.KEYS + 1, (i, sb) -> {
                    sb.append(i < Data.KEYS ? Data.id(i) : marker).append('\t');
                    Jdbc.bytea(sb, Data.bytes(i));
                    sb.append('\t')
                            .append(now)
                            .append('\t')
                            .append(now)
                            .append('\t')
                            .append(now + Data.TTL_MILLIS)
                            .append('\t')
                            .append(versions.incrementAndGet())
                            .append('\n');
                });
            }
            Jdbc.analyze(c, database.mysql(), TABLE);
        }
        System.out.printf(
                "# populated raw %s with %,d sessions in %.1f s%n", db, Data.KEYS, (System.nanoTime() - t0) / 1e9);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /** Ids as the store binds them: UTF-8 bytes on MySQL/MariaDB (VARBINARY), text on PostgreSQL. */
    private void bindId(PreparedStatement s, int index, String id) throws SQLException {
        if (mysql) {
            s.setBytes(index, id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            s.setString(index, id);
        }
    }

    private static Entry read(ResultSet r) throws SQLException {
        byte[] b = r.getBytes(1);
        return new Entry(Attributes.fromBytes(b), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5));
    }

    private Entry select(Connection c, String sql, String id, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bindId(s, 1, id);
            s.setLong(2, now);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? read(r) : null;
            }
        }
    }

    @Benchmark
    public Entry get(Keys k) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return select(c, select, k.nextId(), System.currentTimeMillis());
        }
    }

    @Benchmark
    public int put(Keys k) throws SQLException {
        long now = System.currentTimeMillis();
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(upsert)) {
            bindId(s, 1, k.nextId());
            s.setBytes(2, Data.bytes(k.write()));
            s.setLong(3, now);
            s.setLong(4, now);
            s.setLong(5, now + Data.TTL_MILLIS);
            s.setLong(6, versions.incrementAndGet());
            return s.executeUpdate();
        }
    }

    @Benchmark
    public boolean touch(Keys k) throws SQLException {
        long now = System.currentTimeMillis();
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(touch)) {
            s.setLong(1, now);
            s.setLong(2, now + Data.TTL_MILLIS);
            bindId(s, 3, k.nextId());
            s.setLong(4, now);
            return s.executeUpdate() == 1;
        }
    }

    @Benchmark
    public Entry getAndTouch(Keys k) throws SQLException {
        long now = System.currentTimeMillis();
        String id = k.nextId();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                Entry e;
                try (PreparedStatement s = c.prepareStatement(touch)) {
                    s.setLong(1, now);
                    s.setLong(2, now + Data.TTL_MILLIS);
                    bindId(s, 3, id);
                    s.setLong(4, now);
                    e = s.executeUpdate() == 1 ? select(c, select, id, now) : null;
                }
                c.commit();
                return e;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    @Benchmark
    public Entry merge(Keys k) throws SQLException {
        long now = System.currentTimeMillis();
        String id = k.nextId();
        Attributes set = Data.merge(k.write());
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                Entry e = select(c, selectForUpdate, id, now);
                Entry next = null;
                if (e != null) {
                    next = e.with(e.attributes().withAll(set));
                    try (PreparedStatement s = c.prepareStatement(setAttributes)) {
                        s.setBytes(1, next.attributes().toBytes());
                        s.setLong(2, next.version());
                        bindId(s, 3, id);
                        s.executeUpdate();
                    }
                }
                c.commit();
                return next;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    @Benchmark
    public Entry update(Keys k) throws SQLException {
        String id = k.nextId();
        Attributes set = Data.merge(k.write());
        while (true) {
            long now = System.currentTimeMillis();
            try (Connection c = pool.getConnection()) {
                Entry e = select(c, select, id, now);
                if (e == null) {
                    return null;
                }
                Entry next = e.with(e.attributes().withAll(set));
                try (PreparedStatement s = c.prepareStatement(cas)) {
                    s.setBytes(1, next.attributes().toBytes());
                    s.setLong(2, next.version());
                    bindId(s, 3, id);
                    s.setLong(4, e.version());
                    s.setLong(5, System.currentTimeMillis());
                    if (s.executeUpdate() == 1) {
                        return next;
                    }
                }
            }
        }
    }

    @Benchmark
    public boolean createDelete(Keys k) throws SQLException {
        long now = System.currentTimeMillis();
        String id = Entry.newId();
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(insert)) {
                bindId(s, 1, id);
                s.setBytes(2, Data.bytes(k.write()));
                s.setLong(3, now);
                s.setLong(4, now);
                s.setLong(5, now + Data.TTL_MILLIS);
                s.setLong(6, versions.incrementAndGet());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(delete)) {
                bindId(s, 1, id);
                return s.executeUpdate() == 1;
            }
        }
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) throws SQLException {
        return k.read() ? get(k) : put(k);
    }
}
