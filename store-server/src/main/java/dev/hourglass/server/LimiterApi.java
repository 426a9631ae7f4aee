package dev.hourglass.server;

import dev.hourglass.Limiters;
import dev.hourglass.Permit;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.SlidingWindow;
import dev.hourglass.Store;
import dev.hourglass.TokenBucket;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Limiters over HTTP, for callers that are not on the JVM. The limit is described by the query of
 * each call (the store keeps only the counts), so every caller of one name and key must send the
 * same numbers. An admitted take answers 200, a refused one 429 with {@code Retry-After} (whole
 * seconds, at least 1); both carry {@code RateLimit-Policy: "name";q=limit;w=seconds} and
 * {@code RateLimit: "name";r=remaining;t=seconds until reset}.
 *
 * <pre>
 *   POST   /api/limits/quota/{name}/{key}?limit=&amp;window=s | &amp;period=minute|hour|day|week|month&amp;zone=
 *   POST   /api/limits/window/{name}/{key}?limit=&amp;window=s[&amp;mode=exact|approximate]
 *   POST   /api/limits/bucket/{name}/{key}?capacity=&amp;refill=&amp;period=s
 *          (each with [&amp;n=] to take more than one)
 *   POST   /api/permits/{name}/{key}?max=&amp;lease=s           acquire: 200 with the permit id, or 429
 *   PUT    /api/permits/{name}/{key}/{permitId}?lease=s        renew: 200, or 404 when unknown or lapsed
 *   DELETE /api/permits/{name}/{key}/{permitId}                release: 200 {released: true|false}
 *   GET    /api/permits/{name}/{key}                           {inUse}
 * </pre>
 */
final class LimiterApi {

    static final HttpString RATE_LIMIT = new HttpString("RateLimit");
    static final HttpString RATE_LIMIT_POLICY = new HttpString("RateLimit-Policy");
    private static final long MAX_SECONDS = RateLimit.MAX_WINDOW.toSeconds();

    private final Store store;

    LimiterApi(Store store) {
        this.store = store;
    }

    private Limiters limiters() {
        return store.limiters();
    }

    /** POST /api/limits/quota/{name}/{key}: a rolling window of {@code window} seconds, or a calendar period in a zone. */
    void quota(Call c) {
        long limit = required(c, "limit", RateLimit.MAX_LIMIT);
        String period = c.query("period");
        Quota q;
        if (period != null) {
            if (c.query("window") != null) {
                throw new ApiException(400, "query parameters 'window' and 'period' exclude each other");
            }
            q = Quota.calendar(name(c), limit, unit(period), zone(c.requiredQuery("zone")));
        } else {
            q = Quota.rolling(name(c), limit, Duration.ofSeconds(required(c, "window", MAX_SECONDS)));
        }
        take(c, q);
    }

    /** POST /api/limits/window/{name}/{key}: an exact sliding window, or the approximate one with mode=approximate. */
    void window(Call c) {
        String mode = c.query("mode");
        boolean exact = mode == null || mode.equals("exact");
        if (!exact && !mode.equals("approximate")) {
            throw new ApiException(400, "query parameter 'mode' must be exact or approximate, was '" + mode + "'");
        }
        long limit = required(c, "limit", exact ? SlidingWindow.MAX_EXACT_LIMIT : RateLimit.MAX_LIMIT);
        take(c, new SlidingWindow(name(c), limit, Duration.ofSeconds(required(c, "window", MAX_SECONDS)), exact));
    }

    /** POST /api/limits/bucket/{name}/{key}: capacity tokens, refill tokens every period seconds. */
    void bucket(Call c) {
        take(
                c,
                TokenBucket.of(
                        name(c),
                        required(c, "capacity", RateLimit.MAX_LIMIT),
                        required(c, "refill", Integer.MAX_VALUE),
                        Duration.ofSeconds(required(c, "period", MAX_SECONDS))));
    }

    /** POST /api/permits/{name}/{key}?max=&lease=: 200 with the permit, or 429 with Retry-After. */
    void acquire(Call c) {
        long max = required(c, "max", Permits.MAX_PERMITS);
        Permits p = Permits.of(name(c), max, Duration.ofSeconds(required(c, "lease", Permits.MAX_LEASE.toSeconds())));
        PermitDecision d = limiters().acquire(p, key(c));
        long leaseSeconds = p.lease().toSeconds();
        c.header(RATE_LIMIT_POLICY, policy(p.name(), max, leaseSeconds));
        c.header(RATE_LIMIT, "\"" + p.name() + "\";r=" + d.remaining() + ";t=" + seconds(d.retryAfter()));
        if (!d.admitted()) {
            c.header(Headers.RETRY_AFTER, Long.toString(Math.max(1, seconds(d.retryAfter()))));
        }
        c.json(d.admitted() ? 200 : 429, d.admitted(), g -> {
            if (!d.admitted()) {
                g.writeStringField(
                        "error",
                        "all " + max + " permits of '" + p.name() + "' are in use; retry after "
                                + d.retryAfter().toMillis() + " ms");
            }
            g.writeObjectFieldStart("data");
            g.writeBooleanField("admitted", d.admitted());
            if (d.permit().isPresent()) {
                Permit permit = d.permit().get();
                g.writeStringField("permitId", permit.id());
                g.writeStringField("leaseEndsAt", permit.leaseEndsAt().toString());
            }
            g.writeNumberField("max", max);
            g.writeNumberField("remaining", d.remaining());
            g.writeNumberField("retryAfterMs", d.retryAfter().toMillis());
            g.writeEndObject();
        });
    }

