package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Capability;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Degraded mode: memory while Redis is unreachable, Redis again when it is back; off by default. */
class FallbackTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private static Attributes attrs(String v) {
        return Attributes.strings(Map.of("v", v));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void servesFromMemoryWhileRedisIsDownAndFromRedisWhenItIsBack() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RedisServer redis = RedisServer.start()) {
            String uri = redis.uri() + "?prefix=fb:&fallback=memory";
            try (Store store = Hourglass.open(
                            uri,
                            StoreOptions.builder()
                                    .timeout(Duration.ofMillis(300))
                                    .meterRegistry(meters)
                                    .sweeperAutoStart(false)
                                    .build());
                    Store plain = Hourglass.open(
                            redis.uri() + "?prefix=fb:",
                            StoreOptions.builder().sweeperAutoStart(false).build())) {
                assertThat(store.capabilities()).doesNotContain(Capability.CROSS_NODE, Capability.CROSS_PROCESS);
                store.sessions().put("before", attrs("redis"), HOUR);
                assertThat(plain.sessions().get("before")).isPresent();
                assertThat(meters.get("hourglass.redis.degraded").gauge().value())
                        .isZero();

                redis.kill();
                store.sessions().put("during", attrs("memory"), HOUR);
                assertThat(store.sessions()
                                .get("during")
                                .orElseThrow()
                                .attributes()
                                .getString("v"))
                        .isEqualTo("memory");
                assertThat(store.sessions().get("before"))
                        .as("Redis's sessions are not visible during the outage")
                        .isEmpty();
                assertThat(store.streams().open("chat", Attributes.empty(), HOUR))
                        .isTrue();
                store.streams().append("chat", "hi".getBytes(StandardCharsets.UTF_8));
                assertThat(store.streams().next("chat", "r").orElseThrow().message())
                        .isPresent();
                assertThat(meters.get("hourglass.redis.degraded").gauge().value())
                        .isEqualTo(1);
                assertThat(meters.get("hourglass.redis.fallback.calls")
                                .functionCounter()
                                .count())
                        .isGreaterThanOrEqualTo(5);
                assertThat(store.isHealthy()).isFalse();

                redis.restart();
                await(
                        "the store serves from Redis again",
                        () -> meters.get("hourglass.redis.degraded").gauge().value() == 0);
                assertThat(store.sessions().get("during"))
                        .as("written during the outage, dropped on return")
                        .isEmpty();
                assertThat(meters.get("hourglass.redis.fallback.dropped")
                                .functionCounter()
                                .count())
                        .isEqualTo(1);
                store.sessions().put("after", attrs("redis"), HOUR);
                assertThat(plain.sessions()
                                .get("after")
                                .orElseThrow()
                                .attributes()
                                .getString("v"))
                        .isEqualTo("redis");
                assertThat(store.isHealthy()).isTrue();
            }
        }
    }

    @Test
    void opensInDegradedModeWhenRedisIsDownAndSwitchesWhenItStarts() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.kill();
            try (Store store = Hourglass.open(
                    redis.uri() + "?fallback=memory",
                    StoreOptions.builder()
                            .timeout(Duration.ofMillis(300))
                            .sweeperAutoStart(false)
                            .build())) {
                store.sessions().put("x", attrs("memory"), HOUR);
                assertThat(store.sessions().get("x")).isPresent();
                redis.restart();
                await("Redis is used", store::isHealthy);
                await(
                        "the memory copy is dropped",
                        () -> store.sessions().get("x").isEmpty());
                store.sessions().put("y", attrs("redis"), HOUR);
                assertThat(((Number) redis.command("DBSIZE")).longValue()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void withoutTheOptionAnOutageFailsCalls() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Store store = Hourglass.open(
                        redis.uri(),
                        StoreOptions.builder()
                                .timeout(Duration.ofMillis(300))
                                .sweeperAutoStart(false)
                                .build())) {
            assertThat(store.capabilities())
                    .contains(Capability.CROSS_NODE, Capability.CROSS_PROCESS, Capability.NATIVE_TTL)
                    .doesNotContain(Capability.PERSISTENT);
            redis.kill();
            assertThatThrownBy(() -> store.sessions().put("x", attrs("v"), HOUR))
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }
}
