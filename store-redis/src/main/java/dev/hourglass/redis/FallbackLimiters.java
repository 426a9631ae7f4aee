package dev.hourglass.redis;

import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.LimiterBackend;
import java.util.function.Function;

/**
 * Limiters in degraded mode: Redis while it answers, this node's memory while it does not. During
 * an outage each node counts on its own, so a limit shared by k nodes admits up to k times its
 * limit, and what was counted in Redis before the outage is not seen; when Redis is back its
 * counts hold again and the ones kept in memory are dropped.
 */
final class FallbackLimiters implements LimiterBackend {

    /** Runs an operation on Redis, or on memory when Redis is unreachable. */
    interface Route {
        <T> T call(Function<RedisBackend, T> onRedis, Function<Backend, T> onMemory);
    }

    private final Route route;

    FallbackLimiters(Route route) {
        this.route = route;
    }

    private static LimiterBackend of(Backend b) {
        return b.limiters().orElseThrow();
    }

    @Override
    public RateDecision take(String key, RateLimit limit, long n, long now) {
        return route.call(r -> of(r).take(key, limit, n, now), m -> of(m).take(key, limit, n, now));
    }

    @Override
    public PermitDecision acquire(String key, Permits permits, String permitId, long now, long leaseEnd) {
        return route.call(
                r -> of(r).acquire(key, permits, permitId, now, leaseEnd),
                m -> of(m).acquire(key, permits, permitId, now, leaseEnd));
    }

    @Override
    public boolean renew(String key, String permitId, long now, long leaseEnd) {
        return route.call(
                r -> of(r).renew(key, permitId, now, leaseEnd), m -> of(m).renew(key, permitId, now, leaseEnd));
    }

    @Override
    public boolean release(String key, String permitId, long now) {
        return route.call(r -> of(r).release(key, permitId, now), m -> of(m).release(key, permitId, now));
    }

    @Override
    public long inUse(String key, long now) {
        return route.call(r -> of(r).inUse(key, now), m -> of(m).inUse(key, now));
    }
}
