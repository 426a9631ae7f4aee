package dev.hourglass.server;

import dev.hourglass.testkit.RedisServer;
import java.util.List;

/** The limiter endpoints over a private redis-server. */
class RedisLimiterEndpointsTest extends LimiterEndpointsContract {

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
