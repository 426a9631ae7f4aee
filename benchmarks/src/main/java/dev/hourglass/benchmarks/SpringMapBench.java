package dev.hourglass.benchmarks;

import dev.hourglass.Codecs;
import java.time.Instant;
import java.util.Map;
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
import org.springframework.session.MapSession;
import org.springframework.session.MapSessionRepository;

/**
 * Peer of the memory store: Spring Session's MapSessionRepository. Spring Session has no touch,
 * merge or compare-and-set: its getAndTouch is load-touch-save and its merge is load-set-save
 * (not atomic); update has no equivalent.
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
public class SpringMapBench {

    private MapSessionRepository repository;

    @Setup(Level.Trial)
    public void setup() {
        repository = new MapSessionRepository(new ConcurrentHashMap<>(Data.KEYS * 2));
        repository.setDefaultMaxInactiveInterval(Data.TTL);
        for (int i = 0; i < Data.KEYS; i++) {
            repository.save(session(Data.id(i), i));
        }
    }

    static MapSession session(String id, int n) {
        MapSession s = new MapSession(id);
        s.setMaxInactiveInterval(Data.TTL);
        for (Map.Entry<String, byte[]> e : Data.map(n).entrySet()) {
            s.setAttribute(e.getKey(), e.getValue());
        }
        return s;
    }

    @Benchmark
    public MapSession get(Keys k) {
        return repository.findById(k.nextId());
    }

    @Benchmark
    public MapSession put(Keys k) {
        MapSession s = session(k.nextId(), k.write());
        repository.save(s);
        return s;
    }

    @Benchmark
    public MapSession getAndTouch(Keys k) {
        MapSession s = repository.findById(k.nextId());
        if (s != null) {
            s.setLastAccessedTime(Instant.now());
            repository.save(s);
        }
        return s;
    }

    @Benchmark
    public MapSession merge(Keys k) {
        MapSession s = repository.findById(k.nextId());
        if (s != null) {
            Data.merge(k.write()).toMap(Codecs.bytes()).forEach(s::setAttribute);
            repository.save(s);
        }
        return s;
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        MapSession s = repository.createSession();
        Data.map(k.write()).forEach(s::setAttribute);
        repository.save(s);
        repository.deleteById(s.getId());
        return true;
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) {
        return k.read() ? get(k) : put(k);
    }
}
