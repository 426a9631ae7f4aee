package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RedisSentinelFailoverTest {

    @AfterAll
    static void noLeaks() {
        Leaks.assertNoChildProcesses();
    }

    @Test
    void aHeldReplicaLagsAndLosesWhatItMissedWhenItsMasterIsKilled() throws InterruptedException {
        RedisSentinel redis = RedisSentinel.start(Duration.ofMillis(1_000));
        int sentinelPort = redis.sentinelPort();
        try (redis) {
            RedisServer master = redis.master();
            RedisServer replica = redis.replica();
            master.command("SET", "before", "1");
            Await.until(
                    "the replica to receive 'before'",
                    Duration.ofSeconds(5),
                    () -> "1".equals(replica.command("GET", "before")));

            redis.holdReplication();
            master.command("SET", "held", "1");
            Thread.sleep(300);
            assertNull(replica.command("GET", "held"), "nothing reaches the replica while replication is held");
            redis.releaseReplication();
            Await.until(
                    "the replica to catch up", Duration.ofSeconds(5), () -> "1".equals(replica.command("GET", "held")));

            redis.holdReplication();
            master.command("SET", "lost", "1");
            redis.killMaster();
            assertSame(replica, redis.awaitPromotion(Duration.ofSeconds(20)));
            assertEquals("master", ((List<?>) replica.command("ROLE")).get(0));
            assertEquals(
                    List.of("127.0.0.1", Integer.toString(replica.port())),
                    Resp.call(redis.host(), sentinelPort, "SENTINEL", "get-master-addr-by-name", redis.masterName()));
            assertEquals("1", replica.command("GET", "held"));
            assertNull(replica.command("GET", "lost"), "what the master wrote while replication was held is lost");
        }
        Leaks.assertReleased(sentinelPort, "hourglass-redis-sentinel-");
    }

    @Test
    void rejectsADownAfterOutOfRange() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RedisSentinel.start(Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("downAfter") && e.getMessage().contains("PT0.05S"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisSentinel.start(Duration.ofMinutes(2)));
    }
}
