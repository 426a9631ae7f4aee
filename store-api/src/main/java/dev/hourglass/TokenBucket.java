package dev.hourglass;

import java.time.Duration;

/**
 * A bucket of {@code capacity} tokens that gains {@code refillTokens} every {@code refillPeriod},
 * continuously (a fraction of a token per millisecond), and starts full. A take of n tokens
 * succeeds when n are there; a refusal says how long until they are.
 *
 * <p>Kept as exact integers: one token is {@code refillPeriod} in milliseconds of credit, and each
 * millisecond adds {@code refillTokens} credit, so {@code capacity * refillPeriod} (in ms) must be
 * at most 2^53. State per key: the credit and the time it was last refilled; a full bucket is not
 * stored at all.
 */
public record TokenBucket(String name, long capacity, long refillTokens, Duration refillPeriod) implements RateLimit {

    /** The largest {@code capacity * refillPeriod} in milliseconds. */
    public static final long MAX_CREDIT = 1L << 53;

    /**
     * @throws IllegalArgumentException when the name, capacity, refill or period is out of range,
     *                                  naming which
     */
    public TokenBucket {
        RateLimitChecks.name(name);
        RateLimitChecks.positive("capacity", capacity, MAX_LIMIT);
        RateLimitChecks.positive("refillTokens", refillTokens, Integer.MAX_VALUE);
        RateLimitChecks.duration("refillPeriod", refillPeriod, MAX_WINDOW);
        if (capacity > MAX_CREDIT / refillPeriod.toMillis()) {
            throw new IllegalArgumentException("capacity times refillPeriod must be at most 2^53 ms, was capacity "
                    + capacity + " with refillPeriod " + refillPeriod);
        }
    }

    /**
     * A bucket of {@code capacity} that gains {@code refillTokens} per {@code refillPeriod}.
     *
     * @throws IllegalArgumentException when an argument is out of range, naming it
     */
    public static TokenBucket of(String name, long capacity, long refillTokens, Duration refillPeriod) {
        return new TokenBucket(name, capacity, refillTokens, refillPeriod);
    }

    @Override
    public long limit() {
        return capacity;
    }

    /** The time a refill from empty to full takes. */
    @Override
    public Duration window() {
        long credit = capacity * refillPeriod.toMillis();
        return Duration.ofMillis((credit + refillTokens - 1) / refillTokens);
    }
}
