package dev.hourglass.redis;

import dev.hourglass.contract.CrossProcessContract;
import dev.hourglass.testkit.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Atomicity and exactly-once between this JVM and a second one, on a three-master Cluster. */
class ClusterCrossProcessTest extends CrossProcessContract {

    private static RedisCluster cluster;
    private String uri;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected String storeUri() {
        if (uri == null) {
            uri = cluster.uri() + "?prefix=" + TestStores.freshPrefix();
        }
        return uri;
    }
}
