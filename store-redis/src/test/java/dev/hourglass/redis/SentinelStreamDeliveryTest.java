package dev.hourglass.redis;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;
import dev.hourglass.testkit.RedisSentinel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Acknowledged delivery, cursor reads and pushed wake-ups against a master found through a private Sentinel. */
class SentinelStreamDeliveryTest extends StreamDeliveryContract {

    private static RedisSentinel sentinel;

    @BeforeAll
    static void startRedis() {
        sentinel = RedisSentinel.start();
    }

    @AfterAll
    static void stopRedis() {
        sentinel.close();
    }

    @Override
    protected Store openStore(StoreOptions options) {
        return TestStores.open(sentinel.uri(), options);
    }
}
