package dev.hourglass.spi;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Micrometer meters of degraded mode; loaded only when a registry is given. */
final class FallbackMetrics {

    private FallbackMetrics() {}

    static void bind(Object registry, MemoryFallback backend, String name) {
        MeterRegistry r = (MeterRegistry) registry;
        Gauge.builder("hourglass." + name + ".degraded", backend, b -> b.degraded() ? 1 : 0)
                .description("1 while the engine is unreachable and this node serves from its own memory")
                .register(r);
        FunctionCounter.builder("hourglass." + name + ".fallback.calls", backend, MemoryFallback::fallbackCalls)
                .description("Calls served from this node's memory because the engine was unreachable; what they"
                        + " wrote was seen by no other node")
                .register(r);
        FunctionCounter.builder("hourglass." + name + ".fallback.dropped", backend, MemoryFallback::dropped)
                .description("Live sessions written during outages and dropped when the engine came back")
                .register(r);
    }
}
