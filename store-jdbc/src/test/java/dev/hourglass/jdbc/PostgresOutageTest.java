package dev.hourglass.jdbc;

import dev.hourglass.contract.EngineControl;
import dev.hourglass.contract.OutageContract;
import dev.hourglass.testkit.PostgresServer;

/** The outage contract on a private PostgreSQL that is stopped under load and started again. */
class PostgresOutageTest extends OutageContract {

    @Override
    protected EngineControl startEngine() {
        PostgresServer db = PostgresServer.start();
        return EngineControl.of(
                "jdbc:postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + PostgresServer.DATABASE
                        + "?poolSize=4",
                db::stop,
                db::restart,
                db::close);
    }
}
