package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Timeout;

/**
 * Whether the size of a store changes what one operation costs: get and put on a Chronicle and a
 * Redis store holding {@code sessions} sessions of one {@value #ATTRIBUTE_BYTES}-byte attribute
 * (the data of {@link Capacity}; 10M sessions of 1 KiB would not fit the machine). {@code get} reads
 * a uniformly random id of the population and {@code put} overwrites one with another
 * {@value #ATTRIBUTE_BYTES}-byte value and the same TTL. Ids are drawn afresh for every call, so the
 * whole population is walked at every size (a short repeating sequence of ids would keep the large
 * store's hot part in the CPU caches).
 *
 * <p>The population is written once per engine and size with the batched put ({@value #BATCH} per
 * call, {@value #FILLERS} writers), and the fill time is printed; a later fork finds the marker and
 * skips it. Under the launcher, each size's Chronicle store lives in a directory of its own below
 * the run's directory ({@value #DIR}), sized for the population plus 10%, which the launcher deletes
 * after the run; a fork started without it fills a directory of its own and deletes it at teardown.
 * Each size's Redis sessions have a key prefix of their own in a database of their own (one per
 * power of ten), on the launcher's private server: the population stays there until the run ends
 * and the server, which keeps nothing on disk, is stopped. Sessions are off-heap (Chronicle) or
 * remote (Redis); the fill reports the heap in use after it.
 *
 * <p>JMH counts the trial setup, and so the fill, in the first iteration's timeout: 30 minutes here
 * instead of 10, so that a 10M Redis fill on a loaded machine is not cut short.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Timeout(time = 30, timeUnit = TimeUnit.MINUTES)
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
public class StoreSizeBench {

    /** The directory the launcher keeps the Chronicle stores in for the run. */
    static final String DIR = "bench.storeSizeDir";

    static final int ATTRIBUTE_BYTES = 100;
    static final int BATCH = 1_000;
    static final int FILLERS = 2;

    private static final int POOL = 1024;
    private static final Attributes[] VALUES = new Attributes[POOL];

    static {
        SplittableRandom random = new SplittableRandom(42);
        byte[] text = new byte[ATTRIBUTE_BYTES];
        for (int p = 0; p < POOL; p++) {
            for (int b = 0; b < text.length; b++) {
                text[b] = (byte) (' ' + 1 + random.nextInt(94));
            }
            VALUES[p] = Attributes.strings(Map.of("payload", new String(text, StandardCharsets.US_ASCII)));
        }
    }

    /** Not {@code backend}: the launcher sets that one to every backend, and store size is measured on these two. */
    @Param({"chronicle", "redis"})
    public String engine;

    @Param({"100000", "10000000"})
    public int sessions;

    private Store store;
    private Sessions population;
    private Path ownedDir;

    @Setup(Level.Trial)
    public void setup() throws InterruptedException {
        if (sessions < 1) {
            throw new IllegalArgumentException("sessions must be positive, was " + sessions);
        }
        store = Hourglass.open(uri(), Subjects.defaults().build());
        population = store.sessions();
        fill();
        if (population.get(id(sessions - 1)).isEmpty()) {
            throw new IllegalStateException("the last session of the population is missing");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        Subjects.deleteTree(ownedDir);
    }

    private String uri() {
        switch (engine) {
            case "chronicle": {
                String shared = System.getProperty(DIR);
                Path dir;
                if (shared == null) {
                    ownedDir = Subjects.tempDir("hourglass-bench-size");
                    dir = ownedDir;
                } else {
                    dir = Path.of(shared).resolve("chronicle-" + sessions);
                }
                return "chronicle:" + dir + "?maxSessions=" + (sessions + sessions / 10 + 1)
                        + "&averageSessionBytes=" + (ATTRIBUTE_BYTES + 64) + "&maxSessionBytes=4096"
                        + "&maxStreams=1000&maxMessages=1000";
            }
            case "redis":
                return Servers.redis() + "/" + redisDatabase(sessions) + "?prefix=size-" + sessions + ":";
            default:
                throw new IllegalArgumentException("engine must be chronicle or redis, was '" + engine + "'");
        }
    }

    /** One Redis database per power of ten of the size (1 to 15; 0 is the other benchmarks'). */
    static int redisDatabase(int sessions) {
        return Math.max(1, Math.min(15, (int) Math.log10(sessions)));
    }

    /** Writes the population unless an earlier fork did, and prints how long it took. */
    private void fill() throws InterruptedException {
        String what = engine + " store of " + String.format("%,d", sessions) + " sessions";
        if (population.get(Populate.MARKER).isPresent()) {
            System.out.println("# " + what + ": filled by an earlier fork");
            return;
        }
        long t0 = System.nanoTime();
        AtomicInteger nextBatch = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int w = 0; w < FILLERS; w++) {
            Thread t = new Thread(
                    () -> {
                        try {
                            for (int b = nextBatch.getAndIncrement();
                                    (long) b * BATCH < sessions;
                                    b = nextBatch.getAndIncrement()) {
                                Map<String, Attributes> batch = new LinkedHashMap<>(2 * BATCH);
                                for (int i = b * BATCH; i < Math.min(sessions, (b + 1) * BATCH); i++) {
                                    batch.put(id(i), value(i));
                                }
                                population.putAll(batch, Data.TTL);
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    },
                    "store-size-fill-" + w);
            t.start();
            writers.add(t);
        }
        for (Thread t : writers) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("filling the " + what + " failed", failures.get(0));
        }
        population.put(Populate.MARKER, Attributes.empty(), Data.TTL);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.gc();
        System.out.printf(
                "# filled the %s in %.1f s (%,.0f sessions/s); heap in use after a GC: %,d MB%n",
                what,
                seconds,
                sessions / seconds,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);
    }

    /** Session {@code i}'s id: the same length at every size, so that building and hashing it costs the same. */
    static String id(int i) {
        char[] c = new char[11];
        c[0] = 's';
        for (int p = c.length - 1; p > 0; p--) {
            c[p] = (char) ('0' + i % 10);
            i /= 10;
        }
        return new String(c);
    }

    static Attributes value(int n) {
        return VALUES[n & (POOL - 1)];
    }

    /** A thread's random walk over the population, and a counter that picks the value to write. */
    @State(Scope.Thread)
    public static class Cursor {

        private static final AtomicInteger THREADS = new AtomicInteger();

        private SplittableRandom random;
        private int writes;

        @Setup
        public void setup() {
            random = new SplittableRandom(42 + THREADS.getAndIncrement());
        }

        int next(int bound) {
            return random.nextInt(bound);
        }

        int write() {
            return writes++;
        }
    }

    @Benchmark
    public Optional<Session> get(Cursor c) {
        return population.get(id(c.next(sessions)));
    }

    @Benchmark
    public Session put(Cursor c) {
        return population.put(id(c.next(sessions)), value(c.write()), Data.TTL);
    }
}
