package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.contract.EngineControl;
import dev.hourglass.contract.OutageContract;
import dev.hourglass.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis killed in the middle of a load (the outage contract, with kill -9), and what is particular
 * to Redis: a server that stops answering, opening on a dead server, and the bounded request queue.
 */
class OutageTest extends OutageContract {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final long SLACK_MILLIS = 700;

    @Override
    protected EngineControl startEngine() {
        RedisServer redis = RedisServer.start();
        return EngineControl.of(redis.uri(), redis::kill, redis::restart, redis::close);
    }

    @Override
    protected Duration timeout() {
        return TIMEOUT;
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
