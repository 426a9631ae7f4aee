package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import dev.hourglass.Sessions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the {@link Data#KEYS} sessions into a Hourglass store before it is measured, once per engine. */
final class Populate {

    static final String MARKER = "populated-marker";

    private Populate() {}

    /**
     * Writes the sessions with the store's batched put (1,000 per call), unless a previous fork
     * already did; {@code ttl} is their time to live.
     */
    static void hourglass(String what, Sessions sessions, Duration ttl) {
        if (sessions.get(MARKER).isPresent()) {
            return;
        }
        long t0 = System.nanoTime();
        putAll(sessions, "", Data.KEYS, ttl);
        sessions.put(MARKER, Attributes.empty(), ttl);
        System.out.printf(
                "# populated %s with %,d sessions in %.1f s%n", what, Data.KEYS, (System.nanoTime() - t0) / 1e9);
    }

    /** Puts sessions {@code prefix + i} (or the data set's ids when the prefix is empty), 0 <= i < count. */
    static void putAll(Sessions sessions, String prefix, int count, Duration ttl) {
        for (int first = 0; first < count; first += 1_000) {
            Map<String, Attributes> batch = new LinkedHashMap<>(2_000);
            for (int i = first; i < Math.min(count, first + 1_000); i++) {
                batch.put(prefix.isEmpty() ? Data.id(i) : prefix + i, Data.attributes(i));
            }
            sessions.putAll(batch, ttl);
        }
    }
}
