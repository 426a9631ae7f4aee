package dev.hourglass.redis;

import dev.hourglass.Hourglass;
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
                sentinel.uri(), options.toBuilder().property("prefix", prefix).build());
    }
}
