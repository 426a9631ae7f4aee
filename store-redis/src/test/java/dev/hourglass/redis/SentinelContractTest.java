package dev.hourglass.redis;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;
import dev.hourglass.testkit.RedisSentinel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole contract against a master found through a private Sentinel. */
class SentinelContractTest extends StoreContract {

    private static RedisSentinel sentinel;

    @BeforeAll
    static void startSentinel() {
        sentinel = RedisSentinel.start();
    }

    @AfterAll
    static void stopSentinel() {
        sentinel.close();
    }

    @Override
    protected Store openStore(StoreOptions options) {
        return TestStores.open(sentinel.uri(), options);
    }
}
