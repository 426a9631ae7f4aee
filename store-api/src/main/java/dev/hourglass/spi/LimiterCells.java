package dev.hourglass.spi;

/**
 * One stored value per limiter key, updated atomically: what a backend with an entry lock, a row
 * lock or a compare-and-set offers. {@link LimiterStates#over} turns it into a {@link LimiterBackend}.
 */
public interface LimiterCells {

    /** A change computed from the current state. */
    interface Change<R> {
        /**
         * @param state the stored bytes, or null when the key is absent or its expiry is at or before now
         */
        Update<R> apply(byte[] state);
    }

    /**
     * What to store and return.
     *
     * @param state     the new bytes, or null to remove the key
     * @param expiresAt when the stored key expires (epoch ms); meaningless when state is null
     * @param changed   false when the stored value may be left as it was
     * @param result    what the call returns
     */
    record Update<R>(byte[] state, long expiresAt, boolean changed, R result) {}

    /**
     * Reads the key's state, applies {@code change} and stores its outcome, all under the key's
     * lock (or as one compare-and-set), and returns the change's result.
     */
    <R> R update(String key, long now, Change<R> change);
}
