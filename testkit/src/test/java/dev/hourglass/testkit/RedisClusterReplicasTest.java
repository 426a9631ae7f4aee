package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RedisClusterReplicasTest {

    @AfterAll
    static void noLeaks() {
        Leaks.assertNoChildProcesses();
    }

    @Test
    void mastersWithReplicasMoveSlotsAndFailOver() {
        RedisCluster cluster = RedisCluster.start(3, 1);
        List<Integer> ports;
        try (cluster) {
            ports = cluster.servers().stream().map(RedisServer::port).toList();
            assertEquals(6, cluster.servers().size());
            List<RedisServer> masters = cluster.masters();
            assertEquals(3, masters.size());
            for (RedisServer master : masters) {
                assertEquals(1, cluster.replicasOf(master).size(), "replicas of " + master);
            }

            String key = "session:42";
            int slot = ((Long) masters.get(0).command("CLUSTER", "KEYSLOT", key)).intValue();
            RedisServer owner = cluster.ownerOf(slot);
            owner.command("SET", key, "v");
            RedisServer target =
                    masters.stream().filter(m -> m != owner).findFirst().orElseThrow();
            assertEquals(1, cluster.moveSlots(slot, slot, target));
            assertEquals(target, cluster.ownerOf(slot));
            assertEquals("v", target.command("GET", key));
            Resp.ErrorReply moved = assertThrows(Resp.ErrorReply.class, () -> owner.command("GET", key));
            assertTrue(moved.getMessage().equals("MOVED " + slot + " 127.0.0.1:" + target.port()), moved.getMessage());
            assertEquals(0, cluster.moveSlots(slot, slot, target), "a slot the target owns stays");

            RedisServer replica = cluster.replicasOf(target).get(0);
            // replication is asynchronous: the moved key must be on the replica before its master dies
            assertEquals(1L, target.command("WAIT", "1", "10000"));
            RedisServer promoted = cluster.failMaster(target, Duration.ofSeconds(30));
            assertEquals(replica, promoted);
            assertNotSame(target, promoted);
            assertEquals(promoted, cluster.ownerOf(slot));
            assertEquals("v", promoted.command("GET", key));
            assertEquals(3, cluster.masters().size());

            assertThrows(IllegalArgumentException.class, () -> cluster.failMaster(target, Duration.ofSeconds(1)));
            assertThrows(IllegalArgumentException.class, () -> cluster.moveSlots(-1, 3, promoted));
            assertThrows(IllegalArgumentException.class, () -> cluster.moveSlots(5, 16384, promoted));
            assertThrows(IllegalArgumentException.class, () -> cluster.moveSlots(9, 8, promoted));
            assertThrows(
                    IllegalArgumentException.class, () -> cluster.moveSlots(9, 9, promoted, Duration.ofSeconds(11)));
            RedisServer aReplica = cluster.servers().stream()
                    .filter(s -> s.isRunning() && !cluster.masters().contains(s))
                    .findFirst()
                    .orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> cluster.moveSlots(slot, slot, aReplica));
        }
        for (int port : ports) {
            Leaks.assertReleased(port, "hourglass-redis-cluster-node-");
        }
    }

    @Test
    void rejectsSizesOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisCluster.start(2, 1));
        assertTrue(e.getMessage().contains("masters") && e.getMessage().contains("2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RedisCluster.start(3, 3));
        assertTrue(
                e.getMessage().contains("replicasPerMaster") && e.getMessage().contains("3"), e.getMessage());
    }
}
