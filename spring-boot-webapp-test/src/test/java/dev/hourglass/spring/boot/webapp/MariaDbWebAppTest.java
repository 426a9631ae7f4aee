package dev.hourglass.spring.boot.webapp;

import dev.hourglass.testkit.MariaDbServer;
import java.util.List;

/** The web application on a private MariaDB; save mode on-set-attribute. */
class MariaDbWebAppTest extends WebAppContract {

    private final MariaDbServer db = MariaDbServer.start();

    @Override
    List<String> properties() {
        return List.of("hourglass.store=jdbc:mariadb://root@" + db.host() + ":" + db.port() + "/"
                + MariaDbServer.DATABASE + "?tablePrefix=webapp_");
    }

    @Override
    void stopEngine() {
        db.close();
    }
}
