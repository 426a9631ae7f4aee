package dev.hourglass;

import java.time.Duration;

/**
 * Up to {@code max} permits in use at once per key, each held under its own lease. A holder renews
 * its lease while it works and releases the permit by id when done; a permit whose holder died
 * frees itself when its own lease ends, never when some other permit's lease or the key ends, so a
 * crashed process holds capacity for at most one lease.
 *
 * <p>State per key: one entry (lease end and id, about 31 bytes) per permit in use; {@code max} is
 * therefore at most {@link #MAX_PERMITS}.
 */
public record Permits(String name, long max, Duration lease) {

    /** The largest number of permits per key. */
    public static final long MAX_PERMITS = 1_000;

    /** The longest lease. */
    public static final Duration MAX_LEASE = Duration.ofDays(1);

    /**
     * @throws IllegalArgumentException when the name, max or lease is out of range, naming which
     */
    public Permits {
        RateLimitChecks.name(name);
        RateLimitChecks.positive("max", max, MAX_PERMITS);
        RateLimitChecks.duration("lease", lease, MAX_LEASE);
    }

    /**
     * {@code max} permits per key, each leased for {@code lease}.
     *
     * @throws IllegalArgumentException when an argument is out of range, naming it
     */
    public static Permits of(String name, long max, Duration lease) {
        return new Permits(name, max, lease);
    }
}
