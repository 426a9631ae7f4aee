package dev.hourglass.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * An in-process cache of sessions in front of a remote store, found with
 * {@link java.util.ServiceLoader} when a store is opened with the option {@code nearCache}.
 * Register the implementation in {@code META-INF/services/dev.hourglass.spi.NearCacheProvider}.
 */
public interface NearCacheProvider {

    /**
     * A cache over {@code sessions} that {@code feed} keeps in step.
     *
     * @param backend       the backend's short name, for metric tags
     * @param maxEntries    the most sessions kept
     * @param staleness     the longest an entry is served after the read or write it came from
     * @param meterRegistry a Micrometer {@code MeterRegistry} typed as Object, when metrics are wanted
     * @throws dev.hourglass.StoreException when the feed cannot be subscribed to
     */
    NearCache open(
            SessionBackend sessions,
            SessionChangeFeed feed,
            String backend,
            long maxEntries,
            Duration staleness,
            Optional<Object> meterRegistry);

    /** An open near cache: the sessions to serve from, and the way to stop it. */
    interface NearCache extends AutoCloseable {

        SessionBackend sessions();

        /** Stops the feed's subscription and drops every entry. */
        @Override
        void close();
    }
}
