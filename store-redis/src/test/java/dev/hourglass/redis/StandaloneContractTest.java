package dev.hourglass.redis;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;
import dev.hourglass.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole contract against one private redis-server. */
class StandaloneContractTest extends StoreContract {

    private static RedisServer redis;

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
        return TestStores.open(redis.uri(), options);
    }
}
