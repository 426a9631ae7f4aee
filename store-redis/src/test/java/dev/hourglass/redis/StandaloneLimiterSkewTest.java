package dev.hourglass.redis;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.LimiterSkewContract;
import dev.hourglass.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Two stores on one redis-server whose clocks differ by 2 s. */
class StandaloneLimiterSkewTest extends LimiterSkewContract {

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
        if (prefix == null) {
            prefix = TestStores.freshPrefix();
        }
        return Hourglass.open(
                redis.uri(), options.toBuilder().property("prefix", prefix).build());
    }

    @AfterEach
    void forgetPrefix() {
        prefix = null;
    }
}
