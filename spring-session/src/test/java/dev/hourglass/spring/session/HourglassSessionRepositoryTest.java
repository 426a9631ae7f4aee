package dev.hourglass.spring.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/** The repository on the in-memory store and on Chronicle, with a fake clock for expiry. */
class HourglassSessionRepositoryTest {

    private static final String PRINCIPAL = FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private Store store;
    private HourglassSessionRepository repository;

    private HourglassSessionRepository open(String engine, SaveMode saveMode, FlushMode flushMode) {
        String uri = engine.equals("chronicle") ? "chronicle:" + dir.resolve("store") : "memory:";
        store = Hourglass.open(
                uri,
                StoreOptions.builder()
                        .clock(clock)
                        .sweeperAutoStart(false)
                        .timeout(Duration.ofSeconds(10))
                        .build());
        repository = HourglassSessionRepository.builder(store)
                .saveMode(saveMode)
                .flushMode(flushMode)
                .eventPublisher(events::add)
                .build();
        return repository;
    }

    private HourglassSessionRepository open(String engine) {
        return open(engine, SaveMode.ON_SET_ATTRIBUTE, FlushMode.ON_SAVE);
    }

    @AfterEach
    void close() {
        if (repository != null) {
            repository.close();
        }
        if (store != null) {
            store.close();
        }
    }

    record Cart(String owner, List<String> items, long total) {}

    @ParameterizedTest
    @ValueSource(strings = {"memory", "chronicle"})
    void aSavedSessionReadsBackWithItsValuesAndTypes(String engine) {
        HourglassSessionRepository r = open(engine);
        HourglassSession s = r.createSession();
        s.setAttribute("text", "hello");
        s.setAttribute("count", 42L);
        s.setAttribute("small", 7);
        s.setAttribute("cart", new Cart("alice", List.of("book", "pen"), 1250L));
        s.setAttribute("map", Map.of("k", List.of(1, 2)));
        r.save(s);

        HourglassSession back = r.findById(s.getId());
        assertThat(back).isNotNull();
        assertThat(back.getAttributeNames()).containsExactlyInAnyOrder("text", "count", "small", "cart", "map");
        assertThat((String) back.getAttribute("text")).isEqualTo("hello");
        assertThat((Long) back.getAttribute("count")).isEqualTo(42L);
        assertThat((Integer) back.getAttribute("small")).isEqualTo(7);
        assertThat((Cart) back.getAttribute("cart")).isEqualTo(new Cart("alice", List.of("book", "pen"), 1250L));
        assertThat((Map<?, ?>) back.getAttribute("map")).isEqualTo(Map.of("k", List.of(1, 2)));
        assertThat(back.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(events).hasSize(1).first().isInstanceOf(SessionCreatedEvent.class);
        assertThat(((SessionCreatedEvent) events.get(0)).getSessionId()).isEqualTo(s.getId());

        assertThat(r.findById("no-such-session")).isNull();
        assertThat(r.findById("bad\u0000id")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "chronicle"})
    void findByIdTouchesAndASessionExpiresAfterItsInterval(String engine) {
        HourglassSessionRepository r = open(engine);
        HourglassSession s = r.createSession();
        s.setMaxInactiveInterval(Duration.ofMinutes(5));
        s.setAttribute("a", "1");
        r.save(s);
        clock.advance(Duration.ofMinutes(4));
        assertThat(r.findById(s.getId()))
                .as("read within the interval, which extends it")
                .isNotNull();
        clock.advance(Duration.ofMinutes(4));
        HourglassSession again = r.findById(s.getId());
        assertThat(again).isNotNull();
        assertThat(again.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5));
        assertThat(r.findById(s.getId())).isNull();
        store.sweeper().orElseThrow().runNow();
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .isInstanceOfSatisfying(
                                SessionExpiredEvent.class,
                                x -> assertThat(x.getSessionId()).isEqualTo(s.getId())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "chronicle"})
    void removedAttributesStayRemovedAndDeleteIsPublished(String engine) {
        HourglassSessionRepository r = open(engine);
        HourglassSession s = r.createSession();
        s.setAttribute("a", "1");
        s.setAttribute("b", "2");
        r.save(s);
        HourglassSession loaded = r.findById(s.getId());
        loaded.removeAttribute("a");
        loaded.setAttribute("b", null);
        loaded.setAttribute("c", "3");
        r.save(loaded);
        assertThat(r.findById(s.getId()).getAttributeNames()).containsExactly("c");
        r.deleteById(s.getId());
        assertThat(r.findById(s.getId())).isNull();
        assertThat(events).filteredOn(e -> e instanceof SessionDeletedEvent).hasSize(1);
        r.deleteById(s.getId());
        assertThat(events).filteredOn(e -> e instanceof SessionDeletedEvent).hasSize(1);
    }

    /** Two requests of one session save different attributes: both survive, in every save mode. */
    @ParameterizedTest
    @EnumSource(SaveMode.class)
    void concurrentRequestsKeepEachOthersAttributes(SaveMode mode) {
        HourglassSessionRepository r = open("memory", mode, FlushMode.ON_SAVE);
        HourglassSession s = r.createSession();
        s.setAttribute("shared", "x");
        r.save(s);
        HourglassSession first = r.findById(s.getId());
        HourglassSession second = r.findById(s.getId());
        first.getAttribute("shared");
        second.getAttribute("shared");
        first.setAttribute("fromFirst", "1");
        second.setAttribute("fromSecond", "2");
        r.save(first);
        r.save(second);
        HourglassSession back = r.findById(s.getId());
        assertThat(back.getAttributeNames()).containsExactlyInAnyOrder("shared", "fromFirst", "fromSecond");
    }

