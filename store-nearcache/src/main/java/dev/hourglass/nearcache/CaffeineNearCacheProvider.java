package dev.hourglass.nearcache;

import dev.hourglass.spi.NearCacheProvider;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.SessionChangeFeed;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The near cache on Caffeine, registered for {@link java.util.ServiceLoader}. Public only so the
 * loader can make it; open a store with {@code nearCache=<entries>} instead of using it directly.
 */
public final class CaffeineNearCacheProvider implements NearCacheProvider {

    /**
     * {@inheritDoc}
     *
     * @throws dev.hourglass.StoreException when the feed cannot be subscribed to
     */
    @Override
    public NearCache open(
            SessionBackend sessions,
            SessionChangeFeed feed,
            String backend,
            long maxEntries,
            Duration staleness,
            Optional<Object> meterRegistry) {
        NearCacheSessions cache = new NearCacheSessions(sessions, feed, maxEntries, staleness);
        SessionChangeFeed.Subscription subscription = feed.subscribe(cache);
        List<?> meters;
        try {
            meters = meterRegistry
                    .map(r -> NearCacheMetrics.bind(r, cache, backend))
                    .orElse(List.of());
        } catch (RuntimeException | Error e) {
            subscription.close();
            throw e;
        }
        return new NearCache() {
            @Override
            public SessionBackend sessions() {
                return cache;
            }

            @Override
            public void close() {
                try {
                    subscription.close();
                } finally {
                    cache.lost();
                    if (!meters.isEmpty()) {
                        NearCacheMetrics.unbind(meterRegistry.get(), meters);
                    }
                }
            }
        };
    }
}
