package dev.hourglass.redis;

import dev.hourglass.CorruptDataException;
import dev.hourglass.Permit;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.SlidingWindow;
import dev.hourglass.TokenBucket;
import dev.hourglass.spi.LimiterBackend;
import dev.hourglass.spi.LimiterStates;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Limiters on Redis: one key per limiter key ({@code {prefix}r} followed by the stored key), one
 * EVALSHA per decision, so every decision is atomic on one Cluster slot without hash tags. Quotas,
 * approximate windows and buckets are short strings of whole numbers, read with one GET and
 * written with one SET; exact windows and permits are sorted sets scored by event time and lease
 * end. Every write sets a relative expiry of the time the state still matters plus the store's
 * grace (a quota's later takes keep the one its window's first take set), so Redis frees every
 * key by itself.
 */
final class RedisLimiters implements LimiterBackend {

    private final Engine engine;
    private final byte[] prefix;
    private final byte[] grace;

    RedisLimiters(Engine engine, String prefix, long graceMillis) {
        this.engine = engine;
        this.prefix = (prefix + "r").getBytes(StandardCharsets.UTF_8);
        this.grace = number(graceMillis);
    }

    @Override
    public RateDecision take(String key, RateLimit limit, long n, long now) {
        byte[][] keys = keys(key);
        if (limit instanceof Quota q) {
            List<Object> r = engine.eval(
                    RateLimitScripts.QUOTA,
                    ScriptOutputType.MULTI,
                    keys,
                    number(now),
                    number(q.limit()),
                    number(n),
                    number(q.windowEnd(now)),
                    grace);
            boolean admitted = integer(r, 0, key) == 1;
            long count = integer(r, 1, key);
            Duration reset = Duration.ofMillis(Math.max(0, integer(r, 2, key) - now));
            return new RateDecision(
                    admitted, q.limit(), Math.max(0, q.limit() - count), admitted ? Duration.ZERO : reset, reset);
        }
        if (limit instanceof SlidingWindow w && w.exact()) {
            String token = Long.toHexString(ThreadLocalRandom.current().nextLong());
            List<Object> r = engine.eval(
                    RateLimitScripts.EXACT,
                    ScriptOutputType.MULTI,
                    keys,
                    number(now),
                    number(w.limit()),
                    number(n),
                    number(w.window().toMillis()),
                    grace,
                    token.getBytes(StandardCharsets.US_ASCII));
            boolean admitted = integer(r, 0, key) == 1;
            long count = integer(r, 1, key);
            Duration retry = admitted ? Duration.ZERO : Duration.ofMillis(Math.max(1, integer(r, 2, key) - now));
            return new RateDecision(
                    admitted,
                    w.limit(),
                    Math.max(0, w.limit() - count),
                    retry,
                    Duration.ofMillis(Math.max(0, integer(r, 3, key) - now)));
        }
        if (limit instanceof SlidingWindow w) {
            List<Object> r = engine.eval(
                    RateLimitScripts.APPROXIMATE,
                    ScriptOutputType.MULTI,
                    keys,
                    number(now),
                    number(w.limit()),
                    number(n),
                    number(w.window().toMillis()),
                    grace);
            return LimiterStates.approximateAnswer(
                    w, integer(r, 0, key) == 1, integer(r, 3, key), integer(r, 1, key), integer(r, 2, key), n, now);
        }
        TokenBucket b = (TokenBucket) limit;
        List<Object> r = engine.eval(
                RateLimitScripts.BUCKET,
                ScriptOutputType.MULTI,
                keys,
                number(now),
                number(n),
                number(b.capacity()),
                number(b.refillTokens()),
                number(b.refillPeriod().toMillis()),
                grace);
        return LimiterStates.bucketAnswer(b, integer(r, 0, key) == 1, integer(r, 1, key), integer(r, 2, key), n, now);
    }

    @Override
    public PermitDecision acquire(String key, Permits permits, String permitId, long now, long leaseEnd) {
        List<Object> r = engine.eval(
                RateLimitScripts.ACQUIRE,
                ScriptOutputType.MULTI,
                keys(key),
                number(now),
                number(permits.max()),
                permitId.getBytes(StandardCharsets.UTF_8),
                number(leaseEnd),
                grace);
        long inUse = integer(r, 1, key);
        if (integer(r, 0, key) == 1) {
            return new PermitDecision(
                    Optional.of(new Permit(permitId, Instant.ofEpochMilli(leaseEnd))),
                    permits.max(),
                    Math.max(0, permits.max() - inUse),
                    Duration.ZERO);
        }
        return new PermitDecision(
                Optional.empty(),
                permits.max(),
                Math.max(0, permits.max() - inUse),
                Duration.ofMillis(Math.max(1, integer(r, 2, key) - now)));
    }

    @Override
    public boolean renew(String key, String permitId, long now, long leaseEnd) {
        Long r = engine.eval(
                RateLimitScripts.RENEW,
                ScriptOutputType.INTEGER,
                keys(key),
                number(now),
                permitId.getBytes(StandardCharsets.UTF_8),
                number(leaseEnd),
                grace);
        return r != null && r == 1;
    }

    @Override
    public boolean release(String key, String permitId, long now) {
        Long r = engine.eval(
                RateLimitScripts.RELEASE,
                ScriptOutputType.INTEGER,
                keys(key),
                number(now),
                permitId.getBytes(StandardCharsets.UTF_8));
        return r != null && r == 1;
    }

    @Override
    public long inUse(String key, long now) {
        Long r = engine.eval(RateLimitScripts.IN_USE, ScriptOutputType.INTEGER, keys(key), number(now));
        if (r == null || r < 0) {
            throw new CorruptDataException("limiter '" + key + "' answered " + r + " permits in use");
        }
        return r;
    }

    private byte[][] keys(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] full = new byte[prefix.length + k.length];
        System.arraycopy(prefix, 0, full, 0, prefix.length);
        System.arraycopy(k, 0, full, prefix.length, k.length);
        return new byte[][] {full};
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Element {@code i} of a script's reply as a whole number, or CorruptDataException. */
    static long integer(List<Object> reply, int i, String key) {
        if (reply == null || i >= reply.size() || !(reply.get(i) instanceof Long v)) {
            throw new CorruptDataException("limiter '" + key + "' gave a reply of an unexpected shape: element " + i
                    + " of " + (reply == null ? "nothing" : reply.size() + " elements") + " is not a number");
        }
        return v;
    }
}
