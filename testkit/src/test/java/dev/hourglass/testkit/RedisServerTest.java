package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    @AfterAll
    static void noLeaks() {
        Leaks.assertNoChildProcesses();
    }

    @Test
    void answersSurvivesKillAndReleasesEverythingOnClose() {
        RedisServer redis = RedisServer.start();
        int port = redis.port();
        try (redis) {
            assertEquals("redis://127.0.0.1:" + port, redis.uri());
            assertEquals("PONG", redis.command("PING"));
            assertEquals("OK", redis.command("SET", "k", "v"));
            assertEquals("v", redis.command("GET", "k"));
            assertNull(redis.command("GET", "missing"));
            assertEquals(1L, redis.command("DBSIZE"));
            assertEquals(List.of("k"), redis.command("KEYS", "*"));
            assertEquals(-1L, redis.command("TTL", "k"));
            assertTrue(((String) redis.command("INFO", "commandstats")).contains("cmdstat_set:calls=1"));
            Resp.ErrorReply error = assertThrows(Resp.ErrorReply.class, () -> redis.command("NO-SUCH-COMMAND"));
            assertTrue(error.getMessage().startsWith("ERR unknown command"), error.getMessage());

            redis.kill();
            assertFalse(redis.isRunning());
            assertThrows(UncheckedIOException.class, () -> redis.command("PING"));

            redis.restart();
            assertTrue(redis.isRunning());
            assertEquals("PONG", redis.command("PING"));
            assertEquals(0L, redis.command("DBSIZE"), "a restarted server starts empty");

            redis.stop();
            assertFalse(redis.isRunning());
            redis.restart();
            assertEquals("PONG", redis.command("PING"));
        }
        assertFalse(redis.isRunning());
        Leaks.assertReleased(port, "hourglass-redis-server-");
        assertThrows(IllegalStateException.class, redis::restart);
        redis.close();
    }

    @Test
    void passesExtraArguments() {
        try (RedisServer redis = RedisServer.start("--notify-keyspace-events", "Ex")) {
            assertEquals(
                    List.of("notify-keyspace-events", "xE"), redis.command("CONFIG", "GET", "notify-keyspace-events"));
            assertEquals("OK", redis.command("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        }
    }

    @Test
    void reportsTheLogWhenTheServerCannotStart() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> RedisServer.start("--no-such-option", "1"));
        assertTrue(e.getMessage().contains("exited with code 1"), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-option"), e.getMessage());
    }

    @Test
    void retriesOnAnotherPortThenGivesUpWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(FreePorts.loopback(), 0));
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> RedisServer.start("--port", Integer.toString(taken.getLocalPort())));
            assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
        }
    }
}
