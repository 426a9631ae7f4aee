package dev.hourglass;

import java.util.Optional;

/** Binds the limiter counters to Micrometer only when a registry is given. */
final class RateLimitMetricsSupport {

    private RateLimitMetricsSupport() {}

    static RateLimitMetrics create(Optional<Object> registry, String backend) {
        return registry.<RateLimitMetrics>map(r -> new MicrometerRateLimitMetrics(r, backend))
                .orElse(RateLimitMetrics.NONE);
    }
}
