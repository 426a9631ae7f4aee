package dev.hourglass.benchmarks;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.redisson.Redisson;
import org.redisson.api.RBatch;
import org.redisson.api.RMapCache;
import org.redisson.api.RMapCacheAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;
import org.redisson.config.Config;

/**
 * Peer of the Redis store: Redisson's RMapCache, one map entry per session holding the attributes
 * in the store's blob form ({@link Attributes#toBytes()}), with a per-entry TTL. RMapCache has no
 * merge, compare-and-set or get-and-touch; touch is updateEntryExpiration.
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
public class RedissonBench {

    /** Connections in Redisson's pool, its own default: a command holds one until its reply. */
    static final int POOL_SIZE = 64;

    private RedissonClient client;
    private RMapCache<String, byte[]> map;

    @Setup(Level.Trial)
    public void setup() {
        Config config = new Config();
        config.useSingleServer().setAddress(Servers.redis()).setConnectionPoolSize(POOL_SIZE);
        config.setCodec(new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE));
        client = Redisson.create(config);
        map = client.getMapCache("redisson-sessions");
        String marker = "populated-marker";
        if (!map.containsKey(marker)) {
            long t0 = System.nanoTime();
            for (int first = 0; first < Data.KEYS; first += 1_000) {
                RBatch batch = client.createBatch();
                RMapCacheAsync<String, byte[]> async = batch.getMapCache(map.getName());
                for (int i = first; i < Math.min(Data.KEYS, first + 1_000); i++) {
                    async.fastPutAsync(Data.id(i), Data.bytes(i), Data.TTL_SECONDS, TimeUnit.SECONDS);
                }
                batch.execute();
            }
            map.fastPut(marker, new byte[0], Data.TTL_SECONDS, TimeUnit.SECONDS);
            System.out.printf(
                    "# populated Redisson RMapCache with %,d sessions in %.1f s%n",
                    Data.KEYS, (System.nanoTime() - t0) / 1e9);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.shutdown();
    }

    @Benchmark
    public Attributes get(Keys k) {
        byte[] b = map.get(k.nextId());
        return b == null ? null : Attributes.fromBytes(b);
    }

    @Benchmark
    public boolean put(Keys k) {
        return map.fastPut(k.nextId(), Data.bytes(k.write()), Data.TTL_SECONDS, TimeUnit.SECONDS);
    }

    @Benchmark
    public boolean touch(Keys k) {
        return map.updateEntryExpiration(k.nextId(), Data.TTL_SECONDS, TimeUnit.SECONDS, 0, TimeUnit.SECONDS);
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        String id = Entry.newId();
        map.fastPutIfAbsent(id, Data.bytes(k.write()), Data.TTL_SECONDS, TimeUnit.SECONDS);
        return map.fastRemove(id) == 1;
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) {
        return k.read() ? get(k) : put(k);
    }
}
