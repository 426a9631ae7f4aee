package dev.hourglass.spi;

/**
 * The changes to sessions an engine reports, for a cache in front of a remote store. A backend that
 * can report them offers a feed through {@link Backend#sessionChanges()}.
 *
 * <p>The promise: from a {@link Listener#live()} until the next {@link Listener#lost()}, every change
 * to a session committed by any node (this one included) is reported with {@link Listener#changed}
 * after it is visible to reads; changes outside that window may go unreported. Whenever the feed
 * cannot keep the promise (a dropped or replaced connection, a failover, a failed heartbeat, a
 * notification it may have missed) it calls {@link Listener#lost()} first, and {@link Listener#live()}
 * again once it can. A change may be reported more than once and late.
 */
public interface SessionChangeFeed {

    /** Given for {@code version} and {@code expiresAt} when the engine does not say. */
    long UNKNOWN = Long.MIN_VALUE;

    /**
     * Starts reporting to {@code listener} on threads of the feed; the first call it gets is
     * {@link Listener#live()} or {@link Listener#lost()}. One listener per feed.
     *
     * @return the subscription; closing it stops the reports and frees the feed's connections
     * @throws IllegalStateException when the feed already has a listener
     * @throws dev.hourglass.StoreException when the engine refuses what the feed needs (e.g. a trigger)
     */
    Subscription subscribe(Listener listener);

    /**
     * Told by the cache after each write of {@code id} through this node, whatever its outcome, with
     * the version and expiry the session holds after it ({@link #UNKNOWN} when deleted, failed or not
     * known). A feed whose engine reports changes by itself ignores it; one that cannot publishes it to
     * the other nodes. Returns at once and throws nothing.
     */
    default void wrote(String id, long version, long expiresAt) {}

    /** Stops a feed's reports. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Receives a feed's reports; each method returns quickly and throws nothing. */
    interface Listener {

        /**
         * Session {@code id} changed or was deleted: {@code version} and {@code expiresAt} (epoch
         * milliseconds) are what it holds now, or {@link #UNKNOWN} when deleted or not reported.
         */
        void changed(String id, long version, long expiresAt);

        /** Every session may have changed (the engine's data was flushed). */
        void changedAll();

        /** Changes may go unreported from now until {@link #live()}. */
        void lost();

        /** Every change from now on is reported. */
        void live();
    }
}
