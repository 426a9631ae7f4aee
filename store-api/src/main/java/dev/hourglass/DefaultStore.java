package dev.hourglass;

import dev.hourglass.spi.Backend;
import dev.hourglass.spi.NearCacheProvider;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StoreProvider;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The store every provider's backend is wrapped in. */
final class DefaultStore implements Store {

    private static final Logger log = LoggerFactory.getLogger(DefaultStore.class);

    private final CopyOnWriteArrayList<ExpiryListener> listeners = new CopyOnWriteArrayList<>();
    private final Backend backend;
    private final DefaultSessions sessions;
    private final DefaultStreams streams;
    private final Limiters limiters;
    private final NearCacheProvider.NearCache nearCache;
    private volatile boolean closed;

    DefaultStore(StoreProvider provider, String uri, String scheme, StoreOptions options) {
        StoreConfig given = StoreConfig.of(uri, scheme, options, this::fireExpired);
        NearCaches near = NearCaches.of(given);
        StoreConfig config =
                near == null ? given : StoreConfig.of(near.uri(), scheme, near.options(), this::fireExpired);
        this.backend = provider.open(config);
        NearCacheProvider.NearCache cache = null;
        try {
            cache = near == null ? null : near.open(backend, options.meterRegistry());
            this.nearCache = cache;
            Metrics metrics = MetricsSupport.create(options.meterRegistry(), backend.name(), backend.sweeper());
            Limits limits = backend.limits();
            Cursors cursors = Cursors.of(config.cursorKey().orElse(null), backend.name(), "sessions.ids");
            Calls calls = new Calls(this, options.clock(), metrics);
            this.sessions = new DefaultSessions(
                    this, cache == null ? backend.sessions() : cache.sessions(), calls, limits, cursors);
            this.streams = new DefaultStreams(backend.streams(), calls, limits);
            this.limiters = backend.limiters()
                    .<Limiters>map(l -> new DefaultLimiters(
                            this,
                            l,
                            options.clock(),
                            RateLimitMetricsSupport.create(options.meterRegistry(), backend.name(), options.clock())))
                    .orElse(null);
            if (options.sweeperAutoStart()) {
                backend.sweeper().ifPresent(Sweeper::start);
            }
        } catch (RuntimeException | Error e) {
            if (cache != null) {
                cache.close();
            }
            backend.close();
            throw e;
        }
    }

    private void fireExpired(String id) {
        for (ExpiryListener l : listeners) {
            try {
                l.expired(id);
            } catch (RuntimeException e) {
                log.warn("an expiry listener failed for session {}; the debug log has the cause", Checks.quote(id));
                log.debug("expiry listener failure for session {}", Checks.quote(id), e);
            }
        }
    }

    /** Registers {@code listener}; each registration is its own entry, so closing one twice removes nothing more. */
    ExpiryRegistration addExpiryListener(ExpiryListener listener) {
        ExpiryListener entry = listener::expired;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("store " + backend.describe() + " is closed");
        }
    }

    @Override
    public Sessions sessions() {
        return sessions;
    }

    @Override
    public Streams streams() {
        return streams;
    }

    @Override
    public Limiters limiters() {
        if (limiters == null) {
            throw new UnsupportedOperationException("the " + backend.name() + " store keeps no limiters");
        }
        return limiters;
    }

    @Override
    public String backend() {
        return backend.name();
    }

    @Override
    public String uri() {
        return backend.describe();
    }

    @Override
    public Set<Capability> capabilities() {
        return backend.capabilities();
    }

    @Override
    public Limits limits() {
        return backend.limits();
    }

    @Override
    public Optional<Sweeper> sweeper() {
        return backend.sweeper();
    }

    @Override
    public boolean isHealthy() {
        if (closed) {
            return false;
        }
        try {
            return backend.ping();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        backend.sweeper().ifPresent(Sweeper::stop);
        if (nearCache != null) {
            nearCache.close();
        }
        backend.close();
    }

    @Override
    public String toString() {
        return "Store[" + backend.describe() + "]";
    }
}
