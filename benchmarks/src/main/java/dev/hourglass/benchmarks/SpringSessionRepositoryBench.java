package dev.hourglass.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.spring.session.HourglassSessionRepository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The same Spring Session calls through each repository an application could configure: Hourglass's
 * {@link HourglassSessionRepository} over the Redis and the PostgreSQL store, Spring Session's
 * {@link RedisIndexedSessionRepository} (the Redis repository with the principal index and session
 * events, as the Hourglass one has) and {@link JdbcIndexedSessionRepository}, on the same private
 * servers. Each repository keeps its defaults: Hourglass writes attribute values as JSON, Spring
 * Session with Java serialization. Every fork first saves {@value #SESSIONS} sessions through the
 * repository under test, two per principal (principal names unique to the fork), then measures:
 *
 * <ul>
 *   <li>{@code save}: createSession, the eight attributes and the principal set, save (a new session);
 *   <li>{@code findById}: one existing session read (Hourglass touches it in the same call);
 *   <li>{@code loadTouchSave}: findById, one attribute set, save (a request that changes the session);
 *   <li>{@code findByPrincipalName}: a principal's two sessions.
 * </ul>
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
public class SpringSessionRepositoryBench {

    static final int SESSIONS = 2_000;
    private static final String TABLE = "SSB_SESSION";

    @Param({"hourglass-redis", "spring-redis-indexed", "hourglass-postgresql", "spring-jdbc-postgresql"})
    public String subject;

    private Store store;
    private LettuceConnectionFactory factory;
    private HikariDataSource pool;
    private JdbcIndexedSessionRepository jdbc;
    private FindByIndexNameSessionRepository<Session> repository;
    private final String[] ids = new String[SESSIONS];
    private final String principals = "p" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Setup(Level.Trial)
    public void setup() throws IOException {
        switch (subject) {
            case "hourglass-redis" -> repository = hourglass(Servers.redis() + "/0?prefix=ssb:");
            case "hourglass-postgresql" ->
                repository = hourglass(Servers.database("postgresql").urlWithCredentials() + "&tablePrefix=ssb_");
            case "spring-redis-indexed" -> repository = springRedis();
            case "spring-jdbc-postgresql" -> repository = springJdbc();
            default -> throw new IllegalArgumentException("no subject '" + subject + "'");
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < SESSIONS; i++) {
            ids[i] = create(i).getId();
        }
        System.out.printf("# %s: saved %,d sessions in %.1f s%n", subject, SESSIONS, (System.nanoTime() - t0) / 1e9);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private FindByIndexNameSessionRepository<Session> hourglass(String uri) {
        store = Hourglass.open(uri, Subjects.defaults().build());
        HourglassSessionRepository r = HourglassSessionRepository.builder(store)
                .maxInactiveInterval(Data.TTL)
                .eventPublisher(event -> {})
                .build();
        return (FindByIndexNameSessionRepository) r;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private FindByIndexNameSessionRepository<Session> springRedis() {
        factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(Servers.redisHost(), Servers.redisPort()));
        factory.afterPropertiesSet();
        factory.start();
        RedisTemplate<String, Object> template = new RedisTemplate<>();
        template.setConnectionFactory(factory);
        template.setKeySerializer(RedisSerializer.string());
        template.setHashKeySerializer(RedisSerializer.string());
        template.afterPropertiesSet();
        RedisIndexedSessionRepository r = new RedisIndexedSessionRepository(template);
        r.setRedisKeyNamespace("ssb:spring");
        r.setDefaultMaxInactiveInterval(Data.TTL);
        r.setApplicationEventPublisher(event -> {});
        return (FindByIndexNameSessionRepository) r;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private FindByIndexNameSessionRepository<Session> springJdbc() throws IOException {
        Servers.Database database = Servers.database("postgresql");
        pool = Jdbc.pool(database, "ssb-spring-postgresql");
        if (!Jdbc.tableExists(pool, TABLE)) {
            try (InputStream in = JdbcIndexedSessionRepository.class.getResourceAsStream("schema-postgresql.sql")) {
                String schema = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("SPRING_SESSION", TABLE);
                for (String statement : schema.split(";")) {
                    if (!statement.isBlank()) {
                        Jdbc.execute(pool, statement);
                    }
                }
            }
        }
        jdbc = new JdbcIndexedSessionRepository(
                new JdbcTemplate(pool), new TransactionTemplate(new DataSourceTransactionManager(pool)));
        jdbc.setTableName(TABLE);
        jdbc.setDefaultMaxInactiveInterval(Data.TTL);
        jdbc.setCleanupCron("-");
        jdbc.afterPropertiesSet();
        return (FindByIndexNameSessionRepository) jdbc;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (repository instanceof AutoCloseable c) {
            c.close();
        }
        if (store != null) {
            store.close();
        }
        if (factory != null) {
            factory.destroy();
        }
        if (jdbc != null) {
            jdbc.destroy();
        }
        if (pool != null) {
            pool.close();
        }
    }

    private Session create(int n) {
        Session s = repository.createSession();
        Data.map(n).forEach(s::setAttribute);
        s.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, principals + (n / 2));
        repository.save(s);
        return s;
    }

    @Benchmark
    public Session save() {
        return create(ThreadLocalRandom.current().nextInt(SESSIONS));
    }

    @Benchmark
    public Session findById() {
        return repository.findById(ids[ThreadLocalRandom.current().nextInt(SESSIONS)]);
    }

    @Benchmark
    public Session loadTouchSave() {
        int n = ThreadLocalRandom.current().nextInt(SESSIONS);
        Session s = repository.findById(ids[n]);
        if (s == null) {
            throw new IllegalStateException("session " + n + " of " + subject + " is gone");
        }
        s.setAttribute(Data.NAMES[3], Data.map(n + 1).get(Data.NAMES[3]));
        repository.save(s);
        return s;
    }

    @Benchmark
    public Map<String, Session> findByPrincipalName() {
        Map<String, Session> found = repository.findByPrincipalName(
                principals + ThreadLocalRandom.current().nextInt(SESSIONS / 2));
        if (found.size() != 2) {
            throw new IllegalStateException(subject + " found " + found.size() + " sessions of a principal, not 2");
        }
        return found;
    }
}
