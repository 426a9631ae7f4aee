package dev.hourglass.redis;

import dev.hourglass.contract.CrossProcessContract;
import dev.hourglass.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Atomicity and exactly-once between this JVM and a second one, on one redis-server. */
class StandaloneCrossProcessTest extends CrossProcessContract {

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
