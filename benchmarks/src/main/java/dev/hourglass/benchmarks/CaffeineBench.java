package dev.hourglass.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.hourglass.Attributes;
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

/** Peer of the memory store: a Caffeine cache with a per-entry expiry taken from the entry. */
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
public class CaffeineBench {

    private Cache<String, Entry> cache;

    @Setup(Level.Trial)
    public void setup() {
        cache = Caffeine.newBuilder()
                .initialCapacity(Data.KEYS * 2)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry e, long currentTime) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, e.expiresAt() - System.currentTimeMillis()));
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry e, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, e, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry e, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        long now = System.currentTimeMillis();
        for (int i = 0; i < Data.KEYS; i++) {
            cache.put(Data.id(i), Entry.of(Data.attributes(i), now));
        }
    }

    @Benchmark
    public Entry get(Keys k) {
        return cache.getIfPresent(k.nextId());
    }

    @Benchmark
    public Entry put(Keys k) {
        Entry e = Entry.of(Data.attributes(k.write()), System.currentTimeMillis());
        cache.put(k.nextId(), e);
        return e;
    }

    @Benchmark
    public boolean touch(Keys k) {
        long now = System.currentTimeMillis();
        return cache.asMap().computeIfPresent(k.nextId(), (id, e) -> e.touched(now)) != null;
    }

    @Benchmark
    public Entry merge(Keys k) {
        Attributes set = Data.merge(k.write());
        return cache.asMap()
                .computeIfPresent(k.nextId(), (id, e) -> e.with(e.attributes().withAll(set)));
    }

    @Benchmark
    public Entry update(Keys k) {
        String id = k.nextId();
        Attributes set = Data.merge(k.write());
        while (true) {
            Entry e = cache.getIfPresent(id);
            if (e == null) {
                return null;
            }
            Entry next = e.with(e.attributes().withAll(set));
            if (cache.asMap().replace(id, e, next)) {
                return next;
            }
        }
    }

    @Benchmark
    public Entry getAndTouch(Keys k) {
        long now = System.currentTimeMillis();
        return cache.asMap().computeIfPresent(k.nextId(), (id, e) -> e.touched(now));
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        String id = Entry.newId();
        cache.asMap().putIfAbsent(id, Entry.of(Data.attributes(k.write()), System.currentTimeMillis()));
        return cache.asMap().remove(id) != null;
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) {
        return k.read() ? get(k) : put(k);
    }
}
