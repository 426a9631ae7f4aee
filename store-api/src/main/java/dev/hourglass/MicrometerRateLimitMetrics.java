package dev.hourglass;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code hourglass.limiter.decisions} counters tagged with backend, limit name and outcome
 * ({@code admitted} or {@code refused}), and {@code hourglass.limiter.permits.released} per name.
 */
final class MicrometerRateLimitMetrics implements RateLimitMetrics {

    private final MeterRegistry registry;
    private final String backend;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    MicrometerRateLimitMetrics(Object registry, String backend) {
        this.registry = (MeterRegistry) registry;
        this.backend = backend;
    }

    @Override
    public void decided(String name, boolean admitted) {
        String outcome = admitted ? "admitted" : "refused";
        counters.computeIfAbsent(
                        outcome + '/' + name,
                        k -> Counter.builder("hourglass.limiter.decisions")
                                .description("Limiter takes and permit acquires by backend, limit name and outcome")
                                .tag("backend", backend)
                                .tag("name", name)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
    }

    @Override
    public void released(String name) {
        counters.computeIfAbsent(
                        "released/" + name,
                        k -> Counter.builder("hourglass.limiter.permits.released")
                                .description("Permits released by their holders, by backend and limit name")
                                .tag("backend", backend)
                                .tag("name", name)
                                .register(registry))
                .increment();
    }
}
