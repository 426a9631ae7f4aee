package dev.hourglass.spring.boot.webapp;

import dev.hourglass.testkit.RedisServer;
import java.util.List;

/** The web application on a private Redis, with save mode ALWAYS (every attribute read is written back). */
class RedisWebAppTest extends WebAppContract {

    private final RedisServer redis = RedisServer.start();

    @Override
    List<String> properties() {
        return List.of("hourglass.store=" + redis.uri() + "?prefix=webapp:", "hourglass.session.save-mode=always");
    }

    @Override
    void stopEngine() {
        redis.close();
    }
}
