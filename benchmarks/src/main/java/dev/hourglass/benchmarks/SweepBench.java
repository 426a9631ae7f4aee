package dev.hourglass.benchmarks;

import dev.hourglass.Sessions;
import dev.hourglass.Sweeper;
import dev.hourglass.SweeperStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Sweep cost per removed entry: before each invocation {@value #EXPIRING} sessions with a one-minute
 * TTL are written beside the {@link Data#KEYS} live ones and the store's clock moves two minutes on;
 * the invocation runs the sweeper (default batch size and time budget) until it has removed them
 * all. The score is microseconds per removed entry.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
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
public class SweepBench {

    static final int EXPIRING = 5_000;
    private static final Duration LIVE = Duration.ofDays(3_000);
    private static final Duration SHORT = Duration.ofMinutes(1);

    @Param({"memory", "chronicle", "mariadb", "postgresql"})
    public String store;

    private final MovableClock clock = new MovableClock();
    private Subjects.Opened opened;
    private Sessions sessions;
    private Sweeper sweeper;
    private String run;
    private int round;

    @Setup(Level.Trial)
    public void setup() {
        opened = Subjects.hourglass(store, Subjects.defaults().clock(clock).build());
        sessions = opened.store().sessions();
        sweeper = opened.store().sweeper().orElseThrow(() -> new IllegalStateException(store + " has no sweeper"));
        // The same live data set as the other benchmarks (on a server it is already there).
        Populate.hourglass("Hourglass " + store, sessions, opened.remote() ? Data.TTL : LIVE);
        drain();
        run = Long.toString(System.nanoTime(), 36);
    }

    @Setup(Level.Invocation)
    public void expireSome() {
        String prefix = "expiring-" + run + "-" + round++ + "-";
        Populate.putAll(sessions, prefix, EXPIRING, SHORT);
        clock.advance(Duration.ofMinutes(2));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opened.close();
    }

    @Benchmark
    @OperationsPerInvocation(EXPIRING)
    public long sweep() {
        return drain();
    }

    private long drain() {
        long removed = 0;
        for (int i = 0; i < 10_000; i++) {
            SweeperStatus s = sweeper.runNow();
            removed += s.removedLastRun();
            if (s.removedLastRun() == 0) {
                break;
            }
        }
        return removed;
    }

    /** A clock the benchmark moves forward. */
    static final class MovableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
