package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import java.util.concurrent.ConcurrentHashMap;
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
import org.openjdk.jmh.annotations.Threads;

/** Raw baseline for the memory store: a ConcurrentHashMap of the same entries, written by hand. */
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
public class MapBench {

    private ConcurrentHashMap<String, Entry> map;

    @Setup(Level.Trial)
    public void setup() {
        map = new ConcurrentHashMap<>(Data.KEYS * 2);
        long now = System.currentTimeMillis();
        for (int i = 0; i < Data.KEYS; i++) {
            map.put(Data.id(i), Entry.of(Data.attributes(i), now));
        }
    }

    @Benchmark
    public Entry get(Keys k) {
        Entry e = map.get(k.nextId());
        return e != null && e.live(System.currentTimeMillis()) ? e : null;
    }

    @Benchmark
    public Entry put(Keys k) {
        Entry e = Entry.of(Data.attributes(k.write()), System.currentTimeMillis());
        map.put(k.nextId(), e);
        return e;
    }

    @Benchmark
    public boolean touch(Keys k) {
        long now = System.currentTimeMillis();
        return map.computeIfPresent(k.nextId(), (id, e) -> e.live(now) ? e.touched(now) : e) != null;
    }

    @Benchmark
    public Entry merge(Keys k) {
        long now = System.currentTimeMillis();
        Attributes set = Data.merge(k.write());
        return map.computeIfPresent(
                k.nextId(), (id, e) -> e.live(now) ? e.with(e.attributes().withAll(set)) : e);
    }

    @Benchmark
    public Entry update(Keys k) {
        String id = k.nextId();
        Attributes set = Data.merge(k.write());
        while (true) {
            Entry e = map.get(id);
            if (e == null || !e.live(System.currentTimeMillis())) {
                return null;
            }
            Entry next = e.with(e.attributes().withAll(set));
            if (map.replace(id, e, next)) {
                return next;
            }
        }
    }

    @Benchmark
    public Entry getAndTouch(Keys k) {
        long now = System.currentTimeMillis();
        return map.computeIfPresent(k.nextId(), (id, e) -> e.live(now) ? e.touched(now) : e);
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        String id = Entry.newId();
        map.putIfAbsent(id, Entry.of(Data.attributes(k.write()), System.currentTimeMillis()));
        return map.remove(id) != null;
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) {
        return k.read() ? get(k) : put(k);
    }
}
