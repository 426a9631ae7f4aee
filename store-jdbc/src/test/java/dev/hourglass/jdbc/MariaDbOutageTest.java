package dev.hourglass.jdbc;

import dev.hourglass.contract.EngineControl;
import dev.hourglass.contract.OutageContract;
import dev.hourglass.testkit.MariaDbServer;

/** The outage contract on a private MariaDB that is stopped under load and started again. */
class MariaDbOutageTest extends OutageContract {

    @Override
    protected EngineControl startEngine() {
        MariaDbServer db = MariaDbServer.start();
        return EngineControl.of(
                "jdbc:mariadb://root@" + db.host() + ":" + db.port() + "/" + MariaDbServer.DATABASE + "?poolSize=4",
                db::stop,
                db::restart,
                db::close);
    }
}
