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

/** The limiter contract on PostgreSQL, and that rows expire through the sweeper. */
class PostgresLimiterTest extends LimiterContract {

    private String prefix;

    @Override
    protected Store openStore(StoreOptions options) {
        prefix = Databases.freshPrefix();
        return Hourglass.open(Databases.postgresUri(prefix), options);
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
        clock.advance(Duration.ofSeconds(10));
        store.sweeper().orElseThrow().runNow();
        assertThat(rows()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(20));
        store.sweeper().orElseThrow().runNow();
        assertThat(rows()).isZero();
    }

    private long rows() {
        return Long.parseLong(Databases.postgres()
                .sql("SELECT COUNT(*) FROM " + prefix + "limiters")
                .strip());
    }
}
