package dev.hourglass;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code hourglass.operations} timers and {@code hourglass.errors} counters tagged with backend and
 * operation, and the sweeper's figures as {@code hourglass.sweeper.*} gauges.
 */
final class MicrometerMetrics implements Metrics {

    private final MeterRegistry registry;
    private final String backend;
    private final Map<Op, Timer> timers = new EnumMap<>(Op.class);
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();

    MicrometerMetrics(Object registry, String backend, Store store) {
        this.registry = (MeterRegistry) registry;
        this.backend = backend;
        for (Op op : Op.values()) {
            timers.put(op, Timer.builder("hourglass.operations")
                    .description("Store operations by backend and operation")
                    .tag("backend", backend).tag("op", op.tag)
                    .register(this.registry));
        }
        store.sweeper().ifPresent(s -> {
            Gauge.builder("hourglass.sweeper.removed", s, x -> x.status().removedTotal())
                    .description("Expired entries removed by the sweeper").tag("backend", backend).register(this.registry);
            Gauge.builder("hourglass.sweeper.removed.last", s, x -> x.status().removedLastRun())
                    .tag("backend", backend).register(this.registry);
            Gauge.builder("hourglass.sweeper.backlog", s, x -> x.status().backlog())
                    .description("Expired entries waiting to be removed (estimate)").tag("backend", backend)
                    .register(this.registry);
            Gauge.builder("hourglass.sweeper.running", s, x -> x.status().running() ? 1 : 0)
                    .tag("backend", backend).register(this.registry);
        });
    }

    @Override
    public long start() {
        return System.nanoTime();
    }

    @Override
    public void success(Op op, long start) {
        timers.get(op).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failure(Op op, long start, Throwable error) {
        timers.get(op).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        String type = error.getClass().getSimpleName();
        errors.computeIfAbsent(op.tag + '/' + type, k -> Counter.builder("hourglass.errors")
                .description("Store operations that failed, by backend, operation and exception")
                .tag("backend", backend).tag("op", op.tag).tag("exception", type)
                .register(registry)).increment();
    }
}
