package dev.hourglass.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The seed's own Redis scripts for the other limiter decisions, through lettuce, one EVALSHA each:
 * its sliding window (ZREMRANGEBYSCORE + ZCARD + ZADD), its concurrency slot (SCARD + SADD + EXPIRE,
 * then SREM to free it: two calls) and a classic token-bucket script.
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
public class RawRedisLimiterBench {

    static final String WINDOW = """
            local now = tonumber(ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, now - tonumber(ARGV[2]))
            if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
              redis.call('ZADD', KEYS[1], now, ARGV[4])
              redis.call('EXPIRE', KEYS[1], 2)
              return 1
            end
            return 0
            """;
    static final String SLOT = """
            if redis.call('SCARD', KEYS[1]) < tonumber(ARGV[1]) then
              redis.call('SADD', KEYS[1], ARGV[2])
              redis.call('EXPIRE', KEYS[1], ARGV[3])
              return 1
            end
            return 0
            """;
    static final String BUCKET = """
            local m = redis.call('HMGET', KEYS[1], 't', 'l')
            local cap = tonumber(ARGV[1])
            local now = tonumber(ARGV[3])
            local t = tonumber(m[1]) or cap
            local l = tonumber(m[2]) or now
            t = math.min(cap, t + (now - l) * tonumber(ARGV[2]))
            local ok = 0
            if t >= 1 then t = t - 1 ok = 1 end
            redis.call('HSET', KEYS[1], 't', t, 'l', now)
            redis.call('PEXPIRE', KEYS[1], 60000)
            return ok
            """;

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private String windowSha;
    private String slotSha;
    private String bucketSha;

    @Setup(Level.Trial)
    public void setup() {
        client = RedisClient.create(RedisURI.create(Servers.redis()));
        connection = client.connect(StringCodec.UTF8);
        redis = connection.sync();
        windowSha = redis.scriptLoad(WINDOW);
        slotSha = redis.scriptLoad(SLOT);
        bucketSha = redis.scriptLoad(BUCKET);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        connection.close();
        client.shutdown();
    }

    @Benchmark
    public long window() {
        return redis.<Long>evalsha(
                windowSha,
                ScriptOutputType.INTEGER,
                new String[] {"raw-window:" + LimiterBench.tenant()},
                Long.toString(System.currentTimeMillis()),
                "1000",
                "100",
                UUID.randomUUID().toString());
    }

    @Benchmark
    public long bucket() {
        return redis.<Long>evalsha(
                bucketSha,
                ScriptOutputType.INTEGER,
                new String[] {"raw-bucket:" + LimiterBench.tenant()},
                "1000000",
                "1000",
                Long.toString(System.currentTimeMillis()));
    }

    @Benchmark
    public long permit() {
        String key = "raw-slots:" + LimiterBench.tenant();
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
        long ok = redis.<Long>evalsha(slotSha, ScriptOutputType.INTEGER, new String[] {key}, "1000", id, "300");
        return ok + redis.srem(key, id);
    }
}
