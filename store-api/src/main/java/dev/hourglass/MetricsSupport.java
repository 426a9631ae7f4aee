package dev.hourglass;

import java.util.Optional;

/** Binds Micrometer only when a registry is given, so the dependency stays optional. */
final class MetricsSupport {

    private MetricsSupport() {
    }

    static boolean isMeterRegistry(Object o) {
        try {
            Class<?> type = Class.forName("io.micrometer.core.instrument.MeterRegistry", false, o.getClass().getClassLoader());
            return type.isInstance(o);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static Metrics create(Optional<Object> registry, String backend, Store store) {
        return registry.<Metrics>map(r -> new MicrometerMetrics(r, backend, store)).orElse(Metrics.NONE);
    }
}
