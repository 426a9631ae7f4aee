package dev.hourglass.redis;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.IndexContract;
import dev.hourglass.testkit.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The session index on a private three-master Redis Cluster. */
class ClusterIndexTest extends IndexContract {

    private static RedisCluster cluster;
    private String uri;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(sharedUri(), options);
    }

    @Override
    protected String sharedUri() {
        if (uri == null) {
            uri = cluster.uri() + "?prefix=" + TestStores.freshPrefix();
        }
        return uri;
    }
}
