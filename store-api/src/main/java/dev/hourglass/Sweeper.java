package dev.hourglass;

/**
 * Removes expired entries in bounded runs (a batch size and a time budget) on a daemon thread, and
 * tells expiry listeners. Backends with native expiry use it only to report expiries.
 */
public interface Sweeper {

    /** Schedules runs at the configured interval; no effect when already running. */
    void start();

    /** Stops scheduling; a run in progress finishes its batch. */
    void stop();

    /** Runs once now on the caller's thread and returns the status after it. */
    SweeperStatus runNow();

    SweeperStatus status();
}
