package dev.hourglass.benchmarks;

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
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateIntervalUnit;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Peers of the Redis limiters: Redisson's RRateLimiter (tryAcquire of one permit) and
 * RPermitExpirableSemaphore (a permit with a lease acquired without waiting, then released), over
 * the same {@value LimiterBench#KEYS} tenants.
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
public class RedissonLimiterBench {

    private RedissonClient client;
    private RRateLimiter[] limiters;
    private RPermitExpirableSemaphore[] semaphores;

    @Setup(Level.Trial)
    public void setup() {
        Config config = new Config();
        config.useSingleServer()
                .setAddress(Servers.redis())
                .setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(16);
        client = Redisson.create(config);
        limiters = new RRateLimiter[LimiterBench.KEYS];
        semaphores = new RPermitExpirableSemaphore[LimiterBench.KEYS];
        for (int i = 0; i < LimiterBench.KEYS; i++) {
            limiters[i] = client.getRateLimiter("redisson-quota:tenant-" + i);
            limiters[i].trySetRate(RateType.OVERALL, 1_000_000_000, 1, RateIntervalUnit.HOURS);
            semaphores[i] = client.getPermitExpirableSemaphore("redisson-slots:tenant-" + i);
            semaphores[i].trySetPermits(1_000);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.shutdown();
    }

    @Benchmark
    public boolean quota() {
        return limiters[java.util.concurrent.ThreadLocalRandom.current().nextInt(LimiterBench.KEYS)].tryAcquire();
    }

    @Benchmark
    public boolean permit() throws InterruptedException {
        RPermitExpirableSemaphore s =
                semaphores[java.util.concurrent.ThreadLocalRandom.current().nextInt(LimiterBench.KEYS)];
        String id = s.tryAcquire(0, 300, TimeUnit.SECONDS);
        return id != null && s.tryRelease(id);
    }
}
