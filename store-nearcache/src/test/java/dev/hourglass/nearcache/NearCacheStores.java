package dev.hourglass.nearcache;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Opens stores with the near cache on and waits until it serves, read from its metrics. */
final class NearCacheStores {

    private NearCacheStores() {}

    /** Opens {@code uri} with {@code options} plus a registry of its own when they have none; waits until live. */
    static Store open(String uri, StoreOptions options) {
        MeterRegistry registry =
                options.meterRegistry().map(MeterRegistry.class::cast).orElseGet(SimpleMeterRegistry::new);
        Store store =
                Hourglass.open(uri, options.toBuilder().meterRegistry(registry).build());
        try {
            awaitLive(registry);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Waits until the near cache bound to {@code registry} is live; fails after 15 s. */
    static void awaitLive(MeterRegistry registry) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (true) {
            Gauge live = registry.find("hourglass.nearcache.live").gauge();
            if (live == null) {
                throw new AssertionError("the store has no near cache");
            }
            if (live.value() == 1) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the near cache's change feed did not become live within 15 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** The value of the function counter {@code name} with the given tag pairs. */
    static double count(MeterRegistry registry, String name, String... tags) {
        var c = registry.find(name).tags(tags).functionCounter();
        return c == null ? 0 : c.count();
    }
}
