package dev.hourglass.redis;

import dev.hourglass.contract.LimiterCrossProcessContract;
import dev.hourglass.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Limiters shared by this JVM and a second one on one redis-server. */
class StandaloneLimiterCrossProcessTest extends LimiterCrossProcessContract {

    private static RedisServer redis;
    private String uri;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected String storeUri() {
        if (uri == null) {
            uri = redis.uri() + "?prefix=" + TestStores.freshPrefix();
        }
        return uri;
    }
}
