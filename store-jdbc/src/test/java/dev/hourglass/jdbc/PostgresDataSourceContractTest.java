package dev.hourglass.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.StoreContract;
import dev.hourglass.testkit.PostgresServer;
import org.junit.jupiter.api.AfterAll;

/**
 * The contract on a store over an application's own HikariCP pool ({@link JdbcStores#open}); every
 * test's store is closed after it, and the pool serves the next one: the store never closes it.
 */
class PostgresDataSourceContractTest extends StoreContract {

    private static HikariDataSource pool;

    static synchronized HikariDataSource pool() {
        if (pool == null) {
            PostgresServer db = Databases.postgres();
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(db.jdbcUrl());
            c.setMaximumPoolSize(8);
            c.setPoolName("application");
            pool = new HikariDataSource(c);
        }
        return pool;
    }

    @AfterAll
    static void closePool() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    protected Store openStore(StoreOptions options) {
        return JdbcStores.open(
                pool(),
                options.toBuilder()
                        .property("tablePrefix", Databases.freshPrefix())
                        .build());
    }
}
