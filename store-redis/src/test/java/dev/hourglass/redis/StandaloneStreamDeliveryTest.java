package dev.hourglass.redis;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;
import dev.hourglass.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Acknowledged delivery, cursor reads and pushed wake-ups against one private redis-server. */
class StandaloneStreamDeliveryTest extends StreamDeliveryContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private String prefix;

    @Override
    protected Store openStore(StoreOptions options) {
        prefix = TestStores.freshPrefix();
        return openAtPrefix(options);
    }

    @Override
    protected Store openSecondNode(StoreOptions options) {
        return openAtPrefix(options);
    }

    private Store openAtPrefix(StoreOptions options) {
        return Hourglass.open(
                redis.uri(), options.toBuilder().property("prefix", prefix).build());
    }
}
