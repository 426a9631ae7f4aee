package dev.hourglass.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.AttributeType;
import dev.hourglass.Attributes;
import dev.hourglass.Capability;
import dev.hourglass.CloseResult;
import dev.hourglass.Codecs;
import dev.hourglass.ExpiryRegistration;
import dev.hourglass.Merge;
import dev.hourglass.Message;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.Page;
import dev.hourglass.Poll;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StreamClosedException;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.Streams;
import dev.hourglass.SweeperStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every backend keeps. A backend's test extends this class and opens a fresh, empty
 * store with the options given (a {@link FakeClock}, the sweeper not started).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class StoreContract {

    protected static final Duration HOUR = Duration.ofHours(1);
    protected static final Duration DAY = Duration.ofDays(1);

    protected final FakeClock clock = new FakeClock();
    protected Store store;
    protected Sessions sessions;
    protected Streams streams;

    /** A fresh, empty store opened with exactly these options. */
    protected abstract Store openStore(StoreOptions options);

    protected StoreOptions options() {
        return StoreOptions.builder()
                .clock(clock)
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(5))
                .sweepBatchSize(500)
                .build();
    }

    @BeforeEach
    void openContractStore() {
        store = openStore(options());
        sessions = store.sessions();
        streams = store.streams();
    }

    @AfterEach
    void closeContractStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static Attributes attrs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Attributes.strings(m);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    // ---------------------------------------------------------------- sessions

    /**
     * Capability gating: what a backend declares is checked, and what it does not declare is not
     * asked of it. An engine that does not expire entries itself must come with a sweeper; one that
     * declares several processes or hosts must also pass {@link CrossProcessContract}.
     */
    @Test
    void declaredCapabilitiesHold() {
        if (!store.capabilities().contains(Capability.NATIVE_TTL)) {
            assertThat(store.sweeper())
                    .as("a store whose engine does not expire entries has a sweeper")
                    .isPresent();
        }
        if (store.capabilities().contains(Capability.CROSS_NODE)) {
            assertThat(store.capabilities())
                    .as("sharing across hosts includes sharing across processes")
                    .contains(Capability.CROSS_PROCESS);
        }
    }

    @Test
    void createGeneratesDistinctIdsOfAtLeast128Bits() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Session s = sessions.create(attrs("n", Integer.toString(i)), HOUR);
            assertThat(s.id().length()).as("base64 of >= 16 random bytes").isGreaterThanOrEqualTo(22);
            ids.add(s.id());
        }
        assertThat(ids).hasSize(200);
        assertThat(sessions.count()).isEqualTo(200);
    }

    @Test
    void putThenGetReturnsAttributesAndTimes() {
        Instant t0 = clock.instant();
        Session put = sessions.put("s1", attrs("jobTitle", "Java engineer", "level", "senior"), HOUR);
        assertThat(put.id()).isEqualTo("s1");
        assertThat(put.createdAt()).isEqualTo(t0);
        assertThat(put.lastAccessedAt()).isEqualTo(t0);
        assertThat(put.expiresAt()).isEqualTo(t0.plus(HOUR));

        Session got = sessions.get("s1").orElseThrow();
        assertThat(got.attributes()).isEqualTo(put.attributes());
        assertThat(got.attributes().getString("jobTitle")).isEqualTo("Java engineer");
        assertThat(got.createdAt()).isEqualTo(t0);
        assertThat(got.expiresAt()).isEqualTo(t0.plus(HOUR));
        assertThat(got.version()).isEqualTo(put.version());
    }

    @Test
    void getOfMissingIsEmpty() {
        assertThat(sessions.get("nope")).isEmpty();
    }

    @Test
    void putReplacesAttributesAndTtlButKeepsCreatedAt() {
        Instant t0 = clock.instant();
        sessions.put("s1", attrs("a", "1", "b", "2"), HOUR);
        clock.advance(Duration.ofMinutes(5));
        Session second = sessions.put("s1", attrs("c", "3"), Duration.ofMinutes(1));
        assertThat(second.createdAt()).isEqualTo(t0);
        assertThat(second.lastAccessedAt()).isEqualTo(clock.instant());
        Session got = sessions.get("s1").orElseThrow();
        assertThat(got.attributes().names()).containsExactly("c");
        assertThat(got.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
    }

    @Test
    void binaryValuesAndUnicodeNamesRoundTrip() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("bytes", all);
        m.put("名前", bytes("面试"));
        m.put("empty", new byte[0]);
        m.put("with space and = and \"quotes\"", bytes("v"));
        sessions.put("bin", Attributes.bytes(m), HOUR);
        Attributes got = sessions.get("bin").orElseThrow().attributes();
        assertThat(got.getBytes("bytes")).isEqualTo(all);
        assertThat(got.getBytes("名前")).isEqualTo(bytes("面试"));
        assertThat(got.getBytes("empty")).isEmpty();
        assertThat(got.getBytes("with space and = and \"quotes\"")).isEqualTo(bytes("v"));
        assertThat(got.type("名前")).isEqualTo(AttributeType.BYTES);
        assertThat(got.size()).isEqualTo(4);
    }

    @Test
    void emptyAttributesAreAllowed() {
        sessions.put("e", Attributes.empty(), HOUR);
        assertThat(sessions.get("e").orElseThrow().attributes().isEmpty()).isTrue();
    }

    @Test
    void idsWithAnyPrintableCharacterStayDistinct() {
        List<String> ids = List.of(
                "{tag}",
                "a*b?c[d]",
                "x:y:z",
                "100%",
                "with space",
                "面试-1",
                "emoji-\uD83D\uDE00",
                "back\\slash",
                "quote\"'",
                "a".repeat(256),
                "é".repeat(128),
                "/path/like",
                "{hourglass}:s:1");
        for (String id : ids) {
            sessions.put(id, attrs("id", id), HOUR);
        }
        for (String id : ids) {
            assertThat(sessions.get(id).orElseThrow().attributes().getString("id"))
                    .isEqualTo(id);
        }
        try (Stream<String> listed = sessions.ids()) {
            assertThat(listed.toList()).containsExactlyInAnyOrderElementsOf(ids);
        }
        assertThat(sessions.delete("{tag}")).isTrue();
        assertThat(sessions.get("{tag}")).isEmpty();
        assertThat(sessions.get("{hourglass}:s:1")).isPresent();
    }

    @Test
    void createIfAbsentCreatesOnceAndLeavesTheWinnerAlone() {
        Optional<Session> first = sessions.createIfAbsent("c1", attrs("who", "first"), HOUR);
        assertThat(first).isPresent();
        Optional<Session> second = sessions.createIfAbsent("c1", attrs("who", "second"), DAY);
        assertThat(second).isEmpty();
        Session got = sessions.get("c1").orElseThrow();
        assertThat(got.attributes().getString("who")).isEqualTo("first");
        assertThat(got.expiresAt()).isEqualTo(first.get().expiresAt());
    }

    @Test
    void createIfAbsentTakesOverAnExpiredSession() {
        sessions.put("c2", attrs("who", "old"), Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        Optional<Session> created = sessions.createIfAbsent("c2", attrs("who", "new"), HOUR);
        assertThat(created).isPresent();
        assertThat(created.get().createdAt()).isEqualTo(clock.instant());
        assertThat(sessions.get("c2").orElseThrow().attributes().getString("who"))
                .isEqualTo("new");
    }

    @Test
    void mergeSetsRemovesAndKeepsTheRestAndTheExpiry() {
        Session before = sessions.put("m", attrs("a", "1", "b", "2", "c", "3"), HOUR);
        clock.advance(Duration.ofMinutes(1));
        Session after = sessions.merge(
                        "m", Merge.set(attrs("b", "20", "d", "4")).andRemove("c", "absent"))
                .orElseThrow();
        assertThat(after.attributes().toMap(Codecs.utf8()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "20", "d", "4"));
        assertThat(after.expiresAt()).isEqualTo(before.expiresAt());
        assertThat(after.version()).isNotEqualTo(before.version());
        assertThat(sessions.get("m").orElseThrow().attributes()).isEqualTo(after.attributes());
    }

    @Test
    void conditionalMergeAppliesOnlyAtTheExpectedVersionAndKeepsTheExpiry() {
        Session before = sessions.put("cm", attrs("a", "1", "b", "2"), HOUR);
        clock.advance(Duration.ofMinutes(1));
        Merge change = Merge.set(attrs("b", "20")).andRemove("a");
        assertThat(sessions.merge("cm", change, before.version() + 1)).isEmpty();
        assertThat(sessions.get("cm").orElseThrow().attributes()).isEqualTo(before.attributes());
        Session after = sessions.merge("cm", change, before.version()).orElseThrow();
        assertThat(after.attributes().toMap(Codecs.utf8())).containsExactlyEntriesOf(Map.of("b", "20"));
        assertThat(after.expiresAt()).isEqualTo(before.expiresAt());
        assertThat(after.version()).isNotEqualTo(before.version());
        assertThat(sessions.merge("cm", Merge.set(attrs("c", "3")), before.version()))
                .isEmpty();
        assertThat(sessions.get("cm").orElseThrow()).isEqualTo(after);
        assertThat(sessions.merge("ghost", change, 1)).isEmpty();
        assertThat(sessions.get("ghost")).isEmpty();
    }

    @Test
    void replaceSwapsAllAttributesKeepsTheExpiryAndCreatesNothing() {
        Session before = sessions.put("rp", attrs("a", "1", "b", "2"), HOUR);
        clock.advance(Duration.ofMinutes(1));
        Session after = sessions.replace("rp", attrs("c", "3")).orElseThrow();
        assertThat(after.attributes().toMap(Codecs.utf8())).containsExactlyEntriesOf(Map.of("c", "3"));
        assertThat(after.expiresAt()).isEqualTo(before.expiresAt());
        assertThat(after.version()).isNotEqualTo(before.version());
        assertThat(sessions.replace("ghost", attrs("c", "3"))).isEmpty();
        assertThat(sessions.get("ghost")).isEmpty();
    }

    @Test
    void mergeBuilderKeepsANameInOnlyOneOfSetAndRemove() {
        Merge m = Merge.set(attrs("a", "1", "b", "2")).andRemove("a").andSet(attrs("c", "3"));
        assertThat(m.set().names()).containsExactly("b", "c");
        assertThat(m.remove()).containsExactly("a");
        assertThat(m.andSet(attrs("a", "9")).remove()).isEmpty();
    }

    @Test
    void mergeOfMissingSessionCreatesNothing() {
        assertThat(sessions.merge("ghost", attrs("a", "1"))).isEmpty();
        assertThat(sessions.get("ghost")).isEmpty();
        assertThat(sessions.count()).isZero();
    }

    @Test
    void versionChangesOnAttributeWritesButNotOnTouch() {
        long v1 = sessions.put("v", attrs("a", "1"), HOUR).version();
        long v2 = sessions.merge("v", attrs("a", "2")).orElseThrow().version();
        assertThat(v2).isNotEqualTo(v1);
        assertThat(sessions.touch("v", DAY)).isTrue();
        assertThat(sessions.getAndTouch("v", DAY).orElseThrow().version()).isEqualTo(v2);
        long v3 = sessions.compareAndSet("v", v2, attrs("a", "3")).orElseThrow().version();
        assertThat(v3).isNotIn(v1, v2);
        long v4 = sessions.put("v", attrs("a", "4"), HOUR).version();
        assertThat(v4).isNotIn(v1, v2, v3);
    }

    @Test
    void compareAndSetAppliesOnlyOnTheCurrentVersionAndKeepsTheExpiry() {
        Session s = sessions.put("cas", attrs("n", "1"), HOUR);
        Session updated =
                sessions.compareAndSet("cas", s.version(), attrs("n", "2")).orElseThrow();
        assertThat(updated.attributes().getString("n")).isEqualTo("2");
        assertThat(updated.expiresAt()).isEqualTo(s.expiresAt());

        assertThat(sessions.compareAndSet("cas", s.version(), attrs("n", "stale")))
                .isEmpty();
        assertThat(sessions.get("cas").orElseThrow().attributes().getString("n"))
                .isEqualTo("2");
        assertThat(sessions.compareAndSet("missing", 1, attrs("n", "x"))).isEmpty();
        assertThat(sessions.get("missing")).isEmpty();
    }

    @Test
    void deleteRemovesAndSaysWhetherThereWasOne() {
        sessions.put("d", attrs("a", "1"), HOUR);
        assertThat(sessions.delete("d")).isTrue();
        assertThat(sessions.get("d")).isEmpty();
        assertThat(sessions.delete("d")).isFalse();
        assertThat(sessions.count()).isZero();
    }

    @Test
    void updateAppliesTheChangeAndReportsMissing() {
        sessions.put("u", Attributes.empty().with("visits", 41L), HOUR);
        Session s = sessions.update("u", a -> a.with("visits", a.getLong("visits", 0) + 1))
                .orElseThrow();
        assertThat(s.attributes().getLong("visits", -1)).isEqualTo(42);
        assertThat(sessions.update("none", a -> a.with("x", "y"))).isEmpty();
        assertThat(sessions.get("none")).isEmpty();
    }

    @Test
    void getAllReturnsTheLiveSessionsOfABatch() {
        sessions.put("b1", attrs("n", "1"), HOUR);
        sessions.put("b2", attrs("n", "2"), Duration.ofSeconds(1));
        sessions.put("b3", attrs("n", "3"), HOUR);
        clock.advance(Duration.ofSeconds(1));
        Map<String, Session> got = sessions.getAll(List.of("b1", "b2", "b3", "absent"));
        assertThat(got.keySet()).containsExactlyInAnyOrder("b1", "b3");
        assertThat(got.get("b3").attributes().getString("n")).isEqualTo("3");
        assertThat(sessions.getAll(List.of())).isEmpty();
    }

    @Test
    void putAllWritesEverySessionOfABatchWithTheTtl() {
        Map<String, Attributes> batch = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            batch.put("pa-" + i, attrs("i", Integer.toString(i)));
        }
        sessions.put("pa-0", attrs("i", "old"), DAY);
        sessions.putAll(batch, Duration.ofMinutes(5));
        assertThat(sessions.count()).isEqualTo(300);
        Session s = sessions.get("pa-0").orElseThrow();
        assertThat(s.attributes().getString("i")).isEqualTo("0");
        assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(sessions.getAll(batch.keySet())).hasSize(300);
        clock.advance(Duration.ofMinutes(5));
        assertThat(sessions.count()).isZero();
    }

    @Test
    void aLargeSessionNearTheLimitRoundTrips() {
        long max = Math.min(store.limits().maxSessionBytes(), 256 * 1024);
        byte[] big = new byte[(int) max - 10];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        sessions.put("big", Attributes.bytes(Map.of("v", big)), HOUR);
        assertThat(sessions.get("big").orElseThrow().attributes().getBytes("v")).isEqualTo(big);
    }

    // ---------------------------------------------------------------- TTL

    @Test
    void anExpiredSessionIsNeverReturnedCountedOrListed() {
        sessions.put("short", attrs("a", "1"), Duration.ofSeconds(30));
        sessions.put("long", attrs("a", "1"), HOUR);
        clock.advance(Duration.ofSeconds(29));
        assertThat(sessions.get("short")).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.get("short")).as("expired at its expiry instant").isEmpty();
        assertThat(sessions.getAndTouch("short", HOUR)).isEmpty();
        assertThat(sessions.touch("short", HOUR)).isFalse();
        assertThat(sessions.merge("short", attrs("b", "2"))).isEmpty();
        assertThat(sessions.delete("short")).isFalse();
        assertThat(sessions.count()).isEqualTo(1);
        try (Stream<String> ids = sessions.ids()) {
            assertThat(ids.toList()).containsExactly("long");
        }
        assertThat(sessions.get("short")).isEmpty();
    }

    @Test
    void compareAndSetOnAnExpiredSessionFails() {
        Session s = sessions.put("x", attrs("a", "1"), Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(6));
        assertThat(sessions.compareAndSet("x", s.version(), attrs("a", "2"))).isEmpty();
        assertThat(sessions.get("x")).isEmpty();
    }

    @Test
    void touchExtendsTheLife() {
        sessions.put("t", attrs("a", "1"), Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(9));
        assertThat(sessions.touch("t", Duration.ofMinutes(10))).isTrue();
        clock.advance(Duration.ofMinutes(9));
        Session s = sessions.get("t").orElseThrow();
        assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(s.lastAccessedAt()).isEqualTo(clock.instant().minus(Duration.ofMinutes(9)));
        clock.advance(Duration.ofMinutes(1));
        assertThat(sessions.get("t")).isEmpty();
        assertThat(sessions.touch("t", HOUR)).isFalse();
        assertThat(sessions.get("t")).isEmpty();
    }

    @Test
    void getAndTouchSlidesTheExpiryInOneCall() {
        sessions.put("g", attrs("a", "1"), Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(8));
        Session s = sessions.getAndTouch("g", Duration.ofMinutes(10)).orElseThrow();
        assertThat(s.attributes().getString("a")).isEqualTo("1");
        assertThat(s.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(s.lastAccessedAt()).isEqualTo(clock.instant());
        clock.advance(Duration.ofMinutes(8));
        assertThat(sessions.get("g")).isPresent();
        assertThat(sessions.getAndTouch("nope", HOUR)).isEmpty();
    }

    @Test
    void touchCanShortenTheLife() {
        sessions.put("s", attrs("a", "1"), DAY);
        assertThat(sessions.touch("s", Duration.ofSeconds(1))).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.get("s")).isEmpty();
    }

    @Test
    void putWithANewTtlReplacesTheOldOne() {
        sessions.put("p", attrs("a", "1"), DAY);
        sessions.put("p", attrs("a", "2"), Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(5));
        assertThat(sessions.get("p")).isEmpty();
        sessions.put("q", attrs("a", "1"), Duration.ofSeconds(5));
        sessions.put("q", attrs("a", "2"), DAY);
        clock.advance(Duration.ofHours(23));
        assertThat(sessions.get("q").orElseThrow().attributes().getString("a")).isEqualTo("2");
    }

    @Test
    void mergeDoesNotExtendTheLife() {
        sessions.put("m", attrs("a", "1"), Duration.ofMinutes(1));
        clock.advance(Duration.ofSeconds(50));
        sessions.merge("m", attrs("b", "2")).orElseThrow();
        clock.advance(Duration.ofSeconds(10));
        assertThat(sessions.get("m")).isEmpty();
    }

    @Test
    void theSweeperRemovesExpiredSessionsAndReportsEachOne() throws Exception {
        Set<String> reported = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        try (ExpiryRegistration reg = sessions.onExpiry(id -> {
            reported.add(id);
            calls.incrementAndGet();
        })) {
            Set<String> expiring = new HashSet<>();
            for (int i = 0; i < 1_200; i++) {
                String id = "exp-" + i;
                sessions.put(id, attrs("i", Integer.toString(i)), Duration.ofMinutes(1 + i % 3));
                expiring.add(id);
            }
            for (int i = 0; i < 300; i++) {
                sessions.put("live-" + i, attrs("i", Integer.toString(i)), DAY);
            }
            sessions.put("touched", attrs("a", "1"), Duration.ofMinutes(1));
            sessions.touch("touched", DAY);

            clock.advance(Duration.ofMinutes(3));
            SweeperStatus status = runSweeperUntilDone();
            assertThat(reported).containsExactlyInAnyOrderElementsOf(expiring);
            assertThat(calls.get()).isGreaterThanOrEqualTo(expiring.size());
            assertThat(status.removedTotal()).isGreaterThanOrEqualTo(expiring.size());
            assertThat(status.lastRun()).isPresent();
            assertThat(status.lastError()).isEmpty();
            assertThat(sessions.count()).isEqualTo(301);
            assertThat(sessions.get("touched")).isPresent();

            SweeperStatus again = store.sweeper().orElseThrow().runNow();
            assertThat(again.removedLastRun()).isZero();
            assertThat(again.backlog()).isIn(0L, -1L);
        }
        int before = reported.size();
        sessions.put("after-close", attrs("a", "1"), Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        runSweeperUntilDone();
        assertThat(reported).hasSize(before).doesNotContain("after-close");
        assertThat(sessions.get("after-close")).isEmpty();
    }

    @Test
    void theSweeperRemovesExpiredStreams() {
        streams.open("old", Attributes.empty(), Duration.ofMinutes(1));
        streams.append("old", bytes("x"));
        streams.open("young", Attributes.empty(), HOUR);
        clock.advance(Duration.ofMinutes(2));
        runSweeperUntilDone();
        assertThat(streams.state("old")).isEmpty();
        assertThat(streams.open("old", Attributes.empty(), HOUR)).isTrue();
        assertThat(streams.state("old").orElseThrow().messageCount()).isZero();
        assertThat(streams.state("young")).isPresent();
    }

    protected SweeperStatus runSweeperUntilDone() {
        SweeperStatus s = null;
        for (int i = 0; i < 1_000; i++) {
            s = store.sweeper().orElseThrow().runNow();
            if (s.removedLastRun() == 0) {
                return s;
            }
        }
        return s;
    }

    // ---------------------------------------------------------------- listing

    @Test
    void listingAHundredThousandIdsVisitsEachLiveIdExactlyOnce() throws Exception {
        int n = 100_000;
        parallel(4, t -> {
            for (int i = t; i < n; i += 4) {
                sessions.put(
                        String.format("id-%06d", i), Attributes.empty(), i % 10 == 0 ? Duration.ofSeconds(1) : DAY);
            }
        });
        clock.advance(Duration.ofSeconds(1));
        Map<String, Integer> seen = new HashMap<>();
        try (Stream<String> ids = sessions.ids()) {
            ids.forEach(id -> seen.merge(id, 1, Integer::sum));
        }
        assertThat(seen).hasSize(n - n / 10);
        assertThat(seen.values()).allMatch(c -> c == 1);
        assertThat(seen).doesNotContainKey("id-000000").containsKey("id-000001");
        assertThat(sessions.count()).isEqualTo(n - n / 10);
    }

    @Test
    void idPagesRespectTheLimitAndResumeFromTheCursor() {
        for (int i = 0; i < 250; i++) {
            sessions.put("p" + i, Attributes.empty(), HOUR);
        }
        Set<String> all = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<String> page = cursor == null ? sessions.ids(40) : sessions.ids(cursor, 40);
            assertThat(page.items().size()).isLessThanOrEqualTo(40);
            for (String id : page.items()) {
                assertThat(all.add(id)).as("id %s listed twice", id).isTrue();
            }
            cursor = page.next().orElse(null);
            pages++;
        } while (cursor != null && pages < 1_000);
        assertThat(all).hasSize(250);
        assertThat(pages).isGreaterThanOrEqualTo(7);
    }

    @Test
    void countCountsLiveSessionsOnly() {
        assertThat(sessions.count()).isZero();
        for (int i = 0; i < 10; i++) {
            sessions.put("c" + i, Attributes.empty(), i < 4 ? Duration.ofSeconds(1) : HOUR);
        }
        assertThat(sessions.count()).isEqualTo(10);
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.count()).isEqualTo(6);
        sessions.delete("c9");
        assertThat(sessions.count()).isEqualTo(5);
    }

    // ---------------------------------------------------------------- atomicity

    @Test
    void eightThreadsIncrementingThroughUpdateLoseNothing() throws Exception {
        sessions.put("counter", Attributes.empty().with("n", 0L), DAY);
        parallel(8, t -> {
            for (int i = 0; i < 1_000; i++) {
                sessions.update("counter", a -> a.with("n", a.getLong("n", 0) + 1))
                        .orElseThrow();
            }
        });
        assertThat(sessions.get("counter").orElseThrow().attributes().getLong("n", -1))
                .isEqualTo(8_000);
    }

    @Test
    void eightThreadsRacingCreateIfAbsentHaveExactlyOneWinner() throws Exception {
        for (int round = 0; round < 20; round++) {
            String id = "race-" + round;
            AtomicInteger winners = new AtomicInteger();
            Set<String> winnerNames = ConcurrentHashMap.newKeySet();
            parallel(8, t -> {
                if (sessions.createIfAbsent(id, attrs("winner", "t" + t), HOUR).isPresent()) {
                    winners.incrementAndGet();
                    winnerNames.add("t" + t);
                }
            });
            assertThat(winners.get()).as("winners of %s", id).isEqualTo(1);
            assertThat(sessions.get(id).orElseThrow().attributes().getString("winner"))
                    .isEqualTo(winnerNames.iterator().next());
        }
    }

    @Test
    void concurrentMergesOfDifferentAttributesAllSurvive() throws Exception {
        sessions.put("shared", attrs("base", "1"), DAY);
        parallel(8, t -> {
            for (int i = 0; i < 50; i++) {
                sessions.merge("shared", attrs("t" + t + "-" + i, Integer.toString(i)))
                        .orElseThrow();
            }
        });
        Attributes a = sessions.get("shared").orElseThrow().attributes();
        assertThat(a.size()).isEqualTo(1 + 8 * 50);
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 50; i++) {
                assertThat(a.getString("t" + t + "-" + i)).isEqualTo(Integer.toString(i));
            }
        }
    }

    @Test
    void concurrentCompareAndSetOnOneVersionHasExactlyOneWinner() throws Exception {
        for (int round = 0; round < 10; round++) {
            Session s = sessions.put("cas-race", attrs("round", Integer.toString(round)), HOUR);
            AtomicInteger wins = new AtomicInteger();
            parallel(8, t -> {
                if (sessions.compareAndSet("cas-race", s.version(), attrs("by", "t" + t))
                        .isPresent()) {
                    wins.incrementAndGet();
                }
            });
            assertThat(wins.get()).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- streams

    @Test
    void appendNumbersMessagesAndNextReturnsThemInOrder() {
        assertThat(streams.open("r", attrs("model", "gpt"), Duration.ofMinutes(30)))
                .isTrue();
        for (int i = 1; i <= 50; i++) {
            assertThat(streams.append("r", bytes("chunk-" + i))).isEqualTo(i);
        }
        for (int i = 1; i <= 50; i++) {
            Poll p = streams.next("r", "relay").orElseThrow();
            Message m = p.message().orElseThrow();
            assertThat(m.sequence()).isEqualTo(i);
            assertThat(m.text()).isEqualTo("chunk-" + i);
            assertThat(m.timestamp()).isEqualTo(clock.instant());
            assertThat(p.status()).isEqualTo(StreamStatus.OPEN);
        }
        Poll none = streams.next("r", "relay").orElseThrow();
        assertThat(none.message()).isEmpty();
        assertThat(none.ended()).isFalse();
    }

    @Test
    void binaryAndEmptyPayloadsRoundTrip() {
        streams.open("b", Attributes.empty(), HOUR);
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        streams.append("b", all);
        streams.append("b", new byte[0]);
        assertThat(streams.next("b", "r").orElseThrow().message().orElseThrow().payload())
                .isEqualTo(all);
        assertThat(streams.next("b", "r").orElseThrow().message().orElseThrow().payload())
                .isEmpty();
    }

    @Test
    void aMessageHandsOutACopyOfItsPayloadAndTheStoredOneStaysIntact() {
        streams.open("copy", Attributes.empty(), HOUR);
        byte[] written = bytes("stored");
        streams.append("copy", written);
        written[0] = 'X';
        Message first = streams.next("copy", "r1").orElseThrow().message().orElseThrow();
        byte[] handed = first.payload();
        handed[0] = 'Y';
        assertThat(first.payload()).isEqualTo(bytes("stored"));
        assertThat(first.size()).isEqualTo(6);
        assertThat(first.text()).isEqualTo("stored");
        assertThat(streams.next("copy", "r2")
                        .orElseThrow()
                        .message()
                        .orElseThrow()
                        .payload())
                .isEqualTo(bytes("stored"));
    }

    @Test
    void mergeWithoutARemoveSetKeepsTheOtherAttributesAndTheExpiry() {
        Session before = sessions.put("m2", attrs("a", "1", "b", "2"), HOUR);
        clock.advance(Duration.ofMinutes(5));
        Session after = sessions.merge("m2", attrs("b", "20", "c", "3")).orElseThrow();
        assertThat(after.attributes().toMap(Codecs.utf8()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "20", "c", "3"));
        assertThat(after.expiresAt()).isEqualTo(before.expiresAt());
        assertThat(after.version()).isGreaterThan(before.version());
    }

    @Test
    void openingAnOpenStreamAgainChangesNothing() {
        assertThat(streams.open("o", attrs("v", "1"), HOUR)).isTrue();
        streams.append("o", bytes("a"));
        assertThat(streams.open("o", attrs("v", "2"), DAY)).isFalse();
        StreamState st = streams.state("o").orElseThrow();
        assertThat(st.metadata().getString("v")).isEqualTo("1");
        assertThat(st.messageCount()).isEqualTo(1);
        assertThat(st.expiresAt()).isEqualTo(clock.instant().plus(HOUR));
    }

    @Test
    void appendToAMissingStreamFails() {
        assertThatThrownBy(() -> streams.append("missing", bytes("x")))
                .isInstanceOf(NoSuchStreamException.class)
                .hasMessageContaining("missing");
        assertThat(streams.state("missing")).isEmpty();
        assertThat(streams.next("missing", "r")).isEmpty();
        assertThat(streams.complete("missing")).isEqualTo(CloseResult.ABSENT);
        assertThat(streams.fail("missing", "x")).isEqualTo(CloseResult.ABSENT);
    }

    @Test
    void theEndIsVisibleAfterCompleteAndAppendsAreRejected() {
        streams.open("c", Attributes.empty(), HOUR);
        streams.append("c", bytes("1"));
        streams.append("c", bytes("2"));
        assertThat(streams.complete("c")).isEqualTo(CloseResult.CLOSED);
        assertThat(streams.complete("c")).isEqualTo(CloseResult.ALREADY_COMPLETED);
        assertThatThrownBy(() -> streams.append("c", bytes("3")))
                .isInstanceOf(StreamClosedException.class)
                .hasMessageContaining("COMPLETED");
        Poll p1 = streams.next("c", "r").orElseThrow();
        assertThat(p1.message().orElseThrow().sequence()).isEqualTo(1);
        assertThat(p1.ended()).isFalse();
        assertThat(streams.next("c", "r").orElseThrow().message().orElseThrow().sequence())
                .isEqualTo(2);
        Poll end = streams.next("c", "r").orElseThrow();
        assertThat(end.ended()).isTrue();
        assertThat(end.status()).isEqualTo(StreamStatus.COMPLETED);
        assertThat(streams.state("c").orElseThrow().messageCount()).isEqualTo(2);
    }

    @Test
    void theEndIsVisibleAfterFailWithItsReason() {
        streams.open("f", Attributes.empty(), HOUR);
        streams.append("f", bytes("partial"));
        assertThat(streams.fail("f", "upstream timed out")).isEqualTo(CloseResult.CLOSED);
        assertThat(streams.complete("f")).isEqualTo(CloseResult.ALREADY_FAILED);
        assertThatThrownBy(() -> streams.append("f", bytes("late"))).isInstanceOf(StreamClosedException.class);
        assertThat(streams.next("f", "r").orElseThrow().message()).isPresent();
        Poll end = streams.next("f", "r").orElseThrow();
        assertThat(end.ended()).isTrue();
        assertThat(end.status()).isEqualTo(StreamStatus.FAILED);
        assertThat(end.failureReason()).contains("upstream timed out");
        StreamState st = streams.state("f").orElseThrow();
        assertThat(st.status()).isEqualTo(StreamStatus.FAILED);
        assertThat(st.failureReason()).contains("upstream timed out");
    }

    @Test
    void stateReportsStatusMetadataCountAndMarkers() {
        streams.open("s", attrs("user", "u1", "model", "m"), Duration.ofMinutes(30));
        for (int i = 0; i < 5; i++) {
            streams.append("s", bytes("m" + i));
        }
        streams.next("s", "a");
        streams.next("s", "a");
        streams.next("s", "b");
        StreamState st = streams.state("s").orElseThrow();
        assertThat(st.id()).isEqualTo("s");
        assertThat(st.status()).isEqualTo(StreamStatus.OPEN);
        assertThat(st.metadata().getString("user")).isEqualTo("u1");
        assertThat(st.messageCount()).isEqualTo(5);
        assertThat(st.markers()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2L, "b", 1L));
        assertThat(st.createdAt()).isEqualTo(clock.instant());
        assertThat(st.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
    }

    @Test
    void anExpiredStreamIsAbsentAndCanBeOpenedAfresh() {
        streams.open("e", Attributes.empty(), Duration.ofMinutes(30));
        streams.append("e", bytes("x"));
        clock.advance(Duration.ofMinutes(30));
        assertThat(streams.state("e")).isEmpty();
        assertThat(streams.next("e", "r")).isEmpty();
        assertThatThrownBy(() -> streams.append("e", bytes("y"))).isInstanceOf(NoSuchStreamException.class);
        assertThat(streams.open("e", Attributes.empty(), HOUR)).isTrue();
        assertThat(streams.state("e").orElseThrow().messageCount()).isZero();
        assertThat(streams.next("e", "r").orElseThrow().message()).isEmpty();
        assertThat(streams.append("e", bytes("z"))).isEqualTo(1);
    }

    @Test
    void deleteRemovesTheStreamWithItsMessagesAndMarkers() {
        streams.open("d", Attributes.empty(), HOUR);
        streams.append("d", bytes("x"));
        streams.next("d", "r");
        assertThat(streams.delete("d")).isTrue();
        assertThat(streams.delete("d")).isFalse();
        assertThat(streams.state("d")).isEmpty();
        streams.open("d", Attributes.empty(), HOUR);
        streams.append("d", bytes("fresh"));
        StreamState st = streams.state("d").orElseThrow();
        assertThat(st.messageCount()).isEqualTo(1);
        assertThat(st.markers()).isEmpty();
        assertThat(streams.next("d", "r").orElseThrow().message().orElseThrow().text())
                .isEqualTo("fresh");
    }

    @Test
    void streamsAndSessionsDoNotShareIds() {
        sessions.put("same", attrs("a", "1"), HOUR);
        streams.open("same", Attributes.empty(), HOUR);
        streams.append("same", bytes("x"));
        assertThat(sessions.get("same").orElseThrow().attributes().getString("a"))
                .isEqualTo("1");
        assertThat(sessions.delete("same")).isTrue();
        assertThat(streams.state("same").orElseThrow().messageCount()).isEqualTo(1);
        assertThat(sessions.count()).isZero();
    }

    @Test
    void fourReadersSharingOneNameReceiveEachOfTenThousandMessagesExactlyOnce() throws Exception {
        int n = 10_000;
        streams.open("big", Attributes.empty(), HOUR);
        Map<Long, Integer> received = new ConcurrentHashMap<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> producer = pool.submit(() -> {
                for (int i = 1; i <= n; i++) {
                    streams.append("big", bytes(Integer.toString(i)));
                }
                streams.complete("big");
                producing.set(false);
                return null;
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                readers.add(pool.submit(() -> {
                    int mine = 0;
                    while (true) {
                        Poll p = streams.next("big", "relay").orElseThrow();
                        if (p.message().isPresent()) {
                            Message m = p.message().get();
                            assertThat(m.text()).isEqualTo(Long.toString(m.sequence()));
                            received.merge(m.sequence(), 1, Integer::sum);
                            mine++;
                        } else if (p.ended()) {
                            return mine;
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            producer.get(4, TimeUnit.MINUTES);
            int total = 0;
            for (Future<Integer> f : readers) {
                total += f.get(4, TimeUnit.MINUTES);
            }
            assertThat(total).isEqualTo(n);
            assertThat(received).hasSize(n);
            assertThat(received.values()).allMatch(c -> c == 1);
            assertThat(streams.state("big").orElseThrow().markers()).containsEntry("relay", (long) n);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoReaderNamesEachReceiveEveryMessage() throws Exception {
        streams.open("two", Attributes.empty(), HOUR);
        for (int i = 1; i <= 500; i++) {
            streams.append("two", bytes("m" + i));
        }
        streams.complete("two");
        Map<String, List<Long>> got = new ConcurrentHashMap<>();
        parallel(4, t -> {
            String reader = t % 2 == 0 ? "web" : "audit";
            while (true) {
                Poll p = streams.next("two", reader).orElseThrow();
                if (p.ended()) {
                    return;
                }
                p.message()
                        .ifPresent(
                                m -> got.computeIfAbsent(reader, k -> Collections.synchronizedList(new ArrayList<>()))
                                        .add(m.sequence()));
            }
        });
        for (String reader : List.of("web", "audit")) {
            List<Long> seqs = new ArrayList<>(got.get(reader));
            Collections.sort(seqs);
            assertThat(seqs).hasSize(500);
            for (int i = 0; i < 500; i++) {
                assertThat(seqs.get(i)).isEqualTo(i + 1L);
            }
        }
    }

    @Test
    void aBlockingReadReturnsAsSoonAsAMessageArrives() throws Exception {
        streams.open("w", Attributes.empty(), HOUR);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch waiting = new CountDownLatch(1);
            Future<Optional<Poll>> read = pool.submit(() -> {
                waiting.countDown();
                return streams.next("w", "r", Duration.ofSeconds(20));
            });
            waiting.await();
            Thread.sleep(200);
            long appended = System.nanoTime();
            streams.append("w", bytes("hello"));
            Poll p = read.get(10, TimeUnit.SECONDS).orElseThrow();
            long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appended);
            assertThat(p.message().orElseThrow().text()).isEqualTo("hello");
            assertThat(latencyMs).as("wake-up latency ms").isLessThan(1_000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBlockingReadSeesTheEnd() throws Exception {
        streams.open("we", Attributes.empty(), HOUR);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<Poll>> read = pool.submit(() -> streams.next("we", "r", Duration.ofSeconds(20)));
            Thread.sleep(200);
            streams.complete("we");
            Poll p = read.get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(p.ended()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBlockingReadReturnsNothingAtItsTimeout() {
        streams.open("t", Attributes.empty(), HOUR);
        long start = System.nanoTime();
        Poll p = streams.next("t", "r", Duration.ofMillis(300)).orElseThrow();
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(p.message()).isEmpty();
        assertThat(p.ended()).isFalse();
        assertThat(elapsed).isBetween(280L, 3_000L);
        assertThat(streams.next("absent", "r", Duration.ofMillis(100))).isEmpty();
    }

    // ---------------------------------------------------------------- bad input

    static Stream<Arguments> badIds() {
        return Stream.of(
                Arguments.of("null", null),
                Arguments.of("empty", ""),
                Arguments.of("257 bytes", "x".repeat(257)),
                Arguments.of("129 two-byte chars", "é".repeat(129)),
                Arguments.of("newline", "a\nb"),
                Arguments.of("NUL", "a\u0000b"),
                Arguments.of("DEL", "a\u007fb"),
                Arguments.of("C1 control", "a\u0085b"),
                Arguments.of("tab", "\t"),
                Arguments.of("unpaired surrogate", "a\uD800b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badIds")
    void badIdsAreRejectedByEverySessionOperationAndChangeNothing(String label, String id) {
        Snapshot before = snapshot();
        List<Runnable> calls = List.of(
                () -> sessions.get(id),
                () -> sessions.put(id, attrs("a", "1"), HOUR),
                () -> sessions.createIfAbsent(id, attrs("a", "1"), HOUR),
                () -> sessions.merge(id, attrs("a", "1")),
                () -> sessions.touch(id, HOUR),
                () -> sessions.getAndTouch(id, HOUR),
                () -> sessions.delete(id),
                () -> sessions.compareAndSet(id, 1, attrs("a", "1")),
                () -> sessions.update(id, a -> a),
                () -> sessions.getAll(Collections.singletonList(id)),
                () -> sessions.putAll(Collections.singletonMap(id, attrs("a", "1")), HOUR));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("id");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badIds")
    void badIdsAreRejectedByEveryStreamOperationAndChangeNothing(String label, String id) {
        Snapshot before = snapshot();
        List<Runnable> calls = List.of(
                () -> streams.open(id, Attributes.empty(), HOUR),
                () -> streams.append(id, bytes("x")),
                () -> streams.complete(id),
                () -> streams.fail(id, "r"),
                () -> streams.next(id, "reader"),
                () -> streams.next(id, "reader", Duration.ofMillis(1)),
                () -> streams.state(id),
                () -> streams.delete(id));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("id");
        }
        assertThatThrownBy(() -> streams.next("seeded-stream", id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reader");
        assertThat(snapshot()).isEqualTo(before);
    }

    static Stream<Arguments> badTtls() {
        return Stream.of(
                Arguments.of("null", null),
                Arguments.of("zero", Duration.ZERO),
                Arguments.of("negative", Duration.ofSeconds(-5)),
                Arguments.of("under a millisecond", Duration.ofNanos(1)),
                Arguments.of("over ten years", Duration.ofDays(3651)),
                Arguments.of("absurd", Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTtls")
    void badTtlsAreRejectedAndChangeNothing(String label, Duration ttl) {
        Snapshot before = snapshot();
        List<Runnable> calls = List.of(
                () -> sessions.create(attrs("a", "1"), ttl),
                () -> sessions.put("seeded", attrs("a", "changed"), ttl),
                () -> sessions.createIfAbsent("new", attrs("a", "1"), ttl),
                () -> sessions.touch("seeded", ttl),
                () -> sessions.getAndTouch("seeded", ttl),
                () -> streams.open("new-stream", Attributes.empty(), ttl));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void nullArgumentsAreRejectedNamingTheArgumentAndChangeNothing() {
        Snapshot before = snapshot();
        assertThatThrownBy(() -> sessions.put("seeded", null, HOUR))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attributes");
        assertThatThrownBy(() -> sessions.merge("seeded", (Attributes) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("set");
        assertThatThrownBy(() -> sessions.merge("seeded", (Merge) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("change");
        assertThatThrownBy(() -> sessions.merge("seeded", Merge.remove("a", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names");
        assertThatThrownBy(() -> sessions.merge("seeded", Merge.remove((String[]) null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names");
        assertThatThrownBy(() -> sessions.replace("seeded", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attributes");
        assertThatThrownBy(() -> sessions.compareAndSet("seeded", 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attributes");
        assertThatThrownBy(() -> sessions.update("seeded", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("change");
        assertThatThrownBy(() -> streams.append("seeded-stream", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payload");
        assertThatThrownBy(() -> streams.fail("seeded-stream", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> streams.open("x", null, HOUR))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata");
        assertThatThrownBy(() -> sessions.ids(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> streams.next("seeded-stream", "r", Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> Attributes.strings(nullValue))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k'");
        Map<String, String> nullName = new HashMap<>();
        nullName.put(null, "v");
        assertThatThrownBy(() -> Attributes.strings(nullName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void valuesAboveTheDeclaredLimitsAreRejectedAndChangeNothing() {
        Snapshot before = snapshot();
        long maxSession = store.limits().maxSessionBytes();
        if (maxSession < 64L * 1024 * 1024) {
            Attributes tooBig = Attributes.bytes(Map.of("v", new byte[(int) maxSession]));
            assertThatThrownBy(() -> sessions.put("seeded", tooBig, HOUR))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxSessionBytes")
                    .hasMessageContaining(Long.toString(maxSession));
            assertThatThrownBy(() -> sessions.merge("seeded", Merge.set(tooBig)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sessions.create(tooBig, HOUR)).isInstanceOf(IllegalArgumentException.class);
        }
        long maxMessage = store.limits().maxMessageBytes();
        if (maxMessage < 64L * 1024 * 1024) {
            assertThatThrownBy(() -> streams.append("seeded-stream", new byte[(int) maxMessage + 1]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxMessageBytes");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    /** What the bad-input tests compare: the seeded session and stream, and the count. */
    protected record Snapshot(
            Attributes seeded,
            Instant seededExpiry,
            long seededVersion,
            long count,
            long streamCount,
            StreamStatus streamStatus) {}

    private Snapshot snapshot() {
        if (sessions.get("seeded").isEmpty()) {
            sessions.put("seeded", attrs("a", "original"), HOUR);
            streams.open("seeded-stream", Attributes.empty(), HOUR);
            streams.append("seeded-stream", bytes("one"));
        }
        Session s = sessions.get("seeded").orElseThrow();
        StreamState st = streams.state("seeded-stream").orElseThrow();
        return new Snapshot(
                s.attributes(), s.expiresAt(), s.version(), sessions.count(), st.messageCount(), st.status());
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code body} on {@code threads} threads released together; rethrows the first failure. */
    protected static void parallel(int threads, ThrowingIntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Callable<Void> c = () -> {
                    start.await();
                    body.accept(id);
                    return null;
                };
                futures.add(pool.submit(c));
            }
            for (Future<Void> f : futures) {
                f.get(4, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A per-thread body that may throw. */
    @FunctionalInterface
    protected interface ThrowingIntConsumer {
        void accept(int thread) throws Exception;
    }
}
