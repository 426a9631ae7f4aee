package dev.hourglass;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code hourglass.operations} timers tagged with backend, operation, outcome ({@code success} or
 * {@code error}) and exception ({@code none} or the exception's simple name), the sweeper's removals
 * as the {@code hourglass.sweeper.removed} function counter, and its other figures as
 * {@code hourglass.sweeper.*} gauges. Nothing is registered before {@link #bindTo}.
 */
final class MicrometerMetrics implements Metrics, MeterBinder {

    private static final String OPERATIONS = "hourglass.operations";

    private final String backend;
    private final Optional<Sweeper> sweeper;
    private final Map<Op, Timer> successes = new EnumMap<>(Op.class);
    private final Map<String, Timer> failures = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    MicrometerMetrics(String backend, Optional<Sweeper> sweeper) {
        this.backend = backend;
        this.sweeper = sweeper;
    }

    /** Metrics for {@code backend} bound to {@code registry}, a {@link MeterRegistry}. */
    static MicrometerMetrics boundTo(Object registry, String backend, Optional<Sweeper> sweeper) {
        MicrometerMetrics metrics = new MicrometerMetrics(backend, sweeper);
        metrics.bindTo((MeterRegistry) registry);
        return metrics;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Op op : Op.values()) {
            successes.put(op, timer(op, "success", "none").register(registry));
        }
        sweeper.ifPresent(s -> {
            FunctionCounter.builder(
                            "hourglass.sweeper.removed", s, x -> x.status().removedTotal())
                    .description("Expired entries removed by the sweeper")
                    .tag("backend", backend)
                    .register(registry);
            Gauge.builder("hourglass.sweeper.removed.last", s, x -> x.status().removedLastRun())
                    .description("Expired entries removed by the sweeper's last run")
                    .tag("backend", backend)
                    .register(registry);
            Gauge.builder("hourglass.sweeper.backlog", s, x -> x.status().backlog())
                    .description("Expired entries waiting to be removed (estimate)")
                    .tag("backend", backend)
                    .register(registry);
            Gauge.builder("hourglass.sweeper.running", s, x -> x.status().running() ? 1 : 0)
                    .description("1 while the sweeper is scheduled, else 0")
                    .tag("backend", backend)
                    .register(registry);
        });
        this.registry = registry;
    }

    @Override
    public long start() {
        return System.nanoTime();
    }

    @Override
    public void success(Op op, long start) {
        successes.get(op).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failure(Op op, long start, Throwable error) {
        long nanos = System.nanoTime() - start;
        String type = error.getClass().getSimpleName();
        failures.computeIfAbsent(
                        op.tag + '/' + type, k -> timer(op, "error", type).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer.Builder timer(Op op, String outcome, String exception) {
        return Timer.builder(OPERATIONS)
                .description("Store operations by backend, operation, outcome and exception")
                .tag("backend", backend)
                .tag("op", op.tag)
                .tag("outcome", outcome)
                .tag("exception", exception);
    }
}
