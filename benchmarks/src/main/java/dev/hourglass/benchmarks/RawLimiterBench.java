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
 * The raw engine counting a quota in one call, the floor Hourglass's quota is measured against: on
 * Redis the seed's INCR with EXPIRE as one script through lettuce, on JDBC one upsert that counts, on
 * Chronicle one entry updated under its lock. The other Redis decisions are in {@link RawRedisLimiterBench}.
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

    @Param({"chronicle", "redis", "mariadb", "postgresql"})
    public String engine;

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
