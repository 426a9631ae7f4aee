package dev.hourglass;

import dev.hourglass.spi.Backend;
import dev.hourglass.spi.NearCacheProvider;
import dev.hourglass.spi.SessionChangeFeed;
import dev.hourglass.spi.StoreConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The store's options {@value #SIZE} and {@value #STALENESS}: read from the URI or the option
 * properties, left out of what the backend sees, and turned into a near cache found with
 * {@link ServiceLoader}.
 */
final class NearCaches {

    static final String SIZE = "nearCache";
    static final String STALENESS = "nearCacheStaleness";
    static final Duration DEFAULT_STALENESS = Duration.ofSeconds(1);
    private static final Set<String> NAMES = Set.of(SIZE, STALENESS);

    private final StoreConfig config;
    private final long size;
    private final Duration staleness;

    private NearCaches(StoreConfig config, long size, Duration staleness) {
        this.config = config;
        this.size = size;
        this.staleness = staleness;
    }

    /**
     * The near cache {@code config} asks for, or null when it asks for none.
     *
     * @throws IllegalArgumentException naming the option and its value when one is malformed
     */
    static NearCaches of(StoreConfig config) {
        Map<String, String> p = config.parameters();
        if (!p.containsKey(SIZE)) {
            if (p.containsKey(STALENESS)) {
                throw new IllegalArgumentException("option '" + STALENESS + "' needs option '" + SIZE
                        + "' (the most sessions kept), e.g. " + SIZE + "=10000&" + STALENESS + "=1s");
            }
            return null;
        }
        long size = config.longValue(SIZE, 0, 1, 100_000_000);
        Duration staleness = config.duration(STALENESS, DEFAULT_STALENESS, Duration.ofMillis(1), Duration.ofHours(1));
        return new NearCaches(config, size, staleness);
    }

    /** The URI without the near-cache options. */
    String uri() {
        String uri = config.uri();
        int q = uri.indexOf('?');
        if (q < 0) {
            return uri;
        }
        StringBuilder kept = new StringBuilder();
        for (String pair : uri.substring(q + 1).split("&", -1)) {
            int eq = pair.indexOf('=');
            if (NAMES.contains(eq < 0 ? pair : pair.substring(0, eq))) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append('&');
            }
            kept.append(pair);
        }
        return kept.length() == 0 ? uri.substring(0, q) : uri.substring(0, q + 1) + kept;
    }

    /** The options without the near-cache properties. */
    StoreOptions options() {
        StoreOptions o = config.options();
        StoreOptions.Builder b = StoreOptions.builder()
                .clock(o.clock())
                .timeout(o.timeout())
                .sweepInterval(o.sweepInterval())
                .sweepBatchSize(o.sweepBatchSize())
                .sweepTimeBudget(o.sweepTimeBudget())
                .sweeperAutoStart(o.sweeperAutoStart())
                .meterRegistry(o.meterRegistry().orElse(null));
        o.properties().forEach((k, v) -> {
            if (!NAMES.contains(k)) {
                b.property(k, v);
            }
        });
        return b.build();
    }

    long size() {
        return size;
    }

    Duration staleness() {
        return staleness;
    }

    /**
     * The near cache over {@code backend}'s sessions.
     *
     * @throws IllegalArgumentException when the backend reports no changes or no provider is on the
     *                                  class path
     */
    NearCacheProvider.NearCache open(Backend backend, Optional<Object> meterRegistry) {
        NearCacheProvider provider = ServiceLoader.load(NearCacheProvider.class, NearCaches.class.getClassLoader())
                .findFirst()
                .or(() -> ServiceLoader.load(NearCacheProvider.class).findFirst())
                .orElseThrow(() -> new IllegalArgumentException("option '" + SIZE
                        + "' needs the near cache module (dev.hourglass:hourglass-nearcache) on the class path"));
        SessionChangeFeed feed = backend.sessionChanges()
                .orElseThrow(() -> new IllegalArgumentException("option '" + SIZE + "' is for remote stores; the "
                        + backend.name() + " store reports no changes a near cache could follow"));
        return provider.open(backend.sessions(), feed, backend.name(), size, staleness, meterRegistry);
    }
}
