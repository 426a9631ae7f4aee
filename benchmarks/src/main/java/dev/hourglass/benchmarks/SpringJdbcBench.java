package dev.hourglass.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.Codecs;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
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
import org.openjdk.jmh.annotations.Threads;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.serializer.support.SerializingConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Peer of the JDBC store: Spring Session's JdbcIndexedSessionRepository with its own schema and
 * its default JDK serialization of attribute values, on a HikariCP pool of the same settings as
 * the raw baseline. put saves a new session (a fresh id: the repository cannot overwrite an id);
 * getAndTouch is load-touch-save; merge is load-set-save. Its cleanup job is off, as the store's
 * sweeper is during these runs.
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
public class SpringJdbcBench {

    @Param({"mariadb", "postgresql"})
    public String db;

    private HikariDataSource pool;
    private JdbcIndexedSessionRepository jdbc;
    private SessionRepository<Session> repository;

    @Setup(Level.Trial)
    public void setup() throws SQLException {
        Servers.Database database = Servers.database(db);
        pool = Jdbc.pool(database, "spring-" + db);
        if (!Jdbc.tableExists(pool, "SPRING_SESSION")) {
            new ResourceDatabasePopulator(new ClassPathResource("org/springframework/session/jdbc/schema-"
                            + (database.mysql() ? "mysql" : "postgresql") + ".sql"))
                    .execute(pool);
        }
        jdbc = new JdbcIndexedSessionRepository(
                new JdbcTemplate(pool), new TransactionTemplate(new DataSourceTransactionManager(pool)));
        jdbc.setDefaultMaxInactiveInterval(Data.TTL);
        jdbc.setCleanupCron("-");
        jdbc.afterPropertiesSet();
        @SuppressWarnings({"unchecked", "rawtypes"})
        SessionRepository<Session> typed = (SessionRepository) jdbc;
        repository = typed;
        if (repository.findById("populated-marker") == null) {
            populate(database);
        }
    }

    /**
     * Writes the sessions in Spring Session's own rows and serialization with batched inserts
     * (saving 100,000 sessions one by one through the repository takes minutes).
     */
    private void populate(Servers.Database database) throws SQLException {
        long t0 = System.nanoTime();
        SerializingConverter serializer = new SerializingConverter();
        long now = System.currentTimeMillis();
        String[] primary = new String[Data.KEYS + 1];
        for (int i = 0; i <= Data.KEYS; i++) {
            primary[i] = UUID.nameUUIDFromBytes(("spring-" + i).getBytes(StandardCharsets.UTF_8))
                    .toString();
        }
        try (Connection c = Jdbc.bulk(database)) {
            if (database.mysql()) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET unique_checks = 0, foreign_key_checks = 0");
                }
                try (PreparedStatement session =
                                c.prepareStatement("INSERT INTO SPRING_SESSION (PRIMARY_ID, SESSION_ID,"
                                        + " CREATION_TIME, LAST_ACCESS_TIME, MAX_INACTIVE_INTERVAL, EXPIRY_TIME, PRINCIPAL_NAME)"
                                        + " VALUES (?, ?, ?, ?, ?, ?, NULL)");
                        PreparedStatement attribute = c.prepareStatement("INSERT INTO SPRING_SESSION_ATTRIBUTES"
                                + " (SESSION_PRIMARY_ID, ATTRIBUTE_NAME, ATTRIBUTE_BYTES) VALUES (?, ?, ?)")) {
                    c.setAutoCommit(false);
                    for (int i = 0; i <= Data.KEYS; i++) {
                        session.setString(1, primary[i]);
                        session.setString(2, i < Data.KEYS ? Data.id(i) : "populated-marker");
                        session.setLong(3, now);
                        session.setLong(4, now);
                        session.setInt(5, Data.TTL_SECONDS);
                        session.setLong(6, now + Data.TTL_MILLIS);
                        session.addBatch();
                        for (Map.Entry<String, byte[]> e : Data.map(i).entrySet()) {
                            attribute.setString(1, primary[i]);
                            attribute.setString(2, e.getKey());
                            attribute.setBytes(3, serializer.convert(e.getValue()));
                            attribute.addBatch();
                        }
                        if (i % 500 == 499 || i == Data.KEYS) {
                            session.executeBatch();
                            attribute.executeBatch();
                            c.commit();
                        }
                    }
                    c.setAutoCommit(true);
                }
                try (Statement st = c.createStatement()) {
                    st.execute("SET unique_checks = 1, foreign_key_checks = 1");
                }
            } else {
                Jdbc.copy(
                        c,
                        "COPY SPRING_SESSION (PRIMARY_ID, SESSION_ID, CREATION_TIME, LAST_ACCESS_TIME,"
                                + " MAX_INACTIVE_INTERVAL, EXPIRY_TIME) FROM STDIN",
                        Data.KEYS + 1,
                        (i, sb) -> sb.append(primary[i])
                                .append('\t')
                                .append(i < Data.KEYS ? Data.id(i) : "populated-marker")
                                .append('\t')
                                .append(now)
                                .append('\t')
                                .append(now)
                                .append('\t')
                                .append(Data.TTL_SECONDS)
                                .append('\t')
                                .append(now + Data.TTL_MILLIS)
                                .append('\n'));
                Jdbc.copy(
                        c,
                        "COPY SPRING_SESSION_ATTRIBUTES (SESSION_PRIMARY_ID, ATTRIBUTE_NAME, ATTRIBUTE_BYTES) FROM STDIN",
                        Data.KEYS + 1,
                        (i, sb) -> {
                            for (Map.Entry<String, byte[]> e : Data.map(i).entrySet()) {
                                sb.append(primary[i])
                                        .append('\t')
                                        .append(e.getKey())
                                        .append('\t');
                                Jdbc.bytea(sb, serializer.convert(e.getValue()));
                                sb.append('\n');
                            }
                        });
            }
            Jdbc.analyze(c, database.mysql(), "SPRING_SESSION", "SPRING_SESSION_ATTRIBUTES");
        }
        System.out.printf(
                "# populated Spring Session %s with %,d sessions in %.1f s%n",
                db, Data.KEYS, (System.nanoTime() - t0) / 1e9);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jdbc.destroy();
        pool.close();
    }

    @Benchmark
    public Session get(Keys k) {
        return repository.findById(k.nextId());
    }

    @Benchmark
    public Session put(Keys k) {
        Session s = repository.createSession();
        Data.map(k.write()).forEach(s::setAttribute);
        repository.save(s);
        return s;
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
