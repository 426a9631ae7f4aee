package dev.hourglass;

import java.time.Duration;

/**
 * Removes expired entries in bounded runs (a batch size and a time budget) on a daemon thread, and
 * tells expiry listeners. Backends with native expiry use it only to report expiries.
 */
public interface Sweeper {

    /** Schedules runs at the configured interval; no effect when already running. */
    void start();

    /**
     * Schedules runs every {@code interval} from now on (with the same jitter), replacing the
     * interval in use; when already running, the next run is rescheduled at the new interval.
     *
     * @throws IllegalArgumentException if {@code interval} is null, zero or negative
     */
    void start(Duration interval);

    /** Stops scheduling; a run in progress finishes its batch. */
    void stop();

    /** Runs once now on the caller's thread and returns the status after it. */
    SweeperStatus runNow();

    SweeperStatus status();
}
