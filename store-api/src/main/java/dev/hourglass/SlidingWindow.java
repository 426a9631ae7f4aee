package dev.hourglass;

import java.time.Duration;

/**
 * At most {@code limit} events in any window of length {@code window}.
 *
 * <p>{@link #exact} keeps the time of every admitted event (events in the same millisecond share
 * one entry with a count): no window of that length, wherever it starts, holds more than
 * {@code limit}. It needs one entry per distinct millisecond with admissions in the last window,
 * at most {@code min(limit, window in ms)} entries: 16 bytes each in the backends that store bytes
 * (memory, chronicle, JDBC), and in Redis one sorted-set member per admitted event (about 60
 * bytes). Its {@code limit} is therefore at most {@link #MAX_EXACT_LIMIT}.
 *
 * <p>{@link #approximate} keeps two counts, the current and the previous window aligned to
 * multiples of {@code window} since the epoch, and weighs the previous one by how much of it still
 * overlaps the sliding window. Constant memory. Error bound: each aligned window admits at most
 * {@code limit}, so any window of length {@code window} holds at most {@code 2 * limit}; the
 * estimate is exact when the previous window's events were spread evenly, and errs by at most the
 * previous window's count otherwise.
 */
public record SlidingWindow(String name, long limit, Duration window, boolean exact) implements RateLimit {

    /** The largest limit of an exact window, which bounds the entries it keeps per key. */
    public static final long MAX_EXACT_LIMIT = 10_000;

    /**
     * @throws IllegalArgumentException when the name, limit or window is out of range, naming which
     */
    public SlidingWindow {
        RateLimitChecks.name(name);
        RateLimitChecks.positive("limit", limit, exact ? MAX_EXACT_LIMIT : MAX_LIMIT);
        RateLimitChecks.duration("window", window, MAX_WINDOW);
    }

    /**
     * An exact sliding window.
     *
     * @throws IllegalArgumentException when an argument is out of range, naming it
     */
    public static SlidingWindow exact(String name, long limit, Duration window) {
        return new SlidingWindow(name, limit, window, true);
    }

    /**
     * The constant-memory approximation of two weighted fixed windows.
     *
     * @throws IllegalArgumentException when an argument is out of range, naming it
     */
    public static SlidingWindow approximate(String name, long limit, Duration window) {
        return new SlidingWindow(name, limit, window, false);
    }
}
