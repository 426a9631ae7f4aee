package dev.hourglass.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Micrometer meters of degraded mode; loaded only when a registry is given. */
final class FallbackMetrics {

    private FallbackMetrics() {}

    static void bind(Object registry, FallbackBackend backend) {
        MeterRegistry r = (MeterRegistry) registry;
        Gauge.builder("hourglass.redis.degraded", backend, b -> b.degraded() ? 1 : 0)
                .description("1 while Redis is unreachable and this node serves sessions from its own memory")
                .register(r);
        FunctionCounter.builder("hourglass.redis.fallback.calls", backend, FallbackBackend::fallbackCalls)
                .description("Calls served from this node's memory because Redis was unreachable; what they wrote"
                        + " was seen by no other node")
                .register(r);
        FunctionCounter.builder("hourglass.redis.fallback.dropped", backend, FallbackBackend::dropped)
                .description("Live sessions written during outages and dropped when Redis came back")
                .register(r);
    }
}
