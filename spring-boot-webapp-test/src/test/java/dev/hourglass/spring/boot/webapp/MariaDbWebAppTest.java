package dev.hourglass.spring.boot.webapp;

import dev.hourglass.testkit.MariaDbServer;
import java.util.List;

/**
 * The web application on a private MariaDB through its own connection pool ({@code hourglass.store=jdbc}:
 * the store runs over the application's DataSource bean); save mode on-set-attribute.
 */
class MariaDbWebAppTest extends WebAppContract {

    private final MariaDbServer db = MariaDbServer.start();

    @Override
    List<String> properties() {
        return List.of(
                "hourglass.store=jdbc", "webapp.datasource.url=" + db.jdbcUrl(), "webapp.datasource.user=" + db.user());
    }

    @Override
    void stopEngine() {
        db.close();
    }
}
