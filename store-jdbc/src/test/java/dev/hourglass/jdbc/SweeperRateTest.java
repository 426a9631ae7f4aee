package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.SweeperStatus;
import dev.hourglass.contract.FakeClock;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * How fast one sweeper empties a backlog of expired sessions (among live ones it must leave), and
 * that it reports every one. Prints the rate; the floor asserted is far below what it does, so
 * that a loaded machine does not fail it.
 */
class SweeperRateTest {

    private static final int EXPIRED = 100_000;
    private static final int LIVE = 20_000;

    @Test
    void mariaDbSweepsAHundredThousandExpiredRows() {
        measure(
                "MariaDB",
                Databases::mariaDbUri,
                (prefix) -> Databases.mariaDb()
                        .sql("INSERT INTO " + prefix
                                + "sessions (id, attributes, created_at, accessed_at, expires_at, version)"
                                + " SELECT CONCAT('s', seq), REPEAT('x', 200), 1, 1, IF(seq <= " + EXPIRED
                                + ", 1000 + seq, 9e15), 1"
                                + " FROM seq_1_to_" + (EXPIRED + LIVE)));
    }

    @Test
    void postgresSweepsAHundredThousandExpiredRows() {
        measure(
                "PostgreSQL",
                Databases::postgresUri,
                (prefix) -> Databases.postgres()
                        .sql("INSERT INTO " + prefix
                                + "sessions (id, attributes, created_at, accessed_at, expires_at, version)"
                                + " SELECT 's' || g, convert_to(repeat('x', 200), 'UTF8'), 1, 1,"
                                + " CASE WHEN g <= " + EXPIRED + " THEN 1000 + g ELSE 9000000000000000 END, 1"
                                + " FROM generate_series(1, " + (EXPIRED + LIVE) + ") g; ANALYZE " + prefix
                                + "sessions"));
    }

    private void measure(String engine, java.util.function.Function<String, String> uri, Consumer<String> fill) {
        String prefix = Databases.freshPrefix();
        FakeClock clock = new FakeClock(10_000_000L);
        StoreOptions options = StoreOptions.builder()
                .clock(clock)
                .sweeperAutoStart(false)
                .sweepBatchSize(1_000)
                .sweepTimeBudget(Duration.ofMinutes(2))
                .build();
        try (Store store = Hourglass.open(uri.apply(prefix), options)) {
            fill.accept(prefix);
            LongAdder reported = new LongAdder();
            store.sessions().onExpiry(id -> reported.increment());
            long t0 = System.nanoTime();
            SweeperStatus status = store.sweeper().orElseThrow().runNow();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double rate = status.removedLastRun() / seconds;
            System.out.printf(
                    "%s sweeper: %d expired rows removed in %.2f s = %.0f rows/s (batches of 1000)%n",
                    engine, status.removedLastRun(), seconds, rate);
            assertThat(status.removedLastRun()).isEqualTo(EXPIRED);
            assertThat(reported.sum()).isEqualTo(EXPIRED);
            assertThat(status.backlog()).isZero();
            assertThat(store.sessions().count()).isEqualTo(LIVE);
            assertThat(rate).as("rows per second").isGreaterThan(2_000);
        }
    }
}
