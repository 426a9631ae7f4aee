package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;
import dev.hourglass.testkit.RedisCluster;
import dev.hourglass.testkit.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole contract against a private three-master Redis Cluster. */
class ClusterContractTest extends StoreContract {

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

    @Test
    void sessionsAndTheirIndexesSpreadOverEveryMaster() {
        Map<RedisServer, Long> before = new java.util.HashMap<>();
        for (RedisServer s : cluster.servers()) {
            before.put(s, ((Number) s.command("DBSIZE")).longValue());
        }
        for (int i = 0; i < 300; i++) {
            sessions.put("spread-" + i, Attributes.empty(), HOUR);
        }
        for (RedisServer s : cluster.servers()) {
            assertThat(((Number) s.command("DBSIZE")).longValue() - before.get(s))
                    .as("new keys on %s", s)
                    .isGreaterThan(30);
        }
        assertThat(sessions.count()).isEqualTo(300);
    }
}
