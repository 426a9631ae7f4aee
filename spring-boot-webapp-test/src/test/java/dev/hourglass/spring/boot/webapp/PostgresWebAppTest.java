package dev.hourglass.spring.boot.webapp;

import dev.hourglass.testkit.PostgresServer;
import java.util.List;

/** The web application on a private PostgreSQL, with save mode ALWAYS. */
class PostgresWebAppTest extends WebAppContract {

    private final PostgresServer db = PostgresServer.start();

    @Override
    List<String> properties() {
        return List.of(
                "hourglass.store=jdbc:postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/"
                        + PostgresServer.DATABASE + "?tablePrefix=webapp_",
                "hourglass.session.save-mode=always");
    }

    @Override
    void stopEngine() {
        db.close();
    }
}
