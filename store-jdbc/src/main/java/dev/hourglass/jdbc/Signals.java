package dev.hourglass.jdbc;

import java.util.concurrent.TimeUnit;

/**
 * Wakes readers blocked on a stream when it changes: appends and closes made through this store
 * signal at once, and on PostgreSQL so do other nodes' (through LISTEN/NOTIFY). Stream ids hash
 * onto a fixed set of stripes, each with a change counter, so nothing grows with the number of
 * streams; a collision only costs a reader one extra poll.
 *
 * <p>{@link #observe} records, before a reader's query, the counter of its stripe; {@link #await}
 * returns at once if the counter moved since, so a change landing between the query and the wait
 * is never missed.
 */
final class Signals {

    private static final int STRIPES = 256;

    private final long[] counters = new long[STRIPES];
    private final Object[] locks = new Object[STRIPES];
    private final ThreadLocal<long[]> observed = ThreadLocal.withInitial(() -> new long[] {-1, 0});

    Signals() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    private static int stripe(String id) {
        int h = id.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    void signal(String id) {
        int s = stripe(id);
        synchronized (locks[s]) {
            counters[s]++;
            locks[s].notifyAll();
        }
    }

    void signalAll() {
        for (int s = 0; s < STRIPES; s++) {
            synchronized (locks[s]) {
                counters[s]++;
                locks[s].notifyAll();
            }
        }
    }

    /** Called on the reader's thread just before it queries the stream. */
    void observe(String id) {
        int s = stripe(id);
        long[] o = observed.get();
        synchronized (locks[s]) {
            o[0] = s;
            o[1] = counters[s];
        }
    }

    /**
     * Waits until the stream's stripe changes after the last {@link #observe} on this thread, at
     * most {@code maxWaitNanos} and never past {@code deadlineNanos}.
     */
    void await(String id, long deadlineNanos, long maxWaitNanos) throws InterruptedException {
        int s = stripe(id);
        long[] o = observed.get();
        long waitNanos = Math.min(maxWaitNanos, deadlineNanos - System.nanoTime());
        if (waitNanos <= 0) {
            return;
        }
        synchronized (locks[s]) {
            long seen = o[0] == s ? o[1] : counters[s];
            long end = System.nanoTime() + waitNanos;
            while (counters[s] == seen) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(locks[s], left);
            }
        }
    }
}
