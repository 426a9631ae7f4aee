package dev.hourglass.jdbc;

import dev.hourglass.contract.CrossProcessContract;
import org.junit.jupiter.api.AfterEach;

class MariaDbCrossProcessTest extends CrossProcessContract {

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
