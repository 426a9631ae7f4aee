package dev.hourglass.nearcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Store;
import dev.hourglass.StoreException;
import dev.hourglass.StoreOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Node B writes an increasing counter while node A reads it through its near cache, and every
 * connection to the engine (A's invalidation connection among them) is killed again and again. No
 * read on A may return a value older than the newest write that returned more than the staleness
 * bound before the read began; and A's cache is flushed and live again after each kill.
 */
class DroppedConnectionTest {

    private static final Duration BOUND = Duration.ofSeconds(2);
    private static final int WRITES = 3_000;

    @ParameterizedTest
    @ValueSource(strings = {"redis", "postgresql"})
    void noStaleReadPastTheBoundWhileConnectionsAreKilled(String engine) throws Exception {
        String uri = engine.equals("redis")
                ? Engines.redisUri(Engines.freshPrefix())
                : Engines.postgresUri(Engines.freshPrefix());
        SimpleMeterRegistry registryA = new SimpleMeterRegistry();
        StoreOptions options = StoreOptions.builder()
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(1))
                .build();
        try (Store a = NearCacheStores.open(
                        uri, options.toBuilder().meterRegistry(registryA).build());
                Store b = NearCacheStores.open(uri, options)) {
            b.sessions().put("counter", Attributes.strings(Map.of("n", "0")), Duration.ofHours(1));
            AtomicLongArray doneAt = new AtomicLongArray(WRITES + 1);
            doneAt.set(0, System.nanoTime());
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                try {
                    for (int n = 1; n <= WRITES; n++) {
                        while (true) {
                            try {
                                b.sessions()
                                        .put(
                                                "counter",
                                                Attributes.strings(Map.of("n", Integer.toString(n))),
                                                Duration.ofHours(1));
                                break;
                            } catch (StoreException e) {
                                sleep(5);
                            }
                        }
                        doneAt.set(n, System.nanoTime());
                        sleep(1);
                    }
                } finally {
                    writing.set(false);
                }
            });
            writer.start();
            double flushesBefore = NearCacheStores.count(registryA, "hourglass.nearcache.flushes");
            int kills = 0;
            int reads = 0;
            int newest = 0;
            long lastKill = System.nanoTime();
            while (writing.get()) {
                if (System.nanoTime() - lastKill > 300_000_000L && kills < 5) {
                    killConnections(engine);
                    kills++;
                    lastKill = System.nanoTime();
                }
                long start = System.nanoTime();
                int seen;
                try {
                    seen = Integer.parseInt(a.sessions()
                            .get("counter")
                            .orElseThrow()
                            .attributes()
                            .getString("n"));
                } catch (StoreException e) {
                    continue;
                }
                reads++;
                int due = 0;
                for (int n = newest;
                        n <= WRITES && doneAt.get(n) != 0 && doneAt.get(n) < start - BOUND.toNanos();
                        n++) {
                    due = n;
                }
                newest = Math.max(newest, due);
                assertThat(seen).as("a read older than the bound").isGreaterThanOrEqualTo(due);
            }
            writer.join();
            assertThat(kills).isGreaterThanOrEqualTo(3);
            assertThat(reads).isGreaterThan(1_000);
            assertThat(NearCacheStores.count(registryA, "hourglass.nearcache.flushes"))
                    .as("each lost feed flushed the cache")
                    .isGreaterThanOrEqualTo(flushesBefore + 3);
            NearCacheStores.awaitLive(registryA);
            long end = System.nanoTime();
            while (!a.sessions()
                    .get("counter")
                    .orElseThrow()
                    .attributes()
                    .getString("n")
                    .equals(Integer.toString(WRITES))) {
                assertThat(System.nanoTime() - end)
                        .as("the last write seen within the bound")
                        .isLessThan(BOUND.toNanos());
            }
        }
    }

    private static void killConnections(String engine) {
        if (engine.equals("redis")) {
            Engines.redis().command("CLIENT", "KILL", "TYPE", "normal");
        } else {
            Engines.postgres()
                    .sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                            + " AND datname = current_database()");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
