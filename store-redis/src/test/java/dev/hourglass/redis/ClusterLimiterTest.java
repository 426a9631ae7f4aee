package dev.hourglass.redis;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.LimiterContract;
import dev.hourglass.testkit.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The limiter contract against a private three-master Redis Cluster: one key, one slot per limiter key. */
class ClusterLimiterTest extends LimiterContract {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected Store openStore(StoreOptions options) {
        return TestStores.open(cluster.uri(), options);
    }
}
