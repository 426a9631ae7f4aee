package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RedisSentinelTest {

    @AfterAll
    static void noLeaks() {
        Leaks.assertNoChildProcesses();
    }

    @Test
    void monitorsTheMasterAndFailsOverToTheReplica() {
        RedisSentinel sentinel = RedisSentinel.start();
        int sentinelPort = sentinel.sentinelPort();
        try (sentinel) {
            assertEquals("mymaster", sentinel.masterName());
            assertEquals("redis-sentinel://127.0.0.1:" + sentinelPort + "/0#mymaster", sentinel.uri());
            String masterPort = Integer.toString(sentinel.master().port());
            assertEquals(List.of("127.0.0.1", masterPort), masterAddress(sentinel));
            IllegalStateException direct = assertThrows(IllegalStateException.class, sentinel::holdReplication);
            assertTrue(direct.getMessage().contains("start(Duration)"), direct.getMessage());

            sentinel.master().command("SET", "k", "v");
            Await.until(
                    "the replica to receive k",
                    Duration.ofSeconds(5),
                    () -> "v".equals(sentinel.replica().command("GET", "k")));

            sentinel.master().kill();
            Await.until(
                    "the sentinel to promote the replica",
                    Duration.ofSeconds(30),
                    () -> List.of(
                                    "127.0.0.1",
                                    Integer.toString(sentinel.replica().port()))
                            .equals(masterAddress(sentinel)));
            assertEquals("master", ((List<?>) sentinel.replica().command("ROLE")).get(0));

            sentinel.master().restart();
            assertEquals("PONG", sentinel.master().command("PING"));
        }
        Leaks.assertReleased(sentinelPort, "hourglass-redis-sentinel-");
    }

    private static Object masterAddress(RedisSentinel sentinel) {
        return Resp.call(
                sentinel.host(), sentinel.sentinelPort(), "SENTINEL", "get-master-addr-by-name", sentinel.masterName());
    }
}
