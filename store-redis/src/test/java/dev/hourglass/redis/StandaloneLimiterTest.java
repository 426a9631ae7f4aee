package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.SlidingWindow;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.TokenBucket;
import dev.hourglass.contract.LimiterContract;
import dev.hourglass.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The limiter contract against one private redis-server, and what Redis itself must hold. */
class StandaloneLimiterTest extends LimiterContract {

    private static RedisServer redis;
    private String prefix;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected Store openStore(StoreOptions options) {
        prefix = TestStores.freshPrefix();
        return Hourglass.open(
                redis.uri(), options.toBuilder().property("prefix", prefix).build());
    }

    @Test
    void everyLimiterKeyCarriesItsOwnExpiry() {
        limiters.take(Quota.rolling("ttl-quota", 5, Duration.ofMinutes(2)), "k");
        limiters.take(SlidingWindow.exact("ttl-exact", 5, Duration.ofMinutes(3)), "k");
        limiters.take(SlidingWindow.approximate("ttl-approx", 5, Duration.ofMinutes(1)), "k");
        limiters.take(TokenBucket.of("ttl-bucket", 5, 1, Duration.ofSeconds(10)), "k");
        Permits p = Permits.of("ttl-permits", 3, Duration.ofSeconds(30));
        String id = limiters.acquire(p, "k").permit().orElseThrow().id();
        List<?> keys = (List<?>) redis.command("KEYS", prefix + "r*");
        assertThat(keys).hasSize(5);
        assertThat(pttl("q:ttl-quota:k")).isBetween(119_000L, 121_000L);
        assertThat(pttl("s:ttl-exact:k")).isBetween(179_000L, 181_000L);
        assertThat(pttl("a:ttl-approx:k")).isBetween(60_000L, 121_000L);
        assertThat(pttl("b:ttl-bucket:k")).as("until the bucket is full again").isBetween(9_000L, 11_000L);
        assertThat(pttl("p:ttl-permits:k")).isBetween(29_000L, 31_000L);
        clock.advance(Duration.ofSeconds(20));
        assertThat(limiters.renew(p, "k", id)).isTrue();
        assertThat(pttl("p:ttl-permits:k")).as("renewed from the store's clock").isBetween(29_000L, 31_000L);
        assertThat(limiters.release(p, "k", id)).isTrue();
        assertThat(limiters.take(TokenBucket.of("ttl-bucket", 5, 1, Duration.ofMillis(1)), "k")
                        .admitted())
                .isTrue();
    }

    @Test
    void aFlushedScriptCacheIsLoadedAgain() {
        Quota q = Quota.rolling("flushed", 2, Duration.ofMinutes(1));
        assertThat(limiters.take(q, "k").admitted()).isTrue();
        redis.command("SCRIPT", "FLUSH");
        assertThat(limiters.take(q, "k").remaining()).isZero();
        assertThat(limiters.acquire(Permits.of("flushed", 1, Duration.ofSeconds(5)), "k")
                        .admitted())
                .isTrue();
    }

    private long pttl(String storedKey) {
        return ((Number) redis.command("PTTL", prefix + "r" + storedKey)).longValue();
    }
}
