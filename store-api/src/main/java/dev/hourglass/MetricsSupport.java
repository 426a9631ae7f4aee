package dev.hourglass;

import java.util.Optional;

/** Binds Micrometer only when a registry is given, so the dependency stays optional. */
final class MetricsSupport {

    private MetricsSupport() {}

    static boolean isMeterRegistry(Object o) {
        try {
            Class<?> type = Class.forName(
                    "io.micrometer.core.instrument.MeterRegistry",
                    false,
                    o.getClass().getClassLoader());
            return type.isInstance(o);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static Metrics create(Optional<Object> registry, String backend, Optional<Sweeper> sweeper) {
        return registry.<Metrics>map(r -> MicrometerMetrics.boundTo(r, backend, sweeper))
                .orElse(Metrics.NONE);
    }
}
