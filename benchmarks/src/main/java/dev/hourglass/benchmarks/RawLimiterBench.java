package dev.hourglass.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
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

/**
 * The raw engine taking from a quota in one call. {@link #quota} only counts, as the seed does: on
 * Redis INCR with EXPIRE as one script through lettuce, on JDBC one upsert that adds one, on
 * Chronicle one entry updated under its lock; it neither resets the window, nor refuses over the
 * limit, nor says when the window ends. {@link #quotaSameJob} does what a Hourglass quota take does,
 * in the fewest calls each engine allows: the window restarts when it has ended, a take over the
 * limit is refused and counts nothing, and the answer is the count and the window's end (Redis: one
 * script, INCRBY then DECRBY when over, PTTL; PostgreSQL: one upsert with RETURNING; MySQL/MariaDB:
 * one upsert and one read of the row; Chronicle: one entry update under its lock). The other Redis
 * decisions are in {@link RawRedisLimiterBench}.
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
public class RawLimiterBench {

    static final String QUOTA = """
            local c = redis.call('INCR', KEYS[1])
            if c == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            return c
            """;

    static final String SAME_JOB = """
            local n = tonumber(ARGV[2])
            local c = redis.call('INCRBY', KEYS[1], n)
            if c == n then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            if c > tonumber(ARGV[3]) then
              redis.call('DECRBY', KEYS[1], n)
              return {0, c - n, redis.call('PTTL', KEYS[1])}
            end
            return {1, c, redis.call('PTTL', KEYS[1])}
            """;

    static final long LIMIT = LimiterBench.QUOTA.limit();
    static final long WINDOW_MS = LimiterBench.QUOTA.window().toMillis();

    @Param({"chronicle", "redis", "mariadb", "postgresql"})
    public String engine;

    private String sameJobSha;
    private String sameJob;
    private String sameJobRead;

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private String quotaSha;
    private HikariDataSource ds;
    private String upsert;
    private ChronicleMap<String, byte[]> map;
    private Path dir;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        switch (engine) {
            case "redis" -> {
                client = RedisClient.create(RedisURI.create(Servers.redis()));
                connection = client.connect(StringCodec.UTF8);
                redis = connection.sync();
                quotaSha = redis.scriptLoad(QUOTA);
                sameJobSha = redis.scriptLoad(SAME_JOB);
            }
            case "mariadb", "postgresql" -> {
                boolean mysql = engine.equals("mariadb");
                ds = Jdbc.pool(Servers.database(engine), "raw-limiter");
                Jdbc.execute(
                        ds,
                        "CREATE TABLE IF NOT EXISTS raw_limiter_counts (id VARCHAR(64) NOT NULL PRIMARY KEY,"
                                + " c BIGINT NOT NULL, expires_at BIGINT NOT NULL)");
                upsert = mysql
                        ? "INSERT INTO raw_limiter_counts (id, c, expires_at) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE c = c + 1"
                        : "INSERT INTO raw_limiter_counts AS t (id, c, expires_at) VALUES (?, 1, ?)"
                                + " ON CONFLICT (id) DO UPDATE SET c = t.c + 1";
                Jdbc.execute(
                        ds,
                        "CREATE TABLE IF NOT EXISTS raw_limiter_quota (id VARCHAR(64) NOT NULL PRIMARY KEY,"
                                + " c BIGINT NOT NULL, expires_at BIGINT NOT NULL)");
                // Parameters: id, window end, now, limit, now (and on PostgreSQL now again).
                sameJob = mysql
                        ? "INSERT INTO raw_limiter_quota (id, c, expires_at) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE"
                                + " c = IF(expires_at <= ?, 1, IF(c + 1 <= ?, c + 1, c)),"
                                + " expires_at = IF(expires_at <= ?, VALUES(expires_at), expires_at)"
                        : "INSERT INTO raw_limiter_quota AS t (id, c, expires_at) VALUES (?, 1, ?)"
                                + " ON CONFLICT (id) DO UPDATE SET c = CASE WHEN t.expires_at <= ? THEN 1 ELSE t.c + 1 END,"
                                + " expires_at = CASE WHEN t.expires_at <= ? THEN EXCLUDED.expires_at ELSE t.expires_at END"
                                + " WHERE t.expires_at <= ? OR t.c + 1 <= ? RETURNING c, expires_at";
                sameJobRead = "SELECT c, expires_at FROM raw_limiter_quota WHERE id = ?";
            }
            case "chronicle" -> {
                dir = Subjects.tempDir("raw-limiter-chronicle");
                map = ChronicleMap.of(String.class, byte[].class)
                        .name("raw-limiters")
                        .averageKeySize(40)
                        .averageValueSize(33)
                        .entries(100_000)
                        .createPersistedTo(dir.resolve("limiters.cmap").toFile());
            }
            default ->
                throw new IllegalArgumentException(
                        "engine must be chronicle, redis, mariadb or postgresql, was " + engine);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (ds != null) {
            ds.close();
        }
        if (map != null) {
            map.close();
            Subjects.deleteTree(dir);
        }
    }

    @Benchmark
    public long quota() throws SQLException {
        String key = "raw-quota:" + LimiterBench.tenant();
        switch (engine) {
            case "redis":
                return redis.<Long>evalsha(quotaSha, ScriptOutputType.INTEGER, new String[] {key}, "3600");
            case "chronicle":
                return chronicleCount(key);
            default:
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = c.prepareStatement(upsert)) {
                    ps.setString(1, key);
                    ps.setLong(2, System.currentTimeMillis() + 3_600_000);
                    return ps.executeUpdate();
                }
        }
    }

    @Benchmark
    public long quotaSameJob() throws SQLException {
        String key = "raw-quota-same:" + LimiterBench.tenant();
        long now = System.currentTimeMillis();
        switch (engine) {
            case "redis": {
                java.util.List<Object> r = redis.evalsha(
                        sameJobSha,
                        ScriptOutputType.MULTI,
                        new String[] {key},
                        Long.toString(WINDOW_MS),
                        "1",
                        Long.toString(LIMIT));
                return (Long) r.get(1) + (Long) r.get(2);
            }
            case "chronicle":
                return chronicleQuota(key, now);
            case "mariadb":
                try (Connection c = ds.getConnection()) {
                    try (PreparedStatement ps = c.prepareStatement(sameJob)) {
                        ps.setString(1, key);
                        ps.setLong(2, now + WINDOW_MS);
                        ps.setLong(3, now);
                        ps.setLong(4, LIMIT);
                        ps.setLong(5, now);
                        ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement(sameJobRead)) {
                        ps.setString(1, key);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1) + rs.getLong(2);
                        }
                    }
                }
            default:
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = c.prepareStatement(sameJob)) {
                    ps.setString(1, key);
                    ps.setLong(2, now + WINDOW_MS);
                    ps.setLong(3, now);
                    ps.setLong(4, now);
                    ps.setLong(5, now);
                    ps.setLong(6, LIMIT);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) + rs.getLong(2) : 0;
                    }
                }
        }
    }

    /** A quota's 16-byte value (window end, count) under the entry's write lock: restarted when ended, refused over the limit. */
    private long chronicleQuota(String key, long now) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            long end = now + WINDOW_MS;
            long count = 0;
            if (e != null) {
                ByteBuffer b = ByteBuffer.wrap(e.value().get());
                long stored = b.getLong();
                if (stored > now) {
                    end = stored;
                    count = b.getLong();
                }
            }
            if (count + 1 > LIMIT) {
                return -count;
            }
            byte[] next =
                    ByteBuffer.allocate(16).putLong(end).putLong(count + 1).array();
            if (e != null) {
                c.replaceValue(e, c.wrapValueAsData(next));
            } else {
                c.insert(c.absentEntry(), c.wrapValueAsData(next));
            }
            return end + count + 1;
        }
    }

    /** One 16-byte counter value (window end, count) read and replaced under the entry's write lock. */
    private long chronicleCount(String key) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            long now = System.currentTimeMillis();
            long end = now + 3_600_000;
            long count = 0;
            if (e != null) {
                ByteBuffer b = ByteBuffer.wrap(e.value().get());
                end = b.getLong();
                count = b.getLong();
            }
            byte[] next =
                    ByteBuffer.allocate(16).putLong(end).putLong(count + 1).array();
            if (e != null) {
                c.replaceValue(e, c.wrapValueAsData(next));
            } else {
                c.insert(c.absentEntry(), c.wrapValueAsData(next));
            }
            return count + 1;
        }
    }
}
