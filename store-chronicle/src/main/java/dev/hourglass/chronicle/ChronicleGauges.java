package dev.hourglass.chronicle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Fill level and capacity as Micrometer gauges, tagged {@code backend=chronicle} and {@code kind}
 * ({@code sessions}, {@code streams}, {@code messages}): {@code hourglass.store.entries} (held,
 * expired ones not yet swept included), {@code hourglass.store.capacity} (the configured limit) and
 * {@code hourglass.store.free.percent} (free space of the map file, which fragmentation lowers).
 * Loaded only when a registry is given.
 */
final class ChronicleGauges {

    private ChronicleGauges() {}

    static AutoCloseable register(Object registry, ChronicleBackend b) {
        MeterRegistry r = (MeterRegistry) registry;
        StoreDirectory d = b.directory();
        List<Meter> meters = new ArrayList<>();
        add(r, meters, "sessions", b.sessionCapacity(), d.sessions, d);
        add(r, meters, "streams", b.streamCapacity(), d.streams, d);
        add(r, meters, "messages", b.messageCapacity(), d.messages, d);
        return () -> meters.forEach(r::remove);
    }

    private static void add(
            MeterRegistry r, List<Meter> meters, String kind, Capacity c, ChronicleMap<?, ?> map, StoreDirectory d) {
        meters.add(Gauge.builder("hourglass.store.entries", c, x -> d.isOpen() ? x.used() : Double.NaN)
                .description("Entries held, expired ones not yet swept included")
                .tag("backend", "chronicle")
                .tag("kind", kind)
                .register(r));
        meters.add(Gauge.builder("hourglass.store.capacity", c, Capacity::limit)
                .description("Entries the store holds at most (option max" + Character.toUpperCase(kind.charAt(0))
                        + kind.substring(1) + ")")
                .tag("backend", "chronicle")
                .tag("kind", kind)
                .register(r));
        meters.add(Gauge.builder(
                        "hourglass.store.free.percent", map, m -> d.isOpen() ? m.percentageFreeSpace() : Double.NaN)
                .description("Free space left in the map file")
                .tag("backend", "chronicle")
                .tag("kind", kind)
                .register(r));
    }
}
