package dev.hourglass;

import java.time.Clock;
import java.util.Optional;

/** Binds the limiter meters to Micrometer only when a registry is given. */
final class RateLimitMetricsSupport {

    private RateLimitMetricsSupport() {}

    static RateLimitMetrics create(Optional<Object> registry, String backend, Clock clock) {
        return registry.<RateLimitMetrics>map(r -> new MicrometerRateLimitMetrics(r, backend, clock))
                .orElse(RateLimitMetrics.NONE);
    }
}
