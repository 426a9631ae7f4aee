package dev.hourglass.benchmarks;

import dev.hourglass.Session;
import dev.hourglass.Sessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * The near cache on a remote store, beside the same store without it (and, in the same run,
 * {@link CaffeineBench} for a bare Caffeine get): a read of a session the cache holds (every key is read
 * once before measuring, so a read is a hit unless an invalidation dropped it), a write (through to the
 * store, then the local entry is updated), and a 90/10 read/write mix. The staleness bound is 10 minutes,
 * longer than a run, so that an entry leaves the cache only by an invalidation (an entry is never kept
 * longer than the bound after its read, so with a bound of a second a read of a random one of 100,000 keys
 * would rarely find its entry still there).
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
public class NearCacheBench {

    /** Not {@code backend}: the launcher sets that one to every backend, and a near cache needs a remote one. */
    @Param({"redis", "postgresql"})
    public String engine;

    @Param({"on", "off"})
    public String nearCache;

    private Subjects.Opened opened;
    private Sessions sessions;

    @Setup(Level.Trial)
    public void setup() {
        var options = Subjects.defaults();
        if (nearCache.equals("on")) {
            options.property("nearCache", Integer.toString(2 * Data.KEYS)).property("nearCacheStaleness", "PT10M");
        }
        opened = Subjects.hourglass(engine, options.build());
        sessions = opened.store().sessions();
        Populate.hourglass("Hourglass " + engine + " near cache " + nearCache, sessions, Data.TTL);
        if (nearCache.equals("on")) {
            List<String> ids = new ArrayList<>(1_000);
            for (int i = 0; i < Data.KEYS; i++) {
                ids.add(Data.id(i));
                if (ids.size() == 1_000 || i == Data.KEYS - 1) {
                    sessions.getAll(ids);
                    ids.clear();
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opened.close();
    }

    @Benchmark
    public Optional<Session> get(Keys k) {
        return sessions.get(k.nextId());
    }

    @Benchmark
    public Session put(Keys k) {
        return sessions.put(k.nextId(), Data.attributes(k.write()), Data.TTL);
    }

    @Benchmark
    public Object mixed(Keys k) {
        return k.read() ? sessions.get(k.nextId()) : sessions.put(k.nextId(), Data.attributes(k.write()), Data.TTL);
    }
}
