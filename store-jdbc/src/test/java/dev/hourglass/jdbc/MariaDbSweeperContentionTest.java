package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Merge;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.Sweeper;
import dev.hourglass.SweeperStatus;
import dev.hourglass.contract.FakeClock;
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
 * Four stores on one MariaDB, as four nodes would be: every one writes, touches, reads, merges and
 * deletes sessions of one shared key space while its sweeper runs every 100 ms, and time (a fake
 * clock, ten times faster than real time) keeps sessions expiring. Not one call may fail, in
 * particular with a deadlock or a lock-wait timeout; afterwards every expired row is gone.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class MariaDbSweeperContentionTest {

    private static final int STORES = 4;
    private static final int THREADS_PER_STORE = 2;
    private static final int KEYS = 20_000;
    private static final Duration LOAD = Duration.ofSeconds(Integer.getInteger("hourglass.contention.seconds", 60));

    @Test
    void fourNodesWritingAndSweepingTogetherSeeNoErrorAndLeaveNoExpiredRow() throws Exception {
        String prefix = Databases.freshPrefix();
        FakeClock clock = new FakeClock();
        StoreOptions options = StoreOptions.builder()
                .clock(clock)
                .timeout(Duration.ofSeconds(5))
                .sweepInterval(Duration.ofMillis(100))
                .sweepBatchSize(1_000)
                .sweepTimeBudget(Duration.ofMillis(200))
                .sweeperAutoStart(true)
                .build();
        List<Store> stores = new ArrayList<>();
        LongAdder reported = new LongAdder();
        for (int i = 0; i < STORES; i++) {
            Store s = Hourglass.open(Databases.mariaDbUri(prefix), options);
            stores.add(s);
            s.sessions().onExpiry(id -> reported.increment());
        }
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        LongAdder ops = new LongAdder();
        AtomicLong slowest = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        try {
            for (Store store : stores) {
                for (int t = 0; t < THREADS_PER_STORE; t++) {
                    Thread th = new Thread(() -> work(store.sessions(), running, errors, ops, slowest));
                    th.start();
                    threads.add(th);
                }
            }
            Thread ticker = new Thread(() -> {
                while (running.get()) {
                    clock.advance(Duration.ofMillis(100));
                    sleep(10);
                }
            });
            ticker.start();
            threads.add(ticker);

            long end = System.nanoTime() + LOAD.toNanos();
            while (System.nanoTime() < end && errors.isEmpty()) {
                sleep(200);
            }
            running.set(false);
            for (Thread th : threads) {
                th.join(30_000);
            }
            long swept = 0;
            for (Store s : stores) {
                SweeperStatus st = s.sweeper().orElseThrow().status();
                swept += st.removedTotal();
                assertThat(st.lastError()).as("sweeper error").isEmpty();
            }
            System.out.printf(
                    "contention: %d ops in %d s by %d threads on %d stores, slowest call %d ms, "
                            + "%d expired rows swept during the load, %d expiries reported%n",
                    ops.sum(),
                    LOAD.toSeconds(),
                    STORES * THREADS_PER_STORE,
                    STORES,
                    slowest.get() / 1_000_000,
                    swept,
                    reported.sum());
            assertThat(errors).as("errors surfaced to callers").isEmpty();
            assertThat(swept)
                    .as("the sweepers removed expired rows during the load")
                    .isPositive();

            for (Store s : stores) {
                s.sweeper().orElseThrow().stop();
            }
            clock.advance(Duration.ofDays(1));
            for (int round = 0; round < 1_000; round++) {
                long removed = 0;
                for (Store s : stores) {
                    removed += s.sweeper().orElseThrow().runNow().removedLastRun();
                }
                if (removed == 0) {
                    break;
                }
            }
            assertThat(Databases.mariaDb()
                            .sql("SELECT COUNT(*) FROM " + prefix + "sessions")
                            .strip())
                    .isEqualTo("0");
            long total = stores.stream()
                    .map(Store::sweeper)
                    .map(o -> o.orElseThrow().status().removedTotal())
                    .reduce(0L, Long::sum);
            assertThat(reported.sum()).as("each removed session reported").isGreaterThanOrEqualTo(total);
            for (Store s : stores) {
                assertThat(s.sweeper().map(Sweeper::status).orElseThrow().backlog())
                        .isZero();
            }
        } finally {
            running.set(false);
            stores.forEach(Store::close);
        }
    }

    private static void work(
            Sessions sessions, AtomicBoolean running, Queue<Throwable> errors, LongAdder ops, AtomicLong slowest) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (running.get()) {
            String id = "k" + r.nextInt(KEYS);
            Duration ttl = Duration.ofMillis(1_000 + r.nextInt(20_000));
            long t0 = System.nanoTime();
            try {
                int op = r.nextInt(100);
                if (op < 40) {
                    sessions.put(
                            id, Attributes.strings(Map.of("v", Integer.toString(op), "pad", "x".repeat(200))), ttl);
                } else if (op < 60) {
                    sessions.touch(id, ttl);
                } else if (op < 75) {
                    sessions.get(id);
                } else if (op < 85) {
                    sessions.merge(
                            id,
                            Merge.set(Attributes.strings(Map.of("m", Long.toString(t0))))
                                    .andRemove("v"));
                } else if (op < 90) {
                    sessions.getAndTouch(id, ttl);
                } else if (op < 95) {
                    sessions.createIfAbsent(id, Attributes.empty(), ttl);
                } else {
                    sessions.delete(id);
                }
                ops.increment();
            } catch (Throwable e) {
                errors.add(e);
                if (errors.size() < 5) {
                    e.printStackTrace();
                }
                return;
            }
            long took = System.nanoTime() - t0;
            slowest.accumulateAndGet(took, Math::max);
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
