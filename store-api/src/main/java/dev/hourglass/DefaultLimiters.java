package dev.hourglass;

import dev.hourglass.spi.LimiterBackend;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

/** Validation, clock, stored keys and permit ids in front of a {@link LimiterBackend}. */
final class DefaultLimiters implements Limiters {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Base64.Encoder IDS = Base64.getUrlEncoder().withoutPadding();

    private final DefaultStore store;
    private final LimiterBackend backend;
    private final Clock clock;
    private final RateLimitMetrics metrics;

    DefaultLimiters(DefaultStore store, LimiterBackend backend, Clock clock, RateLimitMetrics metrics) {
        this.store = store;
        this.backend = backend;
        this.clock = clock;
        this.metrics = metrics;
    }

    RateLimitMetrics metrics() {
        return metrics;
    }

    @Override
    public RateDecision take(RateLimit limit, String key) {
        return take(limit, key, 1);
    }

    @Override
    public RateDecision take(RateLimit limit, String key, long n) {
        if (limit == null) {
            throw new IllegalArgumentException("limit must not be null");
        }
        RateLimitChecks.key(key);
        RateLimitChecks.take(n, limit.limit());
        store.ensureOpen();
        RateDecision d = backend.take(storedKey(limit, key), limit, n, clock.millis());
        metrics.decided(limit.name(), d.admitted());
        return d;
    }

    @Override
    public PermitDecision acquire(Permits permits, String key) {
        check(permits, key);
        store.ensureOpen();
        long now = clock.millis();
        long leaseEnd = now + permits.lease().toMillis();
        String id = newPermitId();
        PermitDecision d = backend.acquire(storedKey(permits, key), permits, id, now, leaseEnd);
        metrics.decided(permits.name(), d.admitted());
        if (d.admitted()) {
            metrics.acquired(permits.name(), id, leaseEnd, now);
        }
        return d;
    }

    @Override
    public boolean renew(Permits permits, String key, String permitId) {
        check(permits, key);
        RateLimitChecks.permitId(permitId);
        store.ensureOpen();
        long now = clock.millis();
        long leaseEnd = now + permits.lease().toMillis();
        boolean renewed = backend.renew(storedKey(permits, key), permitId, now, leaseEnd);
        if (renewed) {
            metrics.renewed(permits.name(), permitId, leaseEnd);
        }
        return renewed;
    }

    @Override
    public boolean release(Permits permits, String key, String permitId) {
        check(permits, key);
        RateLimitChecks.permitId(permitId);
        store.ensureOpen();
        boolean released = backend.release(storedKey(permits, key), permitId, clock.millis());
        if (released) {
            metrics.released(permits.name(), permitId);
        }
        return released;
    }

    @Override
    public long inUse(Permits permits, String key) {
        check(permits, key);
        store.ensureOpen();
        return backend.inUse(storedKey(permits, key), clock.millis());
    }

    private static void check(Permits permits, String key) {
        if (permits == null) {
            throw new IllegalArgumentException("permits must not be null");
        }
        RateLimitChecks.key(key);
    }

    /** The kind, the limit's name and the caller's key; names hold no ':' so the parts never run together. */
    static String storedKey(RateLimit limit, String key) {
        char kind;
        if (limit instanceof Quota) {
            kind = 'q';
        } else if (limit instanceof SlidingWindow w) {
            kind = w.exact() ? 's' : 'a';
        } else {
            kind = 'b';
        }
        return kind + ":" + limit.name() + ":" + key;
    }

    static String storedKey(Permits permits, String key) {
        return "p:" + permits.name() + ":" + key;
    }

    private static String newPermitId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return IDS.encodeToString(b);
    }
}
