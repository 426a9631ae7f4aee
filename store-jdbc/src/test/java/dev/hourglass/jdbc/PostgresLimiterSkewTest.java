package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.LimiterSkewContract;
import org.junit.jupiter.api.AfterEach;

/** Two stores on one PostgreSQL database whose clocks differ by 2 s. */
class PostgresLimiterSkewTest extends LimiterSkewContract {

    private String prefix;

    @Override
    protected Store openStore(StoreOptions options) {
        if (prefix == null) {
            prefix = Databases.freshPrefix();
        }
        return Hourglass.open(Databases.postgresUri(prefix), options);
    }

    @AfterEach
    void forgetPrefix() {
        prefix = null;
    }
}
