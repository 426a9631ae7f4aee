package dev.hourglass.nearcache;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The near cache's meters, tagged with the backend: {@code hourglass.nearcache.requests} (function
 * counters by {@code level} local or remote and {@code result} hit or miss; a local miss is a remote
 * request), {@code hourglass.nearcache.invalidations} (change reports received),
 * {@code hourglass.nearcache.flushes}, and the gauges {@code hourglass.nearcache.size} and
 * {@code hourglass.nearcache.live} (1 while the change feed is live).
 */
final class NearCacheMetrics {

    private NearCacheMetrics() {}

    /** Registers the meters of {@code cache} with {@code registry}, a {@link MeterRegistry}; returns them. */
    static List<Meter> bind(Object registry, NearCacheSessions cache, String backend) {
        MeterRegistry r = (MeterRegistry) registry;
        List<Meter> meters = new ArrayList<>();
        meters.add(requests(r, backend, "local", "hit", cache.localHits));
        meters.add(requests(r, backend, "local", "miss", cache.localMisses));
        meters.add(requests(r, backend, "remote", "hit", cache.remoteHits));
        meters.add(requests(r, backend, "remote", "miss", cache.remoteMisses));
        meters.add(FunctionCounter.builder("hourglass.nearcache.invalidations", cache.invalidations, LongAdder::sum)
                .description("Change reports the near cache received")
                .tag("backend", backend)
                .register(r));
        meters.add(FunctionCounter.builder("hourglass.nearcache.flushes", cache.flushes, LongAdder::sum)
                .description("Times the near cache dropped every entry")
                .tag("backend", backend)
                .register(r));
        meters.add(Gauge.builder("hourglass.nearcache.size", cache, NearCacheSessions::size)
                .description("Sessions the near cache holds (estimate)")
                .tag("backend", backend)
                .register(r));
        meters.add(Gauge.builder("hourglass.nearcache.live", cache, c -> c.isLive() ? 1 : 0)
                .description("1 while the change feed is live and entries are served, else 0")
                .tag("backend", backend)
                .register(r));
        return meters;
    }

    private static Meter requests(MeterRegistry r, String backend, String level, String result, LongAdder n) {
        return FunctionCounter.builder("hourglass.nearcache.requests", n, LongAdder::sum)
                .description("Session reads by cache level and result")
                .tag("backend", backend)
                .tag("level", level)
                .tag("result", result)
                .register(r);
    }

    /** Removes {@code meters} from {@code registry}, a {@link MeterRegistry}. */
    static void unbind(Object registry, List<?> meters) {
        MeterRegistry r = (MeterRegistry) registry;
        for (Object m : meters) {
            r.remove((Meter) m);
        }
    }
}
