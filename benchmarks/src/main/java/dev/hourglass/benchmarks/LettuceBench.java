package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Raw baseline for the Redis store: lettuce synchronous commands on one shared connection, one
 * hash per session in the store's field layout (attribute fields plus 0xFF-prefixed expires,
 * created, accessed and version fields as decimal text) with PEXPIRE. Reads are HGETALL; every
 * write is one EVALSHA of the smallest script doing the same change (no expiry index).
 * {@code getAll} sends 100 HGETALLs pipelined on the async API.
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
public class LettuceBench {

    static final int BATCH = 100;
    private static final byte[] PREFIX = "raw:s:".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EXPIRES = {(byte) 0xFF, 'e'};
    private static final byte[] CREATED = {(byte) 0xFF, 'c'};
    private static final byte[] ACCESSED = {(byte) 0xFF, 'a'};
    private static final byte[] VERSION = {(byte) 0xFF, 'v'};

    private static final String PUT = "redis.call('DEL', KEYS[1]) redis.call('HSET', KEYS[1], unpack(ARGV, 2)) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1";
    private static final String CREATE = "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end "
            + "redis.call('HSET', KEYS[1], unpack(ARGV, 2)) redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1";
    private static final String TOUCH = "if redis.call('EXISTS', KEYS[1]) == 0 then return nil end "
            + "redis.call('HSET', KEYS[1], '\\255a', ARGV[2], '\\255e', ARGV[3]) redis.call('PEXPIRE', KEYS[1], ARGV[1]) "
            + "if ARGV[4] == '1' then return redis.call('HGETALL', KEYS[1]) end return {}";
    private static final String MERGE = "if redis.call('EXISTS', KEYS[1]) == 0 then return nil end "
            + "redis.call('HSET', KEYS[1], unpack(ARGV)) redis.call('HINCRBY', KEYS[1], '\\255v', 1) "
            + "return redis.call('HGETALL', KEYS[1])";
    private static final String CAS = "local v = redis.call('HGET', KEYS[1], '\\255v') "
            + "if v ~= ARGV[1] then return nil end redis.call('HSET', KEYS[1], unpack(ARGV, 2)) "
            + "return redis.call('HINCRBY', KEYS[1], '\\255v', 1)";

    private final AtomicLong versions = new AtomicLong();
    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private RedisCommands<byte[], byte[]> redis;
    private RedisAsyncCommands<byte[], byte[]> async;
    private String put;
    private String create;
    private String touch;
    private String merge;
    private String cas;

    @Setup(Level.Trial)
    public void setup() {
        client = RedisClient.create(RedisURI.create(Servers.redis()));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        redis = connection.sync();
        async = connection.async();
        put = redis.scriptLoad(PUT);
        create = redis.scriptLoad(CREATE);
        touch = redis.scriptLoad(TOUCH);
        merge = redis.scriptLoad(MERGE);
        cas = redis.scriptLoad(CAS);
        byte[] marker = key("populated-marker");
        if (redis.exists(marker) == 0) {
            long t0 = System.nanoTime();
            long now = System.currentTimeMillis();
            List<RedisFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < Data.KEYS; i++) {
                byte[][] args = writeArgs(Data.attributes(i), now, versions.incrementAndGet());
                byte[] key = key(Data.id(i));
                pending.add(async.evalsha(put, ScriptOutputType.INTEGER, new byte[][] {key}, args));
                if (pending.size() == 1_000) {
                    pending.forEach(f -> f.toCompletableFuture().join());
                    pending.clear();
                }
            }
            pending.forEach(f -> f.toCompletableFuture().join());
            redis.set(marker, new byte[] {'1'});
            System.out.printf(
                    "# populated raw redis with %,d sessions in %.1f s%n", Data.KEYS, (System.nanoTime() - t0) / 1e9);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        connection.close();
        client.shutdown();
    }

    static byte[] key(String id) {
        byte[] raw = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[PREFIX.length + raw.length];
        System.arraycopy(PREFIX, 0, key, 0, PREFIX.length);
        System.arraycopy(raw, 0, key, PREFIX.length, raw.length);
        return key;
    }

    static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** PTTL, then the hash's field/value pairs: attributes, expires, created, accessed, version. */
    static byte[][] writeArgs(Attributes attributes, long now, long version) {
        byte[][] args = new byte[1 + 2 * attributes.size() + 8][];
        args[0] = ascii(Data.TTL_MILLIS);
        int i = 1;
        for (String name : attributes.names()) {
            args[i++] = name.getBytes(StandardCharsets.UTF_8);
            args[i++] = attributes.getBytes(name);
        }
        args[i++] = EXPIRES;
        args[i++] = ascii(now + Data.TTL_MILLIS);
        args[i++] = CREATED;
        args[i++] = ascii(now);
        args[i++] = ACCESSED;
        args[i++] = ascii(now);
        args[i++] = VERSION;
        args[i] = ascii(version);
        return args;
    }

