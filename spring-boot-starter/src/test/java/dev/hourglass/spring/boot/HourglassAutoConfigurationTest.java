package dev.hourglass.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.spring.session.HourglassSession;
import dev.hourglass.spring.session.HourglassSessionRepository;
import dev.hourglass.testkit.PostgresServer;
import dev.hourglass.testkit.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SessionRepository;
import org.springframework.session.events.AbstractSessionEvent;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.session.web.http.SessionRepositoryFilter;

/** The auto-configuration in real Boot application contexts, on memory, Chronicle and a private Redis. */
class HourglassAutoConfigurationTest {

    private static RedisServer redis;

    @TempDir
    Path dir;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HourglassAutoConfiguration.class, SessionAutoConfiguration.class));

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** Collects session events, as an application listener would. */
    static final class Events implements ApplicationListener<AbstractSessionEvent> {
        final List<AbstractSessionEvent> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onApplicationEvent(AbstractSessionEvent event) {
            seen.add(event);
        }
    }

    @Test
    void opensTheStoreFromThePropertyAndClosesItWithTheContext() {
        Store[] opened = new Store[1];
        runner.withPropertyValues("hourglass.store=memory:").run(context -> {
            Store store = context.getBean(Store.class);
            opened[0] = store;
            assertThat(store.backend()).isEqualTo("memory");
            assertThat(context.getBean(SessionRepository.class)).isInstanceOf(HourglassSessionRepository.class);
            assertThat(context.getBean(FindByIndexNameSessionRepository.class))
                    .isSameAs(context.getBean(SessionRepository.class));
            HealthIndicator health = context.getBean("hourglassHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("backend", "memory");
        });
        assertThatThrownBy(() -> opened[0].sessions().count()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwn() {
        Store mine = Hourglass.open("memory:");
        try {
            runner.withBean(Store.class, () -> mine)
                    .withBean(MapSessionRepository.class, () -> new MapSessionRepository(new ConcurrentHashMap<>()))
                    .withPropertyValues("hourglass.store=chronicle:" + dir.resolve("unused"))
                    .run(context -> {
                        assertThat(context.getBean(Store.class)).isSameAs(mine);
                        assertThat(context.getBean(SessionRepository.class)).isInstanceOf(MapSessionRepository.class);
                        assertThat(context).doesNotHaveBean(HourglassSessionRepository.class);
                    });
            runner.withPropertyValues("hourglass.store=memory:", "hourglass.session.enabled=false")
                    .run(context -> assertThat(context).doesNotHaveBean(SessionRepository.class));
        } finally {
            mine.close();
        }
    }

    @Test
    void bindsTheSessionPropertiesAndTheApplicationsMeterRegistry() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withPropertyValues(
                        "hourglass.store=memory:",
                        "hourglass.timeout=3s",
                        "hourglass.session.max-inactive-interval=90s",
                        "hourglass.session.save-mode=always",
                        "hourglass.session.serializer=jdk")
                .run(context -> {
                    HourglassSessionRepository repository = context.getBean(HourglassSessionRepository.class);
                    HourglassSession s = repository.createSession();
                    assertThat(s.getMaxInactiveInterval()).isEqualTo(Duration.ofSeconds(90));
                    s.setAttribute("n", 1);
                    repository.save(s);
                    assertThat((Integer) repository.findById(s.getId()).getAttribute("n"))
                            .isEqualTo(1);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("hourglass.operations").meters()).isNotEmpty();
                });
    }

    /** Without Spring Security on the class path (as here) values are JSON unless the property says jdk. */
    @Test
    void valuesAreJsonUnlessSpringSecurityIsPresentOrThePropertySaysOtherwise() {
        ClassLoader loader = getClass().getClassLoader();
        assertThat(HourglassAutoConfiguration.SessionConfiguration.serializer(null, loader))
                .isEqualTo(HourglassProperties.Serializer.JSON);
        assertThat(HourglassAutoConfiguration.SessionConfiguration.serializer(
                        HourglassProperties.Serializer.JDK, loader))
                .isEqualTo(HourglassProperties.Serializer.JDK);
        for (String chosen : List.of("hourglass.session.flush-mode=on-save", "hourglass.session.serializer=jdk")) {
            runner.withPropertyValues("hourglass.store=memory:", chosen).run(context -> {
                HourglassSessionRepository repository = context.getBean(HourglassSessionRepository.class);
                HourglassSession s = repository.createSession();
                s.setAttribute("n", "seven");
                repository.save(s);
                byte[] stored = context.getBean(Store.class)
                        .sessions()
                        .get(s.getId())
                        .orElseThrow()
                        .attributes()
                        .getBytes("s:n");
                if (!chosen.endsWith("jdk")) {
                    assertThat(new String(stored, StandardCharsets.UTF_8)).isEqualTo("\"seven\"");
                } else {
                    assertThat(stored[0]).isEqualTo((byte) 0xAC);
                }
            });
        }
    }

    @Test
    void servletApplicationsGetTheSessionFilter() {
        new WebApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(HourglassAutoConfiguration.class, SessionAutoConfiguration.class))
                .withPropertyValues("hourglass.store=memory:")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(SessionRepositoryFilter.class);
                });
    }

    @Test
    void chronicleSessionsOutliveARestartOfTheApplication() {
        String uri = "hourglass.store=chronicle:" + dir.resolve("sessions");
        String[] id = new String[1];
        runner.withPropertyValues(uri).withBean(Events.class).run(context -> {
            HourglassSessionRepository repository = context.getBean(HourglassSessionRepository.class);
            HourglassSession s = repository.createSession();
            s.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "alice");
            s.setAttribute("cart", List.of("book"));
            repository.save(s);
            id[0] = s.getId();
            assertThat(context.getBean(Events.class).seen).singleElement().isInstanceOf(SessionCreatedEvent.class);
        });
        runner.withPropertyValues(uri).run(context -> {
            HourglassSessionRepository repository = context.getBean(HourglassSessionRepository.class);
            HourglassSession back = repository.findById(id[0]);
            assertThat(back).isNotNull();
            assertThat((List<Object>) back.getAttribute("cart")).containsExactly("book");
            assertThat(repository.findByPrincipalName("alice")).containsOnlyKeys(id[0]);
        });
    }

    /** 40 real threads, each a request setting its own attribute of one session with save mode ALWAYS. */
    @Test
    void fortyConcurrentAttributeWritesLoseNone() {
        runner.withPropertyValues(
                        "hourglass.store=chronicle:" + dir.resolve("race"), "hourglass.session.save-mode=always")
                .run(context -> {
                    HourglassSessionRepository repository = context.getBean(HourglassSessionRepository.class);
                    HourglassSession s = repository.createSession();
                    repository.save(s);
                    int n = 40;
                    ExecutorService pool = Executors.newFixedThreadPool(n);
                    CyclicBarrier barrier = new CyclicBarrier(n);
                    try {
                        List<Future<?>> futures = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            int k = i;
                            futures.add(pool.submit(() -> {
                                HourglassSession request = repository.findById(s.getId());
                                barrier.await();
                                request.setAttribute("attr-" + k, "value-" + k);
                                repository.save(request);
                                return null;
                            }));
                        }
                        for (Future<?> f : futures) {
                            f.get(2, TimeUnit.MINUTES);
                        }
                    } finally {
                        pool.shutdownNow();
                    }
                    HourglassSession back = repository.findById(s.getId());
                    assertThat(back.getAttributeNames()).hasSize(n);
                    for (int i = 0; i < n; i++) {
                        assertThat((String) back.getAttribute("attr-" + i)).isEqualTo("value-" + i);
                    }
                });
    }

    /** On Redis the expiry comes from the store's sweeper and is published as SessionExpiredEvent. */
    @Test
    void redisPublishesExpiryAndFindsByPrincipal() throws Exception {
        runner.withPropertyValues(
                        "hourglass.store=" + redis.uri() + "?prefix=starter" + System.nanoTime() + ":",
                        "hourglass.sweep-interval=200ms",
                        "hourglass.timeout=10s")
                .withBean(Events.class)
                .run(context -> {
                    HourglassSessionRepository repository = context.getBean(HourglassSessionRepository.class);
                    HourglassSession s = repository.createSession();
                    s.setMaxInactiveInterval(Duration.ofSeconds(1));
                    s.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "bob");
                    repository.save(s);
                    assertThat(repository.findByPrincipalName("bob")).containsOnlyKeys(s.getId());
                    Events events = context.getBean(Events.class);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (events.seen.stream().noneMatch(e -> e instanceof SessionExpiredEvent)
                            && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(events.seen)
                            .filteredOn(e -> e instanceof SessionExpiredEvent)
                            .extracting(AbstractSessionEvent::getSessionId)
                            .contains(s.getId());
                    assertThat(repository.findByPrincipalName("bob")).isEmpty();
                    assertThat(repository.findById(s.getId())).isNull();
                });
    }

    /** hourglass.store=jdbc: the store runs over the application's own pool and leaves it open. */
    @Test
    void theKindAloneOpensTheStoreOverTheApplicationsDataSource() throws Exception {
        try (PostgresServer db = PostgresServer.start()) {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(db.jdbcUrl());
            c.setMaximumPoolSize(4);
            try (HikariDataSource pool = new HikariDataSource(c)) {
                StoreOptionsCustomizer prefix = options -> options.property("tablePrefix", "app_");
                String[] id = new String[1];
                // the application closes its pool itself here, after the context: the store must not
                runner.withBean(DataSource.class, () -> pool, bean -> bean.setDestroyMethodName(""))
                        .withBean(StoreOptionsCustomizer.class, () -> prefix)
                        .withPropertyValues("hourglass.store=jdbc")
                        .run(context -> {
                            assertThat(context).hasNotFailed();
                            assertThat(context.getBean(Store.class).backend()).isEqualTo("jdbc:postgresql");
                            HourglassSessionRepository repository = context.getBean(HourglassSessionRepository.class);
                            HourglassSession s = repository.createSession();
                            s.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, "carol");
                            repository.save(s);
                            id[0] = s.getId();
                        });
                assertThat(pool.isClosed()).isFalse();
                assertThat(db.sql("SELECT count(*) FROM app_sessions WHERE id = '" + id[0] + "'"))
                        .isEqualTo("1");
            }
        }
        runner.withPropertyValues("hourglass.store=jdbc").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("no single DataSource bean");
        });
    }

    /** A Redis URI with a ClientResources bean: the store connects on the application's resources. */
    @Test
    void aRedisStoreRunsOnTheApplicationsClientResources() {
        io.lettuce.core.resource.ClientResources resources = io.lettuce.core.resource.DefaultClientResources.create();
        List<Object> connected = new CopyOnWriteArrayList<>();
        resources.eventBus().get().subscribe(e -> {
            if (e instanceof io.lettuce.core.event.connection.ConnectionActivatedEvent) {
                connected.add(e);
            }
        });
        try {
            runner.withBean(
                            io.lettuce.core.resource.ClientResources.class,
                            () -> resources,
                            bean -> bean.setDestroyMethodName(""))
                    .withPropertyValues("hourglass.store=" + redis.uri() + "/0?prefix=resources:")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(Store.class).backend()).isEqualTo("redis");
                        assertThat(context.getBean(Store.class).isHealthy()).isTrue();
                    });
            assertThat(connected)
                    .as("the store's connections were made on the application's resources")
                    .isNotEmpty();
            assertThat(resources.eventExecutorGroup().isShuttingDown())
                    .as("and the store left them running")
                    .isFalse();
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBadStoreUriFailsTheContextNamingTheProblem() {
        runner.withPropertyValues("hourglass.store=nosuchscheme:x").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("nosuchscheme");
        });
    }

    @Test
    void propertiesCarryMetadataForCompletion() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json)
                    .contains("\"hourglass.store\"")
                    .contains("\"hourglass.session.save-mode\"")
                    .contains("URI of the store");
        }
    }
}
