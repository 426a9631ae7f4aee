package dev.hourglass.spi;

/** One backend's expiry sweeping, driven by the shared {@link dev.hourglass.Sweeper}. */
public interface SweepTask {

    /**
     * Removes at most {@code batchSize} entries that expired at or before {@code now}, reporting
     * each removed session's id to the store's expiry sink, and returns how many it removed. Its
     * cost must grow with what expired, not with the size of the store. Returns 0 when another
     * process or node holds the sweeping lease.
     */
    int sweep(long now, int batchSize);

    /** Estimated number of expired entries still waiting; -1 when unknown. */
    long backlog(long now);
}
