package dev.hourglass.server;

import dev.hourglass.testkit.RedisServer;
import java.util.List;

/** The fan-out stress over a private redis-server. */
class FanOutRedisStressTest extends FanOutStressContract {

    private RedisServer redis;

    @Override
    List<AutoCloseable> engines() {
        redis = RedisServer.start();
        return List.of(redis);
    }

    @Override
    String storeUri() {
        return redis.uri();
    }
}