    /** PUT /api/permits/{name}/{key}/{permitId}?lease=: extends a live permit's lease; 404 when unknown or lapsed. */
    void renew(Call c) {
        Permits p = Permits.of(
                name(c), Permits.MAX_PERMITS, Duration.ofSeconds(required(c, "lease", Permits.MAX_LEASE.toSeconds())));
        String id = c.param("permitId");
        if (!limiters().renew(p, key(c), id)) {
            throw new ApiException(404, "no live permit '" + id + "' of '" + p.name() + "' for this key");
        }
        c.ok();
    }

    /** DELETE /api/permits/{name}/{key}/{permitId}: frees the permit; releasing an unknown or lapsed one changes nothing. */
    void release(Call c) {
        boolean released = limiters().release(anyPermits(c), key(c), c.param("permitId"));
        c.data(200, g -> {
            g.writeBooleanField("released", released);
        });
    }

    /** GET /api/permits/{name}/{key}: the permits whose lease has not ended. */
    void inUse(Call c) {
        long n = limiters().inUse(anyPermits(c), key(c));
        c.data(200, g -> {
            g.writeNumberField("inUse", n);
        });
    }

    private void take(Call c, RateLimit limit) {
        long n = c.number("n", 1, limit.limit());
        if (n == 0) {
            throw new ApiException(400, "query parameter 'n' must be from 1 to " + limit.limit() + ", was 0");
        }
        RateDecision d = limiters().take(limit, key(c), n);
        c.header(RATE_LIMIT_POLICY, policy(limit.name(), limit.limit(), Math.max(1, seconds(limit.window()))));
        c.header(RATE_LIMIT, "\"" + limit.name() + "\";r=" + d.remaining() + ";t=" + seconds(d.resetAfter()));
        if (!d.admitted()) {
            c.header(Headers.RETRY_AFTER, Long.toString(Math.max(1, seconds(d.retryAfter()))));
        }
        c.json(d.admitted() ? 200 : 429, d.admitted(), g -> {
            if (!d.admitted()) {
                g.writeStringField(
                        "error",
                        "limit '" + limit.name() + "' refused " + n + "; retry after "
                                + d.retryAfter().toMillis() + " ms");
            }
            g.writeObjectFieldStart("data");
            g.writeBooleanField("admitted", d.admitted());
            g.writeNumberField("limit", d.limit());
            g.writeNumberField("remaining", d.remaining());
            g.writeNumberField("retryAfterMs", d.retryAfter().toMillis());
            g.writeNumberField("resetAfterMs", d.resetAfter().toMillis());
            g.writeEndObject();
        });
    }

    private static String policy(String name, long quota, long windowSeconds) {
        return "\"" + name + "\";q=" + quota + ";w=" + windowSeconds;
    }

    /** Whole seconds, rounded up. */
    private static long seconds(Duration d) {
        long ms = d.toMillis();
        return ms <= 0 ? 0 : (ms + 999) / 1000;
    }

    /** A spec whose numbers do not matter: release and in-use read only the name. */
    private static Permits anyPermits(Call c) {
        return Permits.of(name(c), Permits.MAX_PERMITS, Permits.MAX_LEASE);
    }

    private static String name(Call c) {
        return c.param("name");
    }

    private static String key(Call c) {
        return c.param("key");
    }

    private static long required(Call c, String param, long max) {
        c.requiredQuery(param);
        long v = c.number(param, 0, max);
        if (v == 0) {
            throw new ApiException(400, "query parameter '" + param + "' must be from 1 to " + max + ", was 0");
        }
        return v;
    }

    private static ChronoUnit unit(String period) {
        return switch (period.toLowerCase(Locale.ROOT)) {
            case "minute" -> ChronoUnit.MINUTES;
            case "hour" -> ChronoUnit.HOURS;
            case "day" -> ChronoUnit.DAYS;
            case "week" -> ChronoUnit.WEEKS;
            case "month" -> ChronoUnit.MONTHS;
            default ->
                throw new ApiException(
                        400,
                        "query parameter 'period' must be minute, hour, day, week or month, was '"
                                + (period.length() > 32 ? period.substring(0, 29) + "..." : period) + "'");
        };
    }

    private static ZoneId zone(String zone) {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new ApiException(
                    400,
                    "query parameter 'zone' must be a time zone such as Europe/Paris or UTC, was '"
                            + (zone.length() > 32 ? zone.substring(0, 29) + "..." : zone) + "'");
        }
    }
}
