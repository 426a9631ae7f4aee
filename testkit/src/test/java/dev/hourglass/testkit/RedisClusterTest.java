package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RedisClusterTest {

    @AfterAll
    static void noLeaks() {
        Leaks.assertNoChildProcesses();
    }

    @Test
    void formsAClusterCoveringAllSlots() {
        RedisCluster cluster = RedisCluster.start();
        List<Integer> ports;
        try (cluster) {
            ports = cluster.servers().stream().map(RedisServer::port).toList();
            assertEquals(3, cluster.nodes().size());
            assertEquals(
                    "redis-cluster://127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1) + ",127.0.0.1:"
                            + ports.get(2),
                    cluster.uri());
            for (RedisServer node : cluster.servers()) {
                assertTrue(((String) node.command("CLUSTER", "INFO")).contains("cluster_state:ok"));
            }

            List<?> slots = (List<?>) cluster.servers().get(0).command("CLUSTER", "SLOTS");
            long covered = 0;
            for (Object range : slots) {
                List<?> r = (List<?>) range;
                covered += (Long) r.get(1) - (Long) r.get(0) + 1;
            }
            assertEquals(16384, covered);

            String key = "session:42";
            long slot = (Long) cluster.servers().get(0).command("CLUSTER", "KEYSLOT", key);
            RedisServer owner = owner(cluster, slots, slot);
            assertEquals("OK", owner.command("SET", key, "v"));
            assertEquals("v", owner.command("GET", key));
            RedisServer other = cluster.servers().stream()
                    .filter(s -> s != owner)
                    .findFirst()
                    .orElseThrow();
            Resp.ErrorReply moved = assertThrows(Resp.ErrorReply.class, () -> other.command("GET", key));
            assertTrue(moved.getMessage().startsWith("MOVED " + slot), moved.getMessage());
        }
        for (int port : ports) {
            Leaks.assertReleased(port, "hourglass-redis-cluster-node-");
        }
    }

    private static RedisServer owner(RedisCluster cluster, List<?> slots, long slot) {
        for (Object range : slots) {
            List<?> r = (List<?>) range;
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                long port = (Long) ((List<?>) r.get(2)).get(1);
                return cluster.servers().stream()
                        .filter(s -> s.port() == port)
                        .findFirst()
                        .orElseThrow();
            }
        }
        throw new AssertionError("no node owns slot " + slot);
    }
}
