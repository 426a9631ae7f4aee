package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.LimiterContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limiter contract on MariaDB, and that rows expire through the sweeper. */
class MariaDbLimiterTest extends LimiterContract {

    private String prefix;

    @Override
    protected Store openStore(StoreOptions options) {
        prefix = Databases.freshPrefix();
        return Hourglass.open(Databases.mariaDbUri(prefix), options);
    }

    @Test
    void theSweeperDeletesExpiredRowsAndOnlyThose() {
        Quota q = Quota.rolling("swept", 5, Duration.ofSeconds(30));
        Permits p = Permits.of("swept", 2, Duration.ofSeconds(10));
        for (int i = 0; i < 50; i++) {
            limiters.take(q, "tenant-" + i);
            limiters.acquire(p, "app-" + i);
        }
        assertThat(rows()).isEqualTo(100);
        assertThat(limiters.inUse(p, "never-used")).isZero();
        assertThat(rows()).as("a look at an absent key leaves no row").isEqualTo(100);
        clock.advance(Duration.ofSeconds(10));
        assertThat(store.sweeper().orElseThrow().runNow().backlog()).isZero();
        assertThat(rows()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(20));
        store.sweeper().orElseThrow().runNow();
        assertThat(rows()).isZero();
    }

    @Test
    void tablesOfTheFirstSchemaVersionGetTheLimiterTable() {
        store.close();
        Databases.mariaDb().sql("DROP TABLE " + prefix + "limiters");
        Databases.mariaDb().sql("UPDATE " + prefix + "schema_version SET version = 1");
        store = Hourglass.open(Databases.mariaDbUri(prefix), options());
        limiters = store.limiters();
        assertThat(limiters.take(Quota.rolling("upgraded", 1, Duration.ofMinutes(1)), "k")
                        .admitted())
                .isTrue();
        assertThat(Databases.mariaDb().sql("SELECT version FROM " + prefix + "schema_version"))
                .isEqualTo(Integer.toString(Schema.VERSION));
    }

    private long rows() {
        return Long.parseLong(Databases.mariaDb()
                .sql("SELECT COUNT(*) FROM " + prefix + "limiters")
                .strip());
    }
}
