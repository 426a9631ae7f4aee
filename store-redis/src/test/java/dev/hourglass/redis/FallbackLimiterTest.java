package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Limiters in degraded mode: counted in Redis while it answers, in this node's memory while it does not. */
class FallbackLimiterTest {

    /** Waits until the store answers from Redis (a loaded machine may open it degraded). */
    private static void awaitRedis(SimpleMeterRegistry meters) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (degraded(meters) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(degraded(meters)).as("the store serves from Redis").isFalse();
    }

    private static boolean degraded(SimpleMeterRegistry meters) {
        return meters.get("hourglass.redis.degraded").gauge().value() != 0;
    }

    @Test
    void countsMoveToMemoryDuringAnOutageAndBackToRedisAfterIt() throws Exception {
        Quota q = Quota.rolling("fallback-quota", 3, Duration.ofHours(1));
        Permits p = Permits.of("fallback-permits", 1, Duration.ofMinutes(5));
        try (RedisServer redis = RedisServer.start()) {
            String uri = redis.uri() + "?prefix=fbl:&fallback=memory";
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Store store = Hourglass.open(
                            uri,
                            StoreOptions.builder()
                                    .timeout(Duration.ofSeconds(2))
                                    .meterRegistry(meters)
                                    .sweeperAutoStart(false)
                                    .build());
                    Store plain = Hourglass.open(
                            redis.uri() + "?prefix=fbl:",
                            StoreOptions.builder().sweeperAutoStart(false).build())) {
                awaitRedis(meters);
                assertThat(store.limiters().take(q, "k", 2).remaining()).isEqualTo(1);
                assertThat(plain.limiters().take(q, "k").remaining())
                        .as("counted in Redis")
                        .isZero();
                assertThat(store.limiters().acquire(p, "k").admitted()).isTrue();

                redis.kill();
                assertThat(store.limiters().take(q, "k").remaining())
                        .as("served at once from memory")
                        .isEqualTo(2);
                assertThat(degraded(meters)).isTrue();
                assertThat(store.limiters().take(q, "k").remaining())
                        .as("this node's own count")
                        .isEqualTo(1);
                assertThat(store.limiters().acquire(p, "k").admitted())
                        .as("Redis's permit is not seen")
                        .isTrue();
                assertThat(store.limiters().inUse(p, "k")).isEqualTo(1);

                redis.restart();
                awaitRedis(meters);
                assertThat(store.limiters().take(q, "after").remaining()).isEqualTo(2);
                assertThat(plain.limiters().take(q, "after").remaining())
                        .as("counted in Redis again")
                        .isEqualTo(1);
            }
        }
    }
}
