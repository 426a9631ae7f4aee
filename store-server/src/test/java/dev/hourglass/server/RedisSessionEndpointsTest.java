package dev.hourglass.server;

import dev.hourglass.testkit.RedisServer;
import java.util.List;

/** The same endpoints over a private redis-server: the HTTP layer does not depend on the store. */
class RedisSessionEndpointsTest extends SessionEndpointsContract {

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
