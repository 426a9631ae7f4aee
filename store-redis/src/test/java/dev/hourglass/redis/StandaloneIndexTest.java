package dev.hourglass.redis;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.IndexContract;
import dev.hourglass.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The session index on a private redis-server. */
class StandaloneIndexTest extends IndexContract {

    private static RedisServer redis;
    private String uri;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open(sharedUri(), options);
    }

    @Override
    protected String sharedUri() {
        if (uri == null) {
            uri = redis.uri() + "?prefix=" + TestStores.freshPrefix();
        }
        return uri;
    }
}
