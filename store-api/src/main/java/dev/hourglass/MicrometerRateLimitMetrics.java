package dev.hourglass;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters per backend and limit name: {@code hourglass.limiter.decisions} counters tagged with the
 * outcome ({@code admitted} or {@code refused}), {@code hourglass.limiter.permits.released}, and the
 * gauge {@code hourglass.limiter.permits.in.use}: the permits this store handle acquired that are
 * neither released nor past their lease on the store's clock. Permits held by other processes count
 * in their own gauges; one whose lease another process renewed counts here until the lease this
 * handle knows of ends. Meters are created once per limit name, so their number is bounded by the
 * names in use.
 */
final class MicrometerRateLimitMetrics implements RateLimitMetrics {

    /** Ended leases are dropped from a name's holdings at the latest when it grows past this. */
    private static final int PRUNE_AT = 1024;

    private final MeterRegistry registry;
    private final String backend;
    private final Clock clock;
    private final Map<String, Meters> byName = new ConcurrentHashMap<>();

    MicrometerRateLimitMetrics(Object registry, String backend, Clock clock) {
        this.registry = (MeterRegistry) registry;
        this.backend = backend;
        this.clock = clock;
    }

    @Override
    public void decided(String name, boolean admitted) {
        Meters m = meters(name);
        (admitted ? m.admitted : m.refused).increment();
    }

    @Override
    public void acquired(String name, String permitId, long leaseEnd, long now) {
        meters(name).held.acquired(permitId, leaseEnd, now);
    }

    @Override
    public void renewed(String name, String permitId, long leaseEnd) {
        meters(name).held.leases.computeIfPresent(permitId, (id, end) -> leaseEnd);
    }

    @Override
    public void released(String name, String permitId) {
        Meters m = meters(name);
        m.held.leases.remove(permitId);
        m.released.increment();
    }

    /** The leases of {@code name} kept in memory, ended or not. */
    int held(String name) {
        return meters(name).held.leases.size();
    }

    private Meters meters(String name) {
        Meters m = byName.get(name);
        return m != null ? m : byName.computeIfAbsent(name, this::register);
    }

    private Meters register(String name) {
        Held held = new Held();
        Gauge.builder("hourglass.limiter.permits.in.use", held, h -> h.live(clock.millis()))
                .description("Permits this store handle holds, neither released nor past their lease, by backend"
                        + " and limit name")
                .tag("backend", backend)
                .tag("name", name)
                .register(registry);
        return new Meters(decisions(name, "admitted"), decisions(name, "refused"), released(name), held);
    }

    private Counter decisions(String name, String outcome) {
        return Counter.builder("hourglass.limiter.decisions")
                .description("Limiter takes and permit acquires by backend, limit name and outcome")
                .tag("backend", backend)
                .tag("name", name)
                .tag("outcome", outcome)
                .register(registry);
    }

    private Counter released(String name) {
        return Counter.builder("hourglass.limiter.permits.released")
                .description("Permits released by their holders, by backend and limit name")
                .tag("backend", backend)
                .tag("name", name)
                .register(registry);
    }

    private record Meters(Counter admitted, Counter refused, Counter released, Held held) {}

    /** The leases of one name's permits held here: permit id to lease end. */
    private static final class Held {
        final Map<String, Long> leases = new ConcurrentHashMap<>();
        private volatile int pruneAt = PRUNE_AT;

        void acquired(String permitId, long leaseEnd, long now) {
            leases.put(permitId, leaseEnd);
            if (leases.size() >= pruneAt) {
                pruneAt = Math.max(PRUNE_AT, 2 * (int) live(now));
            }
        }

        /** Drops the ended leases and counts the others. */
        long live(long now) {
            leases.values().removeIf(end -> end <= now);
            return leases.size();
        }
    }
}
