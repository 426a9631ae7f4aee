package dev.hourglass.benchmarks;

import dev.hourglass.Codecs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;

/**
 * Peer of the Redis store: Spring Session's RedisSessionRepository (its default, non-indexed
 * repository) on Spring Data Redis over lettuce, with its default JDK serialization of attribute
 * values. put writes a whole new session under the chosen id (createSession with that id, set
 * the attributes, save); getAndTouch is load-touch-save; merge is load-set-save, not atomic.
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
public class SpringRedisBench {

    private LettuceConnectionFactory factory;
    private SessionRepository<Session> repository;
    private final ChosenIds ids = new ChosenIds();

    @Setup(Level.Trial)
    public void setup() {
        factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(Servers.redisHost(), Servers.redisPort()));
        factory.afterPropertiesSet();
        factory.start();
        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setConnectionFactory(factory);
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.afterPropertiesSet();
        RedisSessionRepository r = new RedisSessionRepository(template);
        r.setDefaultMaxInactiveInterval(Data.TTL);
        r.setSessionIdGenerator(ids);
        @SuppressWarnings({"unchecked", "rawtypes"})
        SessionRepository<Session> typed = (SessionRepository) r;
        repository = typed;
        String marker = "populated-marker";
        if (repository.findById(marker) == null) {
            populate(template);
            save(marker, 0);
        }
    }

    /**
     * Writes what the repository's save writes for a new session (one hash of creationTime,
     * lastAccessedTime, maxInactiveInterval and sessionAttr:* fields, JDK-serialized, then EXPIRE),
     * pipelined: saving 100,000 sessions one by one takes long.
     */
    private static void populate(RedisTemplate<String, Object> template) {
        long t0 = System.nanoTime();
        RedisSerializer<Object> values = RedisSerializer.java();
        long now = System.currentTimeMillis();
        byte[] created = values.serialize(now);
        byte[] ttl = values.serialize(Data.TTL_SECONDS);
        for (int first = 0; first < Data.KEYS; first += 1_000) {
            int from = first;
            template.executePipelined((RedisCallback<Object>) connection -> {
                for (int i = from; i < Math.min(Data.KEYS, from + 1_000); i++) {
                    byte[] key = ("spring:session:sessions:" + Data.id(i)).getBytes(StandardCharsets.UTF_8);
                    Map<byte[], byte[]> hash = new LinkedHashMap<>();
                    hash.put("creationTime".getBytes(StandardCharsets.UTF_8), created);
                    hash.put("maxInactiveInterval".getBytes(StandardCharsets.UTF_8), ttl);
                    hash.put("lastAccessedTime".getBytes(StandardCharsets.UTF_8), created);
                    for (Map.Entry<String, byte[]> e : Data.map(i).entrySet()) {
                        hash.put(
                                ("sessionAttr:" + e.getKey()).getBytes(StandardCharsets.UTF_8),
                                values.serialize(e.getValue()));
                    }
                    connection.hashCommands().hMSet(key, hash);
                    connection.keyCommands().expire(key, Data.TTL_SECONDS);
                }
                return null;
            });
        }
        System.out.printf(
                "# populated Spring Session Redis with %,d sessions in %.1f s%n",
                Data.KEYS, (System.nanoTime() - t0) / 1e9);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        factory.destroy();
    }

    private Session save(String id, int n) {
        ids.next(id);
        Session s = repository.createSession();
        Data.map(n).forEach(s::setAttribute);
        repository.save(s);
        return s;
    }

    @Benchmark
    public Session get(Keys k) {
        return repository.findById(k.nextId());
    }

    @Benchmark
    public Session put(Keys k) {
        return save(k.nextId(), k.write());
    }

    @Benchmark
    public Session getAndTouch(Keys k) {
        Session s = repository.findById(k.nextId());
        if (s != null) {
            s.setLastAccessedTime(Instant.now());
            repository.save(s);
        }
        return s;
    }

    @Benchmark
    public Session merge(Keys k) {
        Session s = repository.findById(k.nextId());
        if (s != null) {
            Data.merge(k.write()).toMap(Codecs.bytes()).forEach(s::setAttribute);
            repository.save(s);
        }
        return s;
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        Session s = repository.createSession();
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
