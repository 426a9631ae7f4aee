package dev.hourglass.redis;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StreamDeliveryContract;
import dev.hourglass.testkit.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Acknowledged delivery, cursor reads and pushed wake-ups against a private three-master Redis Cluster. */
class ClusterStreamDeliveryTest extends StreamDeliveryContract {

    private static RedisCluster cluster;

    @BeforeAll
    static void startRedis() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopRedis() {
        cluster.close();
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
                cluster.uri(), options.toBuilder().property("prefix", prefix).build());
    }
}
