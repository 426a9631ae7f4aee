package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.StoreOptions;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.testkit.RedisServer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two nodes sweeping one prefix: a bucket is drained by one of them at a time, each expiry reported. */
class SweepLeaseTest {

    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static RedisBackend node(String query, Map<String, Integer> reported) {
        String uri = redis.uri() + query;
        StoreConfig config = StoreConfig.of(
                uri,
                "redis",
                StoreOptions.builder().sweeperAutoStart(false).build(),
                id -> reported.merge(id, 1, Integer::sum));
        return new RedisBackend(config, RedisSettings.parse(config), null);
    }

    @Test
    void aBucketBeingDrainedByOneNodeIsSkippedByTheOther() {
        Map<String, Integer> reportedA = new ConcurrentHashMap<>();
        Map<String, Integer> reportedB = new ConcurrentHashMap<>();
        String query = "?prefix=" + TestStores.freshPrefix() + "&buckets=1";
        try (RedisBackend a = node(query, reportedA);
                RedisBackend b = node(query, reportedB)) {
            long now = 1_000_000;
            for (int i = 0; i < 20; i++) {
                a.sessions().put("s" + i, Attributes.empty(), now, now + 10);
            }
            long later = now + 10;
            assertThat(a.sweepTask().backlog(later)).isEqualTo(20);
            assertThat(a.sweepTask().sweep(later, 5)).isEqualTo(5);
            assertThat(b.sweepTask().sweep(later, 5))
                    .as("A holds the lease of the only bucket")
                    .isZero();
            int drained = 5;
            int n;
            while ((n = a.sweepTask().sweep(later, 5)) > 0) {
                drained += n;
            }
            assertThat(drained).isEqualTo(20);
            assertThat(reportedA).hasSize(20);
            assertThat(reportedB).isEmpty();
            b.sessions().put("late", Attributes.empty(), now, now + 10);
            assertThat(b.sweepTask().sweep(later, 5))
                    .as("A released the lease once drained")
                    .isEqualTo(1);
            assertThat(reportedB).containsOnlyKeys("late");
            assertThat(a.sweepTask().backlog(later)).isZero();
        }
    }

    @Test
    void twoNodesSweepingTogetherReportEveryExpiryAndRemoveEachOnce() throws Exception {
        Map<String, Integer> reported = new ConcurrentHashMap<>();
        String query = "?prefix=" + TestStores.freshPrefix() + "&buckets=64";
        try (RedisBackend a = node(query, reported);
                RedisBackend b = node(query, reported)) {
            long now = 1_000_000;
            Map<String, Attributes> batch = new java.util.LinkedHashMap<>();
            for (int i = 0; i < 3_000; i++) {
                batch.put("e" + i, Attributes.empty());
            }
            a.sessions().putAll(batch, now, now + 10);
            a.sessions().put("live", Attributes.empty(), now, now + 1_000_000);
            AtomicInteger removed = new AtomicInteger();
            Set<Throwable> errors = ConcurrentHashMap.newKeySet();
            Thread[] sweepers = new Thread[4];
            for (int t = 0; t < sweepers.length; t++) {
                RedisBackend node = t % 2 == 0 ? a : b;
                sweepers[t] = new Thread(() -> {
                    try {
                        for (int round = 0; round < 200 && node.sweepTask().backlog(now + 10) > 0; round++) {
                            removed.addAndGet(node.sweepTask().sweep(now + 10, 50));
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                sweepers[t].start();
            }
            for (Thread t : sweepers) {
                t.join(60_000);
            }
            assertThat(errors).isEmpty();
            assertThat(removed.get()).isEqualTo(3_000);
            assertThat(reported).hasSize(3_000).doesNotContainKey("live");
            assertThat(reported.values()).allMatch(c -> c == 1);
            assertThat(a.sessions().count(now + 10)).isEqualTo(1);
        }
    }
}
