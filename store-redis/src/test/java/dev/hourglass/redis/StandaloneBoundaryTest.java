package dev.hourglass.redis;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.BoundaryContract;
import dev.hourglass.testkit.RedisServer;

/** The boundary properties against one private redis-server. */
class StandaloneBoundaryTest extends BoundaryContract {

    private RedisServer redis;

    @Override
    protected Store openStore(StoreOptions options) {
        redis = RedisServer.start();
        return TestStores.open(redis.uri(), options);
    }

    @Override
    protected void release(Store store) {
        super.release(store);
        redis.close();
    }
}
