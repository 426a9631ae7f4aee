package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.testkit.MariaDbServer;
import dev.hourglass.testkit.PostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The database stops in the middle of a load and comes back: while it is away every call fails
 * with {@link StoreUnavailableException} within the configured timeout (never hangs, never another
 * exception), and once it is back calls succeed again on the same store, with the data committed
 * before the outage intact.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OutageTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Scheduling slack on a loaded two-core machine on top of the configured timeout. */
    private static final long SLACK_MS = 1_500;

    @Test
    void mariaDbStoppedAndRestarted() throws Exception {
        try (MariaDbServer db = MariaDbServer.start()) {
            outage(
                    "MariaDB",
                    "jdbc:mariadb://root@" + db.host() + ":" + db.port() + "/" + MariaDbServer.DATABASE + "?poolSize=4",
                    db::stop,
                    db::restart);
        }
    }

    @Test
    void postgresStoppedAndRestarted() throws Exception {
        try (PostgresServer db = PostgresServer.start()) {
            outage(
                    "PostgreSQL",
                    "jdbc:postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + PostgresServer.DATABASE
                            + "?poolSize=4",
                    db::stop,
                    db::restart);
        }
    }

    private void outage(String engine, String uri, Runnable stop, Runnable restart) throws Exception {
        {
            StoreOptions options = StoreOptions.builder()
                    .timeout(TIMEOUT)
                    .sweeperAutoStart(false)
                    .build();
            try (Store store = Hourglass.open(uri, options)) {
                Session before =
                        store.sessions().put("kept", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));

                AtomicBoolean running = new AtomicBoolean(true);
                LongAdder ok = new LongAdder();
                LongAdder unavailable = new LongAdder();
                AtomicLong slowestFailure = new AtomicLong();
                AtomicLong lastOk = new AtomicLong();
                Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Thread th = new Thread(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        while (running.get()) {
                            String id = "k" + r.nextInt(1_000);
                            long t0 = System.nanoTime();
                            try {
                                if (r.nextBoolean()) {
                                    store.sessions().put(id, Attributes.strings(Map.of("v", id)), Duration.ofHours(1));
                                } else {
                                    store.sessions().get(id);
                                }
                                ok.increment();
                                lastOk.set(System.nanoTime());
                            } catch (StoreUnavailableException e) {
                                unavailable.increment();
                                slowestFailure.accumulateAndGet(System.nanoTime() - t0, Math::max);
                                sleep(20);
                            } catch (Throwable e) {
                                unexpected.add(e);
                            }
                        }
                    });
                    th.start();
                    threads.add(th);
                }
                sleep(1_000);
                assertThat(ok.sum()).isPositive();

                stop.run();
                long okAtStop = ok.sum();
                sleep(TIMEOUT.toMillis() + 3_000);
                assertThat(unavailable.sum())
                        .as("calls failed as unavailable while the database was down")
                        .isPositive();
                long okWhileDown = ok.sum() - okAtStop;
                assertThat(store.isHealthy()).isFalse();

                restart.run();
                long restarted = System.nanoTime();
                while (lastOk.get() < restarted && System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(30)) {
                    sleep(50);
                }
                long recoveryMs = (lastOk.get() - restarted) / 1_000_000;
                long okBeforeRecovery = ok.sum();
                sleep(1_000);
                running.set(false);
                for (Thread th : threads) {
                    th.join(10_000);
                }
                System.out.printf(
                        engine + " outage: %d calls failed as unavailable, slowest failure %d ms (timeout %d ms); "
                                + "first success %d ms after the restart%n",
                        unavailable.sum(),
                        slowestFailure.get() / 1_000_000,
                        TIMEOUT.toMillis(),
                        recoveryMs);

                assertThat(unexpected)
                        .as("exceptions other than StoreUnavailableException")
                        .isEmpty();
                assertThat(okWhileDown)
                        .as("at most the calls in flight at the stop succeeded")
                        .isLessThanOrEqualTo(4);
                assertThat(slowestFailure.get())
                        .as("failures arrive within the timeout")
                        .isLessThan(TimeUnit.MILLISECONDS.toNanos(TIMEOUT.toMillis() + SLACK_MS));
                assertThat(ok.sum()).as("calls succeed again after the restart").isGreaterThan(okBeforeRecovery);
                assertThat(store.isHealthy()).isTrue();
                assertThat(store.sessions().get("kept").orElseThrow().version()).isEqualTo(before.version());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
