package dev.hourglass.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * The peer of the token bucket: Bucket4j's distributed buckets, taking one token from the same
 * {@value LimiterBench#KEYS} tenants with the same capacity and refill rate as {@link LimiterBench#BUCKET}:
 * on Redis its lettuce proxy manager (compare-and-swap, buckets expiring once refilled), on PostgreSQL its
 * select-for-update proxy manager over a HikariCP pool configured as the JDBC store configures its own.
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
public class Bucket4jLimiterBench {

    /** Not {@code backend}: the launcher sets that one to every Hourglass backend. */
    @Param({"redis", "postgresql"})
    public String engine;

    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private HikariDataSource pool;
    private BucketProxy[] buckets;

    @Setup(Level.Trial)
    public void setup() throws SQLException {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)))
                .build();
        buckets = new BucketProxy[LimiterBench.KEYS];
        if (engine.equals("redis")) {
            client = RedisClient.create(Servers.redis());
            connection = client.connect(ByteArrayCodec.INSTANCE);
            LettuceBasedProxyManager<byte[]> manager = Bucket4jLettuce.casBasedBuilder(connection)
                    .expirationAfterWrite(
                            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            for (int i = 0; i < LimiterBench.KEYS; i++) {
                byte[] key = ("bucket4j:tenant-" + i).getBytes(StandardCharsets.UTF_8);
                buckets[i] = manager.builder().build(key, () -> configuration);
            }
        } else {
            pool = Jdbc.pool(Servers.database(engine), "bucket4j");
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS bench_bucket4j (id BIGINT PRIMARY KEY, state BYTEA,"
                        + " expires_at BIGINT)");
            }
            PostgreSQLSelectForUpdateBasedProxyManager<Long> manager = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(
                            pool)
                    .table("bench_bucket4j")
                    .build();
            for (int i = 0; i < LimiterBench.KEYS; i++) {
                buckets[i] = manager.builder().build((long) i, () -> configuration);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Benchmark
    public boolean bucket() {
        return buckets[ThreadLocalRandom.current().nextInt(LimiterBench.KEYS)].tryConsume(1);
    }
}