    static Entry decode(Map<byte[], byte[]> hash, long now) {
        if (hash == null || hash.isEmpty()) {
            return null;
        }
        Map<String, byte[]> attributes = new LinkedHashMap<>(hash.size() * 2);
        long expires = 0;
        long created = 0;
        long accessed = 0;
        long version = 0;
        for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
            byte[] name = e.getKey();
            if (name.length == 2 && name[0] == (byte) 0xFF) {
                long v = Long.parseLong(new String(e.getValue(), StandardCharsets.US_ASCII));
                switch (name[1]) {
                    case 'e' -> expires = v;
                    case 'c' -> created = v;
                    case 'a' -> accessed = v;
                    case 'v' -> version = v;
                    default -> {}
                }
            } else {
                attributes.put(new String(name, StandardCharsets.UTF_8), e.getValue());
            }
        }
        return expires > now ? new Entry(Attributes.bytes(attributes), created, accessed, expires, version) : null;
    }

    static Entry decode(List<Object> flat, long now) {
        if (flat == null || flat.isEmpty()) {
            return null;
        }
        Map<byte[], byte[]> hash = new LinkedHashMap<>(flat.size());
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            hash.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
        }
        return decode(hash, now);
    }

    @Benchmark
    public Entry get(Keys k) {
        return decode(redis.hgetall(key(k.nextId())), System.currentTimeMillis());
    }

    @Benchmark
    public long put(Keys k) {
        long now = System.currentTimeMillis();
        return redis.evalsha(
                put,
                ScriptOutputType.INTEGER,
                new byte[][] {key(k.nextId())},
                writeArgs(Data.attributes(k.write()), now, versions.incrementAndGet()));
    }

    @Benchmark
    public boolean touch(Keys k) {
        long now = System.currentTimeMillis();
        List<Object> r = redis.evalsha(
                touch,
                ScriptOutputType.MULTI,
                new byte[][] {key(k.nextId())},
                ascii(Data.TTL_MILLIS),
                ascii(now),
                ascii(now + Data.TTL_MILLIS),
                new byte[] {'0'});
        return r != null;
    }

    @Benchmark
    public Entry getAndTouch(Keys k) {
        long now = System.currentTimeMillis();
        List<Object> r = redis.evalsha(
                touch,
                ScriptOutputType.MULTI,
                new byte[][] {key(k.nextId())},
                ascii(Data.TTL_MILLIS),
                ascii(now),
                ascii(now + Data.TTL_MILLIS),
                new byte[] {'1'});
        return decode(r, now);
    }

    @Benchmark
    public Entry merge(Keys k) {
        Attributes set = Data.merge(k.write());
        byte[][] args = new byte[2 * set.size()][];
        int i = 0;
        for (String name : set.names()) {
            args[i++] = name.getBytes(StandardCharsets.UTF_8);
            args[i++] = set.getBytes(name);
        }
        List<Object> r = redis.evalsha(merge, ScriptOutputType.MULTI, new byte[][] {key(k.nextId())}, args);
        return decode(r, System.currentTimeMillis());
    }

    @Benchmark
    public Long update(Keys k) {
        byte[] key = key(k.nextId());
        Attributes set = Data.merge(k.write());
        while (true) {
            Entry e = decode(redis.hgetall(key), System.currentTimeMillis());
            if (e == null) {
                return null;
            }
            Attributes next = e.attributes().withAll(set);
            byte[][] args = new byte[1 + 2 * next.size()][];
            args[0] = ascii(e.version());
            int i = 1;
            for (String name : next.names()) {
                args[i++] = name.getBytes(StandardCharsets.UTF_8);
                args[i++] = next.getBytes(name);
            }
            Long v = redis.evalsha(cas, ScriptOutputType.INTEGER, new byte[][] {key}, args);
            if (v != null) {
                return v;
            }
        }
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        long now = System.currentTimeMillis();
        byte[] key = key(Entry.newId());
        redis.evalsha(
                create,
                ScriptOutputType.INTEGER,
                new byte[][] {key},
                writeArgs(Data.attributes(k.write()), now, versions.incrementAndGet()));
        return redis.del(key) == 1L;
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) {
        return k.read() ? get(k) : put(k);
    }

    /** {@value #BATCH} reads pipelined on the async API, counted as {@value #BATCH} operations. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int getAll(Keys k) {
        List<RedisFuture<Map<byte[], byte[]>>> futures = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            futures.add(async.hgetall(key(k.nextId())));
        }
        long now = System.currentTimeMillis();
        int found = 0;
        for (RedisFuture<Map<byte[], byte[]>> f : futures) {
            if (decode(f.toCompletableFuture().join(), now) != null) {
                found++;
            }
        }
        return found;
    }
}
