package dev.hourglass.spi;

import dev.hourglass.CorruptDataException;
import dev.hourglass.StoreException;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.Sweeper;
import dev.hourglass.SweeperStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SweepTask} on one daemon thread: batches until a batch comes back short or the
 * time budget is spent, then sleeps the interval (with up to 10% jitter so nodes drift apart).
 */
final class DefaultSweeper implements Sweeper {

    private static final Logger log = LoggerFactory.getLogger(DefaultSweeper.class);

    private final String name;
    private final SweepTask task;
    private final Clock clock;
    private volatile long intervalMillis;
    private final int batchSize;
    private final long budgetNanos;
    private final ReentrantLock runLock = new ReentrantLock();

    private ScheduledExecutorService executor;
    private ScheduledFuture<?> scheduled;
    /** Counts schedules; a run that finishes after a restart or a stop does not schedule again. */
    private long generation;

    private volatile Instant lastRun;
    private volatile Instant nextRun;
    private volatile long removedLastRun;
    private volatile long removedTotal;
    private volatile long backlog = -1;
    private volatile String lastError;

    DefaultSweeper(String name, SweepTask task, StoreOptions options) {
        this.name = name;
        this.task = task;
        this.clock = options.clock();
        this.intervalMillis = options.sweepInterval().toMillis();
        this.batchSize = options.sweepBatchSize();
        this.budgetNanos = options.sweepTimeBudget().toNanos();
    }

    @Override
    public synchronized void start() {
        if (scheduled != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hourglass-sweeper-" + name);
            t.setDaemon(true);
            return t;
        });
        scheduleNext(++generation);
    }

    @Override
    public synchronized void start(Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        intervalMillis = Math.max(1, interval.toMillis());
        if (scheduled == null) {
            start();
            return;
        }
        scheduled.cancel(false);
        scheduleNext(++generation);
    }

    private synchronized void scheduleNext(long gen) {
        if (executor == null || gen != generation) {
            return;
        }
        long delay = intervalMillis + ThreadLocalRandom.current().nextLong(intervalMillis / 10 + 1);
        nextRun = Instant.ofEpochMilli(clock.millis() + delay);
        scheduled = executor.schedule(
                () -> {
                    try {
                        runNow();
                    } finally {
                        scheduleNext(gen);
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService ex;
        synchronized (this) {
            ex = executor;
            executor = null;
            generation++;
            if (scheduled != null) {
                scheduled.cancel(false);
                scheduled = null;
            }
            nextRun = null;
        }
        if (ex != null) {
            ex.shutdown();
            try {
                if (!ex.awaitTermination(5, TimeUnit.SECONDS)) {
                    ex.shutdownNow();
                }
            } catch (InterruptedException e) {
                ex.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public SweeperStatus runNow() {
        runLock.lock();
        try {
            long start = System.nanoTime();
            long removed = 0;
            try {
                while (true) {
                    long now = clock.millis();
                    int n = task.sweep(now, batchSize);
                    removed += n;
                    if (n < batchSize || System.nanoTime() - start >= budgetNanos) {
                        break;
                    }
                }
                lastError = null;
                backlog = task.backlog(clock.millis());
            } catch (RuntimeException e) {
                lastError = describe(e);
                log.warn("sweeper {} failed: {}; it will try again at the next interval", name, lastError);
                log.debug("sweeper {} failure", name, e);
            }
            removedLastRun = removed;
            removedTotal += removed;
            lastRun = Instant.ofEpochMilli(clock.millis());
            return status();
        } finally {
            runLock.unlock();
        }
    }

    @Override
    public SweeperStatus status() {
        boolean running;
        synchronized (this) {
            running = scheduled != null;
        }
        return new SweeperStatus(
                running,
                Duration.ofMillis(intervalMillis),
                Optional.ofNullable(lastRun),
                Optional.ofNullable(nextRun),
                removedLastRun,
                removedTotal,
                backlog,
                Optional.ofNullable(lastError));
    }

    /** What a status and a warning say of a failure: the store's own message, never class names or traces. */
    static String describe(RuntimeException e) {
        if (e instanceof StoreUnavailableException) {
            return "the store is unavailable";
        }
        if (e instanceof CorruptDataException) {
            return "stored data does not decode: " + StoreConfig.redact(String.valueOf(e.getMessage()));
        }
        if (e instanceof StoreException) {
            return StoreConfig.redact(String.valueOf(e.getMessage()));
        }
        return "unexpected failure (the debug log has the cause)";
    }
}
