package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Redis killed in the middle of a load: every call either succeeds or fails as unavailable within
 * the timeout (no hang, nothing queued without bound), and calls succeed again once Redis is back,
 * on the same store.
 */
class OutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final long SLACK_MILLIS = 700;

    @Test
    void callsFailFastWhileRedisIsDownAndSucceedAgainAfterARestart() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Store store = Hourglass.open(
                        redis.uri(),
                        StoreOptions.builder()
                                .timeout(TIMEOUT)
                                .sweeperAutoStart(false)
                                .build())) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            AtomicLong unavailable = new AtomicLong();
            AtomicLong slowest = new AtomicLong();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    int i = 0;
                    while (running.get()) {
                        String id = "load-" + thread + "-" + (i++ % 100);
                        long start = System.nanoTime();
                        try {
                            if (i % 2 == 0) {
                                store.sessions()
                                        .put(
                                                id,
                                                Attributes.strings(Map.of("i", Integer.toString(i))),
                                                Duration.ofHours(1));
                            } else {
                                store.sessions().get(id);
                            }
                            ok.incrementAndGet();
                        } catch (StoreUnavailableException e) {
                            unavailable.incrementAndGet();
                        } catch (Throwable e) {
                            unexpected.compareAndSet(null, e);
                        }
                        slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                    }
                }));
            }
            Thread.sleep(300);
            assertThat(ok.get()).as("calls before the kill").isPositive();
            redis.kill();
            long okAtKill = ok.get();
            Thread.sleep(1_500);
            assertThat(unavailable.get())
                    .as("calls failed as unavailable while down")
                    .isPositive();
            assertThat(slowest.get())
                    .as("slowest call in ms (timeout %s)", TIMEOUT)
                    .isLessThan(TIMEOUT.toMillis() + SLACK_MILLIS);

            redis.restart();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long okAtRestart = ok.get();
            while (ok.get() < okAtRestart + 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            running.set(false);
            for (Future<?> w : workers) {
                w.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(unexpected.get())
                    .as("only StoreUnavailableException while down")
                    .isNull();
            assertThat(ok.get()).as("calls after the restart").isGreaterThanOrEqualTo(okAtRestart + 100);
            assertThat(ok.get()).isGreaterThan(okAtKill);
            assertThat(slowest.get()).isLessThan(TIMEOUT.toMillis() + SLACK_MILLIS);

            Session s = store.sessions().put("after", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
            assertThat(store.sessions().get("after")).map(Session::version).contains(s.version());
            assertThat(store.isHealthy()).isTrue();
        }
    }

    @Test
    void aServerThatStopsAnsweringFailsCallsWithinTheTimeout() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Store store = Hourglass.open(
                        redis.uri(),
                        StoreOptions.builder()
                                .timeout(TIMEOUT)
                                .sweeperAutoStart(false)
                                .build())) {
            store.sessions().put("p", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
            redis.command("CLIENT", "PAUSE", "2000", "ALL");
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.sessions().get("p"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("timeout");
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsed).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + SLACK_MILLIS);
            long healthStart = System.nanoTime();
            assertThat(store.isHealthy()).isFalse();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healthStart))
                    .isLessThan(TIMEOUT.toMillis() + SLACK_MILLIS);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Optional<Session> back = Optional.empty();
            while (back.isEmpty() && System.nanoTime() < until) {
                try {
                    back = store.sessions().get("p");
                } catch (StoreUnavailableException e) {
                    Thread.sleep(50);
                }
            }
            assertThat(back).as("answers again once the pause ends").isPresent();
        }
    }

    @Test
    void openingAStoreOnADeadServerFailsAsUnavailableWithinTheTimeout() {
        RedisServer redis = RedisServer.start();
        String uri = redis.uri();
        redis.close();
        long start = System.nanoTime();
        assertThatThrownBy(() -> Hourglass.open(
                        uri, StoreOptions.builder().timeout(TIMEOUT).build()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining(uri.substring("redis://".length()));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(TIMEOUT.toMillis() + 2_000);
    }

    @Test
    void queuedCommandsAreBounded() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Store store = Hourglass.open(
                        redis.uri() + "?buckets=16&requestQueueSize=100",
                        StoreOptions.builder()
                                .timeout(Duration.ofSeconds(2))
                                .sweeperAutoStart(false)
                                .build())) {
            redis.command("CLIENT", "PAUSE", "1500", "ALL");
            Map<String, Attributes> batch = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 500; i++) {
                batch.put("q" + i, Attributes.empty());
            }
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            try {
                store.sessions().getAll(batch.keySet());
            } catch (StoreUnavailableException e) {
                errors.add(e);
            }
            assertThat(errors).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("requestQueueSize"));
            Thread.sleep(1_600);
            assertThat(store.sessions().getAll(batch.keySet().stream().limit(50).toList()))
                    .isEmpty();
        }
    }
}
