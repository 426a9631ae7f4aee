package dev.hourglass.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Capability;
import dev.hourglass.Hourglass;
import dev.hourglass.Merge;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session index every backend keeps: sessions found by the value of an indexed attribute
 * ({@link Sessions#INDEX_PREFIX}), kept by each write, gone with the session. A backend's test extends
 * this class and opens a fresh, empty store with the options given.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class IndexContract {

    protected static final Duration HOUR = Duration.ofHours(1);
    private static final String PRINCIPAL = Sessions.INDEX_PREFIX + "principal";
    private static final String TENANT = Sessions.INDEX_PREFIX + "tenant";

    protected final FakeClock clock = new FakeClock();
    protected Store store;
    protected Sessions sessions;

    /** A fresh, empty store opened with exactly these options. */
    protected abstract Store openStore(StoreOptions options);

    /**
     * A URI a second JVM can open naming the store of {@link #openStore}, or null for a store that
     * lives in one process.
     */
    protected abstract String sharedUri();

    protected StoreOptions options() {
        return StoreOptions.builder()
                .clock(clock)
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @BeforeEach
    void openIndexStore() {
        store = openStore(options());
        sessions = store.sessions();
    }

    @AfterEach
    void closeIndexStore() {
        if (store != null) {
            store.close();
        }
    }

    private static Attributes principal(String name) {
        return Attributes.empty().with(PRINCIPAL, name).with("cart", "3 items");
    }

    private Set<String> find(String value) {
        return sessions.findByIndex("principal", value).keySet();
    }

    @Test
    void findsTheSessionsHoldingAValue() {
        Session a1 = sessions.create(principal("alice"), HOUR);
        Session a2 = sessions.create(principal("alice"), HOUR);
        Session b = sessions.create(principal("bob"), HOUR);
        sessions.create(Attributes.empty().with("principal", "alice"), HOUR);

        assertThat(find("alice")).containsExactlyInAnyOrder(a1.id(), a2.id());
        assertThat(find("bob")).containsExactly(b.id());
        assertThat(find("carol")).isEmpty();
        assertThat(find("ALICE")).as("values match exactly").isEmpty();

        Session found = sessions.findByIndex("principal", "bob").get(b.id());
        Session read = sessions.get(b.id()).orElseThrow();
        assertThat(found.attributes()).isEqualTo(read.attributes());
        assertThat(found.version()).isEqualTo(read.version());
        assertThat(found.expiresAt()).isEqualTo(read.expiresAt());
    }

    @Test
    void everyKindOfWriteMovesTheEntry() {
        Session s = sessions.create(principal("alice"), HOUR);
        String id = s.id();

        sessions.merge(id, Merge.set(Attributes.empty().with(PRINCIPAL, "bob")));
        assertThat(find("alice")).isEmpty();
        assertThat(find("bob")).containsExactly(id);

        sessions.merge(id, Merge.set(Attributes.empty().with("cart", "4 items")));
        assertThat(find("bob"))
                .as("a merge of other attributes keeps the entry")
                .containsExactly(id);

        sessions.merge(id, Merge.remove(PRINCIPAL));
        assertThat(find("bob")).isEmpty();

        sessions.merge(id, Merge.set(Attributes.empty().with(PRINCIPAL, "carol")));
        assertThat(find("carol")).containsExactly(id);

        long version = sessions.get(id).orElseThrow().version();
        assertThat(sessions.compareAndSet(id, version, principal("dave"))).isPresent();
        assertThat(find("carol")).isEmpty();
        assertThat(find("dave")).containsExactly(id);

        sessions.update(id, a -> a.with(PRINCIPAL, "erin"));
        assertThat(find("dave")).isEmpty();
        assertThat(find("erin")).containsExactly(id);

        sessions.put(id, Attributes.empty().with("cart", "empty"), HOUR);
        assertThat(find("erin")).as("a put replaces every attribute").isEmpty();

        sessions.put(id, principal("frank"), HOUR);
        assertThat(find("frank")).containsExactly(id);

        sessions.putAll(Map.of(id, principal("grace"), "other", principal("grace")), HOUR);
        assertThat(find("frank")).isEmpty();
        assertThat(find("grace")).containsExactlyInAnyOrder(id, "other");

        assertThat(sessions.touch(id, HOUR)).isTrue();
        assertThat(sessions.getAndTouch(id, HOUR)).isPresent();
        assertThat(find("grace")).as("touching keeps the entry").containsExactlyInAnyOrder(id, "other");

        assertThat(sessions.delete(id)).isTrue();
        assertThat(find("grace")).containsExactly("other");
    }

    @Test
    void indexesAreIndependentOfEachOther() {
        Session s = sessions.create(Attributes.empty().with(PRINCIPAL, "alice").with(TENANT, "acme"), HOUR);
        Session t = sessions.create(Attributes.empty().with(TENANT, "alice"), HOUR);
        assertThat(find("alice")).containsExactly(s.id());
        assertThat(sessions.findByIndex("tenant", "acme")).containsOnlyKeys(s.id());
        assertThat(sessions.findByIndex("tenant", "alice")).containsOnlyKeys(t.id());
        sessions.merge(s.id(), Merge.remove(TENANT));
        assertThat(sessions.findByIndex("tenant", "acme")).isEmpty();
        assertThat(find("alice")).containsExactly(s.id());
    }

    @Test
    void valuesAreMatchedByEveryByte() {
        String long1 = "x".repeat(3_000) + "1";
        String long2 = "x".repeat(3_000) + "2";
        Session a = sessions.create(principal(long1), HOUR);
        Session b = sessions.create(principal("ünï\u00a0cødé"), HOUR);
        Session c = sessions.create(principal(""), HOUR);
        assertThat(find(long1)).containsExactly(a.id());
        assertThat(find(long2)).isEmpty();
        assertThat(find("ünï\u00a0cødé")).containsExactly(b.id());
        assertThat(find("")).containsExactly(c.id());
    }

    @Test
    void anExpiredSessionIsNeverFoundEvenBeforeASweep() {
        Session shortLived = sessions.create(principal("alice"), Duration.ofSeconds(10));
        Session longLived = sessions.create(principal("alice"), HOUR);
        clock.advance(Duration.ofSeconds(9));
        assertThat(find("alice")).containsExactlyInAnyOrder(shortLived.id(), longLived.id());
        clock.advance(Duration.ofSeconds(1));
        assertThat(find("alice")).containsExactly(longLived.id());
        store.sweeper().ifPresent(w -> w.runNow());
        assertThat(find("alice")).containsExactly(longLived.id());

        Session again =
                sessions.createIfAbsent(shortLived.id(), principal("bob"), HOUR).orElseThrow();
        assertThat(find("alice")).containsExactly(longLived.id());
        assertThat(find("bob")).containsExactly(again.id());
    }

    @Test
    void aTouchedSessionStaysFoundPastItsFirstExpiry() {
        Session s = sessions.create(principal("alice"), Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(8));
        assertThat(sessions.touch(s.id(), Duration.ofSeconds(10))).isTrue();
        clock.advance(Duration.ofSeconds(8));
        store.sweeper().ifPresent(w -> w.runNow());
        assertThat(find("alice")).containsExactly(s.id());
        clock.advance(Duration.ofSeconds(3));
        assertThat(find("alice")).isEmpty();
    }

    @Test
    void manySessionsOfOneValue() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 120; i++) {
            ids.add(sessions.create(principal(i % 2 == 0 ? "even" : "odd"), HOUR)
                    .id());
        }
        Set<String> even = find("even");
        Set<String> odd = find("odd");
        assertThat(even).hasSize(60).doesNotContainAnyElementsOf(odd);
        assertThat(odd).hasSize(60);
        assertThat(ids).containsAll(even).containsAll(odd);
    }

    @Test
    void badLookupsAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> sessions.findByIndex(null, "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index");
        assertThatThrownBy(() -> sessions.findByIndex("", "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index");
        assertThatThrownBy(() -> sessions.findByIndex("x".repeat(300), "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index");
        assertThatThrownBy(() -> sessions.findByIndex("principal", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value");
        assertThatThrownBy(() -> sessions.findByIndex("principal", "\ud800"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value");
    }

    /**
     * Threads move the indexed value of a few sessions between three values while a reader looks
     * them up: no lookup returns a session that does not hold the value, and at the end each value
     * finds exactly the sessions that hold it.
     */
    @Test
    void concurrentWritesThatChangeTheValueLeaveTheIndexExact() throws Exception {
        List<String> values = List.of("a", "b", "c");
        String[] ids = new String[12];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sessions.create(principal("a"), HOUR).id();
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger wrongHits = new AtomicInteger();
        AtomicInteger lookups = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                for (String v : values) {
                    for (Session s : sessions.findByIndex("principal", v).values()) {
                        if (!v.equals(s.attributes().getString(PRINCIPAL))) {
                            wrongHits.incrementAndGet();
                        }
                    }
                    lookups.incrementAndGet();
                }
            }
        });
        reader.start();
        try {
            StoreContract.parallel(4, t -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < 150; i++) {
                    String id = ids[r.nextInt(ids.length)];
                    String v = values.get(r.nextInt(values.size()));
                    switch (i % 3) {
                        case 0 ->
                            sessions.merge(id, Merge.set(Attributes.empty().with(PRINCIPAL, v)));
                        case 1 -> sessions.update(id, a -> a.with(PRINCIPAL, v));
                        default -> sessions.merge(id, Merge.set(principal(v)));
                    }
                }
            });
        } finally {
            writing.set(false);
            reader.join();
        }
        assertThat(wrongHits).hasValue(0);
        assertThat(lookups.get()).isPositive();
        assertExact(values, ids);
    }

    /**
     * Writers keep changing values and touching while the clock passes the sessions' expiry and the
     * sweeper runs: a session that expired is never found, a live one always is, under its value.
     */
    @Test
    void expiryRacingWithWritesLeavesNoExpiredSessionFound() throws Exception {
        List<String> values = List.of("a", "b");
        String[] ids = new String[16];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sessions.create(principal("a"), Duration.ofSeconds(30)).id();
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Thread ticker = new Thread(() -> {
            for (int i = 0; i < 40; i++) {
                clock.advance(Duration.ofSeconds(1));
                store.sweeper().ifPresent(w -> w.runNow());
            }
            running.set(false);
        });
        ticker.start();
        try {
            StoreContract.parallel(3, t -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (running.get()) {
                    int k = r.nextInt(ids.length);
                    String v = values.get(r.nextInt(values.size()));
                    if (k % 4 == 0) {
                        sessions.touch(ids[k], Duration.ofSeconds(30));
                    } else {
                        sessions.merge(ids[k], Merge.set(Attributes.empty().with(PRINCIPAL, v)));
                    }
                    long now = clock.millis();
                    for (Session s : sessions.findByIndex("principal", v).values()) {
                        assertThat(s.expiresAt().toEpochMilli()).isGreaterThan(now);
                    }
                }
            });
        } finally {
            running.set(false);
            ticker.join();
        }
        assertExact(values, ids);
        clock.advance(Duration.ofSeconds(31));
        for (String v : values) {
            assertThat(find(v)).as("after every session expired").isEmpty();
        }
        store.sweeper().ifPresent(w -> w.runNow());
        for (String v : values) {
            assertThat(find(v)).isEmpty();
        }
    }

    /** Another process moves the values of the same sessions at the same time as this one. */
    @Test
    void writesFromTwoProcessesLeaveTheIndexExact() throws Exception {
        String uri = sharedUri();
        if (uri == null) {
            assertThat(store.capabilities()).doesNotContain(Capability.CROSS_PROCESS);
            return;
        }
        try (Store shared = Hourglass.open(
                uri,
                StoreOptions.builder()
                        .sweeperAutoStart(false)
                        .timeout(Duration.ofSeconds(10))
                        .build())) {
            Sessions s = shared.sessions();
            String[] ids = new String[8];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "xp-index-" + i;
                s.put(ids[i], principal("a"), HOUR);
            }
            try (SecondJvm other = SecondJvm.start(IndexWorker.class, uri, "100", String.join(",", ids))) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int i = 0; i < 100; i++) {
                    String v = r.nextBoolean() ? "a" : "b";
                    s.merge(
                            ids[r.nextInt(ids.length)],
                            Merge.set(Attributes.empty().with(PRINCIPAL, v)));
                }
                assertThat(other.awaitSuccess(4, TimeUnit.MINUTES)).contains("done");
            }
            Map<String, Set<String>> expected = new HashMap<>();
            for (String id : ids) {
                expected.computeIfAbsent(
                                s.get(id).orElseThrow().attributes().getString(PRINCIPAL), k -> new HashSet<>())
                        .add(id);
            }
            assertThat(expected.keySet()).isSubsetOf("a", "b", "c");
            for (String v : List.of("a", "b", "c")) {
                assertThat(s.findByIndex("principal", v).keySet())
                        .as("sessions holding %s", v)
                        .containsExactlyInAnyOrderElementsOf(expected.getOrDefault(v, Set.of()));
            }
        }
    }

    /**
     * Prints what a write that changes an indexed value and a lookup cost on this engine next to a
     * write of a plain attribute (averages over 300 calls after 300 untimed ones; a smoke figure on a
     * shared machine, not a benchmark).
     */
    @Test
    void printsTheCostOfTheIndex() {
        int n = 300;
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = sessions.create(principal("user-" + (i % 50)), HOUR).id();
        }
        for (int i = 0; i < n; i++) { // warm-up: the same calls, not timed
            sessions.merge(ids[i], Merge.set(Attributes.empty().with(PRINCIPAL, "warm-" + (i % 50))));
            sessions.findByIndex("principal", "warm-" + (i % 50));
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sessions.merge(ids[i], Merge.set(Attributes.empty().with("cart", "item " + i)));
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sessions.merge(ids[i], Merge.set(Attributes.empty().with(PRINCIPAL, "moved-" + (i % 50))));
        }
        long t2 = System.nanoTime();
        int found = 0;
        for (int i = 0; i < n; i++) {
            found += sessions.findByIndex("principal", "moved-" + (i % 50)).size();
        }
        long t3 = System.nanoTime();
        assertThat(found).isEqualTo(n * 6);
        System.out.printf(
                "index cost on %s: merge of a plain attribute %.1f us, merge changing the indexed value %.1f us, "
                        + "lookup of 6 sessions %.1f us%n",
                store.backend(), (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, (t3 - t2) / 1e3 / n);
    }

    private void assertExact(List<String> values, String[] ids) {
        long now = clock.millis();
        Map<String, Set<String>> expected = new HashMap<>();
        for (String id : ids) {
            sessions.get(id)
                    .filter(s -> s.expiresAt().toEpochMilli() > now)
                    .ifPresent(s -> expected.computeIfAbsent(s.attributes().getString(PRINCIPAL), k -> new HashSet<>())
                            .add(id));
        }
        for (String v : values) {
            assertThat(find(v))
                    .as("sessions holding %s", v)
                    .containsExactlyInAnyOrderElementsOf(expected.getOrDefault(v, Set.of()));
        }
    }
}
