package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * Raw baseline for the Chronicle store: a persisted Chronicle Map of the same entries built with
 * the store's settings for its sessions map, each value a 40-byte header (expires, accessed,
 * version, created, due) and
 * the attributes in {@link Attributes#toBytes()} form, decoded on read exactly as the store must.
 * Every operation uses Chronicle's entry context, the fastest way to use it: get reads the header in
 * place and copies out only the attributes, put does not read back the old value (map.put would),
 * touch and getAndTouch rewrite the header in place under the entry's lock.
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
public class RawChronicleBench {

    private static final int HEADER = Subjects.ChronicleSizing.HEADER;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /**
     * {@code grown}: the map sized as the store sizes its own (created for an eighth, grown in
     * extra tiers); {@code preallocated}: allocated for its whole capacity at once, which shows what
     * walking a segment's tiers costs.
     */
    @Param({"grown", "preallocated"})
    public String layout;

    private boolean grown;
    private Path dir;
    private ChronicleMap<String, byte[]> map;
    private final AtomicLong versions = new AtomicLong();

    @Setup(Level.Trial)
    public void setup() throws IOException {
        grown = layout.equals("grown");
        dir = Subjects.tempDir("hourglass-bench-raw-chronicle");
        map = ChronicleMap.of(String.class, byte[].class)
                .name("raw-sessions")
                .averageKeySize(Subjects.ChronicleSizing.AVERAGE_ID_BYTES)
                .averageValueSize(Subjects.ChronicleSizing.AVERAGE_VALUE)
                .entries(grown ? Subjects.ChronicleSizing.ENTRIES : Subjects.ChronicleSizing.FULL)
                .actualSegments(grown ? Subjects.ChronicleSizing.SEGMENTS : Subjects.ChronicleSizing.FULL_SEGMENTS)
                .maxBloatFactor(grown ? Subjects.ChronicleSizing.MAX_BLOAT : 1.5)
                .checksumEntries(false)
                .skipCloseOnExitHook(true)
                .createPersistedTo(dir.resolve("sessions.cmap").toFile());
        long now = System.currentTimeMillis();
        for (int i = 0; i < Data.KEYS; i++) {
            map.put(Data.id(i), blob(Data.bytes(i), now, now, now + Data.TTL_MILLIS, versions.incrementAndGet()));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        map.close();
        Subjects.deleteTree(dir);
    }

    static byte[] blob(byte[] attributes, long created, long accessed, long expires, long version) {
        byte[] b = new byte[HEADER + attributes.length];
        LONG.set(b, 0, expires);
        LONG.set(b, 8, accessed);
        LONG.set(b, 16, version);
        LONG.set(b, 24, created);
        LONG.set(b, 32, expires);
        System.arraycopy(attributes, 0, b, HEADER, attributes.length);
        return b;
    }

    static Entry decode(byte[] b, long now) {
        if (b == null || (long) LONG.get(b, 0) <= now) {
            return null;
        }
        return new Entry(
                Attributes.fromBytes(b, HEADER, b.length - HEADER),
                (long) LONG.get(b, 24),
                (long) LONG.get(b, 8),
                (long) LONG.get(b, 0),
                (long) LONG.get(b, 16));
    }

    /** Reads the header in place and copies out only the attributes, under the entry's read lock. */
    @Benchmark
    public Entry get(Keys k) {
        long now = System.currentTimeMillis();
        long expires;
        long accessed;
        long version;
        long created;
        byte[] attributes;
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(k.nextId())) {
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            net.openhft.chronicle.hash.Data<byte[]> v = e.value();
            RandomDataInput in = v.bytes();
            long off = v.offset();
            expires = in.readLong(off);
            if (expires <= now) {
                return null;
            }
            accessed = in.readLong(off + 8);
            version = in.readLong(off + 16);
            created = in.readLong(off + 24);
            attributes = new byte[(int) v.size() - HEADER];
            in.read(off + HEADER, attributes, 0, attributes.length);
        }
        return new Entry(Attributes.fromBytes(attributes), created, accessed, expires, version);
    }

    /** Writes the value under the entry's write lock without reading back the old one (as map.put does). */
    @Benchmark
    public byte[] put(Keys k) {
        long now = System.currentTimeMillis();
        byte[] b = blob(Data.bytes(k.write()), now, now, now + Data.TTL_MILLIS, nextVersion());
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(k.nextId())) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e != null) {
                c.replaceValue(e, c.wrapValueAsData(b));
            } else {
                c.insert(c.absentEntry(), c.wrapValueAsData(b));
            }
        }
        return b;
    }

    private long nextVersion() {
        return versions.incrementAndGet();
    }

    @Benchmark
    public boolean touch(Keys k) {
        return touch(k.nextId(), System.currentTimeMillis(), false) != null;
    }

    @Benchmark
    public Entry getAndTouch(Keys k) {
        long now = System.currentTimeMillis();
        return decode(touch(k.nextId(), now, true), now);
    }

    /** Rewrites accessed and expires in place; returns the value (copied when asked) or null. */
    private byte[] touch(String id, long now, boolean copy) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.updateLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            net.openhft.chronicle.hash.Data<byte[]> v = e.value();
            RandomDataInput in = v.bytes();
            long off = v.offset();
            if (in.readLong(off) <= now) {
                return null;
            }
            c.writeLock().lock();
            if (in instanceof RandomDataOutput<?> out) {
                out.writeLong(off, now + Data.TTL_MILLIS);
                out.writeLong(off + 8, now);
                return copy ? v.get() : HEADER_ONLY;
            }
            byte[] b = v.getUsing(null);
            LONG.set(b, 0, now + Data.TTL_MILLIS);
            LONG.set(b, 8, now);
            c.replaceValue(e, c.wrapValueAsData(b));
            return b;
        }
    }

    private static final byte[] HEADER_ONLY = new byte[0];

    @Benchmark
    public Entry merge(Keys k) {
        long now = System.currentTimeMillis();
        Attributes set = Data.merge(k.write());
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(k.nextId())) {
            c.updateLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Entry old = decode(e.value().getUsing(null), now);
            if (old == null) {
                return null;
            }
            Entry next = new Entry(
                    old.attributes().withAll(set), old.createdAt(), old.accessedAt(), old.expiresAt(), nextVersion());
            c.writeLock().lock();
            c.replaceValue(
                    e,
                    c.wrapValueAsData(blob(
                            next.attributes().toBytes(),
                            next.createdAt(),
                            next.accessedAt(),
                            next.expiresAt(),
                            next.version())));
            return next;
        }
    }

    @Benchmark
    public Entry update(Keys k) {
        String id = k.nextId();
        Attributes set = Data.merge(k.write());
        while (true) {
            long now = System.currentTimeMillis();
            byte[] b = map.get(id);
            Entry old = decode(b, now);
            if (old == null) {
                return null;
            }
            Attributes next = old.attributes().withAll(set);
            long version = nextVersion();
            if (map.replace(id, b, blob(next.toBytes(), old.createdAt(), old.accessedAt(), old.expiresAt(), version))) {
                return new Entry(next, old.createdAt(), old.accessedAt(), old.expiresAt(), version);
            }
        }
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        long now = System.currentTimeMillis();
        String id = Entry.newId();
        map.putIfAbsent(id, blob(Data.bytes(k.write()), now, now, now + Data.TTL_MILLIS, nextVersion()));
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.updateLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            c.writeLock().lock();
            c.remove(e);
            return true;
        }
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) {
        return k.read() ? get(k) : put(k);
    }
}
