package dev.hourglass.benchmarks;

import dev.hourglass.Limiters;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.SlidingWindow;
import dev.hourglass.TokenBucket;
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
 * One limiter decision through Hourglass's public API on each backend: a quota take, an exact
 * sliding-window take, a bucket take, and a permit acquired and released (two decisions). Keys are
 * drawn from {@value #KEYS} tenants, and the limits are high enough that nearly every take is admitted,
 * so the figure is the cost of a decision that writes.
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
public class LimiterBench {

    static final int KEYS = 1_000;

    static final Quota QUOTA = Quota.rolling("bench-quota", 1_000_000_000, Duration.ofHours(1));
    static final SlidingWindow WINDOW = SlidingWindow.exact("bench-window", 100, Duration.ofSeconds(1));
    static final TokenBucket BUCKET = TokenBucket.of("bench-bucket", 1_000_000, 1_000_000, Duration.ofSeconds(1));
    static final Permits PERMITS = Permits.of("bench-permits", 1_000, Duration.ofMinutes(5));

    @Param({"chronicle", "redis", "mariadb", "postgresql"})
    public String backend;

    private Subjects.Opened opened;
    private Limiters limiters;

    @Setup(Level.Trial)
    public void setup() {
        opened = Subjects.hourglass(backend, null);
        limiters = opened.store().limiters();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opened.close();
    }

    static String tenant() {
        return "tenant-" + ThreadLocalRandom.current().nextInt(KEYS);
    }

    @Benchmark
    public RateDecision quota() {
        return limiters.take(QUOTA, tenant());
    }

    @Benchmark
    public RateDecision window() {
        return limiters.take(WINDOW, tenant());
    }

    @Benchmark
    public RateDecision bucket() {
        return limiters.take(BUCKET, tenant());
    }

    @Benchmark
    public boolean permit() {
        String key = tenant();
        PermitDecision d = limiters.acquire(PERMITS, key);
        return d.permit().isPresent()
                && limiters.release(PERMITS, key, d.permit().get().id());
    }
}
