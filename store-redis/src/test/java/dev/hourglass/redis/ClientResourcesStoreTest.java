package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RedisStores#open} on an application's client resources, on a private Redis. */
class ClientResourcesStoreTest {

    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Test
    void theStoreRunsOnTheApplicationsResourcesAndLeavesThemRunning() {
        ClientResources resources = DefaultClientResources.create();
        RedisClient application = RedisClient.create(resources, redis.uri());
        try (StatefulRedisConnection<String, String> own = application.connect()) {
            try (Store store = RedisStores.open(resources, redis.uri() + "/0?prefix=given:", StoreOptions.defaults())) {
                store.sessions().put("s", Attributes.strings(Map.of("a", "1")), Duration.ofMinutes(5));
                assertThat(store.sessions().get("s").orElseThrow().attributes().getString("a"))
                        .isEqualTo("1");
                assertThat(own.sync().keys("given:*"))
                        .as("the store's keys are under its prefix on the same server")
                        .isNotEmpty();
            }
            assertThat(resources.eventExecutorGroup().isShuttingDown())
                    .as("closing the store leaves the application's resources running")
                    .isFalse();
            assertThat(own.sync().ping()).isEqualTo("PONG");
            try (Store again = RedisStores.open(resources, redis.uri() + "/0?prefix=given:", StoreOptions.defaults())) {
                assertThat(again.sessions().get("s")).isPresent();
            }
        } finally {
            application.shutdown();
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Test
    void badArgumentsAreNamedAndShutDownResourcesAreRefused() {
        assertThatThrownBy(() -> RedisStores.open(null, redis.uri(), StoreOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resources must not be null");
        ClientResources resources = DefaultClientResources.create();
        try {
            assertThatThrownBy(() -> RedisStores.open(resources, "jdbc:postgresql://h/db", StoreOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("uri must start with one of the provider's schemes");
            assertThatThrownBy(() -> RedisStores.open(resources, "redis://u:secret@h?bogus=1", StoreOptions.defaults()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bogus")
                    .hasMessageNotContaining("secret");
            assertThatThrownBy(() -> RedisStores.open(resources, redis.uri(), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("options");
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        assertThatThrownBy(() -> RedisStores.open(resources, redis.uri(), StoreOptions.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shut down");
    }

    @Test
    void aDeadServerFailsFastOnTheApplicationsResourcesToo() {
        ClientResources resources = DefaultClientResources.create();
        try {
            RedisServer dead = RedisServer.start();
            String uri = dead.uri();
            dead.close();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> RedisStores.open(
                            resources,
                            uri,
                            StoreOptions.builder()
                                    .timeout(Duration.ofMillis(500))
                                    .build()))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(3_000);
            assertThat(resources.eventExecutorGroup().isShuttingDown()).isFalse();
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
