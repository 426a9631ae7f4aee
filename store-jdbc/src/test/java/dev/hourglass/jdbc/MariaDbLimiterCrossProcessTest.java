package dev.hourglass.jdbc;

import dev.hourglass.contract.LimiterCrossProcessContract;
import org.junit.jupiter.api.AfterEach;

/** Limiters shared by this JVM and a second one on MariaDB. */
class MariaDbLimiterCrossProcessTest extends LimiterCrossProcessContract {

    private String prefix;

    @Override
    protected String storeUri() {
        if (prefix == null) {
            prefix = Databases.freshPrefix();
        }
        return Databases.mariaDbUri(prefix);
    }

    @AfterEach
    void forgetPrefix() {
        prefix = null;
    }
}
