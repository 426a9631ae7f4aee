package dev.hourglass;

/**
 * A limit on how often something may happen under a key: a {@link Quota} per fixed window, a
 * {@link SlidingWindow} or a {@link TokenBucket}. Specs are immutable values; the state they govern
 * lives in the store under the spec's kind, its {@link #name()} and the caller's key, so every
 * process and node that uses the same spec on the same store shares one count.
 *
 * <p>Names are 1..64 characters of {@code A-Z a-z 0-9 . _ -}. Changing a spec's numbers keeps the
 * stored state; it is read under the new numbers from the next decision on.
 */
public sealed interface RateLimit permits Quota, SlidingWindow, TokenBucket {

    /** The longest window or refill period any limit may have. */
    java.time.Duration MAX_WINDOW = java.time.Duration.ofDays(366);

    /** The largest {@code limit} or {@code capacity} any limit may have. */
    long MAX_LIMIT = 1_000_000_000L;

    /** The limit's name: what metrics are tagged with and what its stored keys begin with. */
    String name();

    /** The most that one decision may take, and what {@link RateDecision#limit()} reports. */
    long limit();

    /** The nominal length of the window (for a bucket, the time a full refill takes), for HTTP policy headers. */
    java.time.Duration window();
}