    /** 40 threads, each a request that loads the session, sets its own attribute and saves (ALWAYS). */
    @ParameterizedTest
    @ValueSource(strings = {"memory", "chronicle"})
    void fortyConcurrentAttributeWritesLoseNoneWithSaveModeAlways(String engine) throws Exception {
        HourglassSessionRepository r = open(engine, SaveMode.ALWAYS, FlushMode.ON_SAVE);
        HourglassSession s = r.createSession();
        s.setAttribute("start", "0");
        r.save(s);
        int n = 40;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CyclicBarrier barrier = new CyclicBarrier(n);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    HourglassSession mine = r.findById(s.getId());
                    barrier.await();
                    mine.setAttribute("attr-" + k, k);
                    r.save(mine);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        HourglassSession back = r.findById(s.getId());
        assertThat(back.getAttributeNames()).hasSize(n + 1);
        for (int i = 0; i < n; i++) {
            assertThat((Integer) back.getAttribute("attr-" + i)).isEqualTo(i);
        }
    }

    /** A value read and changed in place is written back with ON_GET_ATTRIBUTE and ALWAYS only. */
    @ParameterizedTest
    @EnumSource(SaveMode.class)
    void saveModesDecideWhatIsWrittenBack(SaveMode mode) {
        HourglassSessionRepository r = open("memory", mode, FlushMode.ON_SAVE);
        HourglassSession s = r.createSession();
        s.setAttribute("list", new ArrayList<>(List.of("a")));
        r.save(s);
        HourglassSession loaded = r.findById(s.getId());
        List<String> list = loaded.getAttribute("list");
        list.add("b");
        r.save(loaded);
        List<String> back = r.findById(s.getId()).getAttribute("list");
        assertThat(back).isEqualTo(mode == SaveMode.ON_SET_ATTRIBUTE ? List.of("a") : List.of("a", "b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "chronicle"})
    void immediateFlushWritesEachChangeAtOnce(String engine) {
        HourglassSessionRepository r = open(engine, SaveMode.ON_SET_ATTRIBUTE, FlushMode.IMMEDIATE);
        HourglassSession s = r.createSession();
        assertThat(r.findById(s.getId())).as("created at once").isNotNull();
        s.setAttribute("a", "1");
        assertThat((String) r.findById(s.getId()).getAttribute("a")).isEqualTo("1");
        s.removeAttribute("a");
        assertThat(r.findById(s.getId()).getAttributeNames()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "chronicle"})
    void findByPrincipalNameFollowsTheIndexAndNeverListsAnExpiredSession(String engine) {
        HourglassSessionRepository r = open(engine);
        HourglassSession a = r.createSession();
        a.setAttribute(PRINCIPAL, "alice");
        r.save(a);
        HourglassSession b = r.createSession();
        b.setMaxInactiveInterval(Duration.ofMinutes(1));
        b.setAttribute(PRINCIPAL, "alice");
        r.save(b);
        HourglassSession c = r.createSession();
        c.setAttribute(PRINCIPAL, "carol");
        r.save(c);

        assertThat(r.findByPrincipalName("alice")).containsOnlyKeys(a.getId(), b.getId());
        assertThat(r.findByPrincipalName("carol")).containsOnlyKeys(c.getId());
        assertThat(r.findByIndexNameAndIndexValue("other", "alice")).isEmpty();

        clock.advance(Duration.ofSeconds(61));
        assertThat(r.findByPrincipalName("alice"))
                .as("b expired, not yet swept")
                .containsOnlyKeys(a.getId());

        HourglassSession moved = r.findById(c.getId());
        moved.setAttribute(PRINCIPAL, "alice");
        r.save(moved);
        assertThat(r.findByPrincipalName("carol")).isEmpty();
        assertThat(r.findByPrincipalName("alice")).containsOnlyKeys(a.getId(), c.getId());

        String oldId = a.getId();
        HourglassSession renamed = r.findById(oldId);
        String newId = renamed.changeSessionId();
        r.save(renamed);
        assertThat(r.findById(oldId)).isNull();
        assertThat(r.findByPrincipalName("alice")).containsOnlyKeys(newId, c.getId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "chronicle"})
    void thePrincipalOfASpringSecurityContextIsIndexed(String engine) {
        store = Hourglass.open(
                engine.equals("chronicle") ? "chronicle:" + dir.resolve("sec") : "memory:",
                StoreOptions.builder().clock(clock).sweeperAutoStart(false).build());
        repository = HourglassSessionRepository.builder(store)
                .serializer(AttributeSerializer.jdk())
                .build();
        HourglassSession s = repository.createSession();
        s.setAttribute(
                HourglassSessionRepository.SECURITY_CONTEXT,
                new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated(
                        "bob", null, AuthorityUtils.createAuthorityList("ROLE_USER"))));
        repository.save(s);
        Map<String, HourglassSession> found = repository.findByPrincipalName("bob");
        assertThat(found).containsOnlyKeys(s.getId());
        SecurityContextImpl back = found.get(s.getId()).getAttribute(HourglassSessionRepository.SECURITY_CONTEXT);
        assertThat(back.getAuthentication().getName()).isEqualTo("bob");

        HourglassSession out = repository.findById(s.getId());
        out.removeAttribute(HourglassSessionRepository.SECURITY_CONTEXT);
        repository.save(out);
        assertThat(repository.findByPrincipalName("bob")).isEmpty();
    }
}
