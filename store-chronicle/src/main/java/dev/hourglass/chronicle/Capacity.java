package dev.hourglass.chronicle;

import dev.hourglass.StoreCapacityException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * Counts one map's entries against its configured capacity. The exact count sums every segment, so
 * it is read only every few hundred inserts, and before each insert once the map is nearly full.
 */
final class Capacity {

    private static final int REFRESH_EVERY = 256;

    /** Thrown inside an entry's lock; the caller sweeps outside it and retries once. */
    static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full() {
            super(null, null, false, false);
        }
    }

    private final ChronicleMap<?, ?> map;
    private final long limit;
    private final long slack;
    private final String what;
    private final String option;
    private final String dir;
    private final AtomicLong approx = new AtomicLong(-1);
    private final AtomicInteger sinceRefresh = new AtomicInteger();

    Capacity(ChronicleMap<?, ?> map, long limit, String what, String option, String dir) {
        this.map = map;
        this.limit = limit;
        this.slack = Math.max(16, limit / 64);
        this.what = what;
        this.option = option;
        this.dir = dir;
    }

    /** Before inserting a new key: throws {@link Full} when the map holds its capacity. */
    void beforeInsert() {
        long n = approx.get();
        if (n < 0 || n >= limit - slack || sinceRefresh.incrementAndGet() >= REFRESH_EVERY) {
            n = map.longSize();
            approx.set(n);
            sinceRefresh.set(0);
        }
        if (n >= limit) {
            throw new Full();
        }
        approx.incrementAndGet();
    }

    void removed() {
        approx.decrementAndGet();
    }

    long used() {
        return map.longSize();
    }

    long limit() {
        return limit;
    }

    StoreCapacityException full() {
        return new StoreCapacityException("the chronicle store in " + dir + " is full: it holds " + used() + " " + what
                + " and option " + option + " is " + limit + "; raise " + option
                + " (a directory is resized when a single process opens it) or shorten the TTLs");
    }

    StoreCapacityException noRoom(RuntimeException cause) {
        return new StoreCapacityException(
                "the chronicle store in " + dir + " has no room left in its " + what
                        + " file (" + used() + " of " + option + "=" + limit
                        + " used; many large values fragment it); raise "
                        + option + " (a directory is resized when a single process opens it)",
                cause);
    }
}
